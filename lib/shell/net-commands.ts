/*
 * The socket commands of the language, as system calls through the FS to
 * INET (lib/syscalls/net.ts). Sockets are named descriptors, like open's,
 * so `close NAME` closes them.
 *   netCommands   listen, accept, connect, send, recv, udp, sendto, recvfrom, getpeercon
 * recv and recvfrom print what arrived, as read does.
 */
import { EBADF } from '../../kernel/errno.js';
import { ipText } from '../../drivers/net/protocol.js';
import * as net from '../syscalls/net.js';
import type { UserProcess } from '../user/process.js';
import { patternBytes } from './fs-commands.js';
import type { CommandImpl } from './run.js';
import { parseIntStrict } from './values.js';

function fdOf(proc: UserProcess, name: string): number {
  return proc.fdsByName.get(name) ?? -EBADF;
}

/** Bytes as a string of char codes (UTF-8 for text, the file commands' pattern for --bytes). */
function payload(text: string | undefined, bytes: number | true | undefined): string {
  const b = typeof bytes === 'number' ? patternBytes(bytes) : new TextEncoder().encode(text ?? '');
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

function printBytes(proc: UserProcess, data: string, prefix = ''): void {
  const bytes = Uint8Array.from(data, (c) => c.charCodeAt(0));
  const text = new TextDecoder().decode(bytes);
  if (text.length > 0 || prefix !== '') proc.print(prefix + (text.endsWith('\n') ? text.slice(0, -1) : text));
}

/** A socket of kind, bound (port > 0 or for a listener), named: its descriptor or -errno (closed again on failure). */
function* namedSocket(proc: UserProcess, kind: 'stream' | 'dgram', name: string, setup: (fd: number) => Generator<any, number, any>) {
  const fd = yield* net.socket(proc, kind);
  if (fd < 0) return fd;
  const r = yield* setup(fd);
  if (r < 0) {
    yield* proc.call('fs', { type: 'FS_CLOSE', fd });
    return r;
  }
  proc.fdsByName.set(name, fd);
  return 0;
}

export const netCommands: Readonly<Record<string, CommandImpl>> = {
  *listen(proc, c) {
    const port = parseIntStrict(c.args[0]!)!;
    return yield* namedSocket(proc, 'stream', c.args[2]!, function* (fd) {
      const r = yield* net.bind(proc, fd, port);
      return r < 0 ? r : yield* net.listen(proc, fd);
    });
  },
  *accept(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    const r = yield* net.accept(proc, fd);
    if (typeof r === 'number') return r;
    proc.fdsByName.set(c.args[2]!, r.fd);
    return 0;
  },
  *connect(proc, c) {
    const [addr, port] = net.parseHostPort(c.args[0]!)!;
    return yield* namedSocket(proc, 'stream', c.args[2]!, (fd) => net.connect(proc, fd, addr, port));
  },
  *send(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    return fd < 0 ? fd : yield* net.sendAll(proc, fd, payload(c.args[1], c.flags.bytes));
  },
  *recv(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    const r = yield* net.recv(proc, fd, parseIntStrict(c.args[1]!)!);
    if (typeof r === 'number') return r;
    printBytes(proc, r);
    return r.length;
  },
  *udp(proc, c) {
    const port = parseIntStrict(c.args[0]!)!;
    return yield* namedSocket(proc, 'dgram', c.args[2]!, (fd) => net.bind(proc, fd, port));
  },
  *sendto(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    const [addr, port] = net.parseHostPort(c.args[1]!)!;
    return fd < 0 ? fd : yield* net.sendto(proc, fd, addr, port, payload(c.args[2], undefined));
  },
  *recvfrom(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    const r = yield* net.recvfrom(proc, fd, parseIntStrict(c.args[1]!)!);
    if (typeof r === 'number') return r;
    printBytes(proc, r.data, `from ${ipText(r.addr)}:${r.port}: `);
    return r.data.length;
  },
  *getpeercon(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    const r = yield* net.getpeercon(proc, fd);
    if (typeof r === 'number') return r;
    proc.print(`${c.args[0]} peer ${r}`);
    return 0;
  },
};
