/*
 * Socket system calls, as generator functions over a UserProcess: the FS
 * holds the descriptor and routes the call to INET (servers/fs/socket.ts).
 *   socket(proc, kind)                 a descriptor for a stream (TCP) or datagram (UDP) socket
 *   bind, listen, accept, connect      the BSD calls; addresses are [addr, port] with addr a 32-bit IPv4 number
 *   send, sendAll, recv                bytes on a connected socket (recv: 0 at the peer's close)
 *   sendto, recvfrom                   datagrams with their addresses
 *   getpeercon(proc, fd)               the peer's security context (labeled networking)
 *   parseHostPort('10.0.0.2:80')       [addr, port], or null
 * Each returns its result or -errno. Bytes travel as strings of char codes 0..255.
 */
import type { FsReply } from '../../servers/fs/protocol.js';
import type { FsSockcall, SockKind } from '../../servers/inet/protocol.js';
import { MAX_SOCK_IO_BYTES } from '../../servers/inet/protocol.js';
import type { SysGen, UserProcess } from '../user/process.js';

export { MAX_SOCK_IO_BYTES } from '../../servers/inet/protocol.js';

function* sockcall(proc: UserProcess, fd: number, op: FsSockcall['op'], fields: Partial<FsSockcall> = {}): SysGen<FsReply | number> {
  const r = yield* proc.call('fs', { type: 'FS_SOCKCALL', fd, op, ...fields });
  return typeof r === 'number' ? r : (r as unknown as FsReply);
}

function* status(proc: UserProcess, fd: number, op: FsSockcall['op'], fields: Partial<FsSockcall> = {}): SysGen<number> {
  const r = yield* sockcall(proc, fd, op, fields);
  return typeof r === 'number' ? r : r.status;
}

export function* socket(proc: UserProcess, kind: SockKind): SysGen<number> {
  const r = yield* proc.call('fs', { type: 'FS_SOCKET', kind });
  return typeof r === 'number' ? r : (r as unknown as FsReply).status;
}

export function* bind(proc: UserProcess, fd: number, port: number): SysGen<number> {
  return yield* status(proc, fd, 'bind', { port });
}

export function* listen(proc: UserProcess, fd: number, backlog = 16): SysGen<number> {
  return yield* status(proc, fd, 'listen', { bytes: backlog });
}

/** The new connection's descriptor and its peer, or -errno. */
export function* accept(proc: UserProcess, fd: number): SysGen<{ fd: number; addr: number; port: number } | number> {
  const r = yield* sockcall(proc, fd, 'accept');
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : { fd: r.status, addr: r.addr ?? 0, port: r.port ?? 0 };
}

export function* connect(proc: UserProcess, fd: number, addr: number, port: number): SysGen<number> {
  return yield* status(proc, fd, 'connect', { addr, port });
}

/** Bytes the socket took (fewer than given when its buffer is full), or -errno. */
export function* send(proc: UserProcess, fd: number, data: string): SysGen<number> {
  return yield* status(proc, fd, 'send', { data: data.slice(0, MAX_SOCK_IO_BYTES) });
}

/** Send every byte (repeating send), as writeAll does for files. */
export function* sendAll(proc: UserProcess, fd: number, data: string): SysGen<number> {
  let done = 0;
  // Each send takes at least one byte or fails, so this ends.
  while (done < data.length) {
    const n = yield* send(proc, fd, data.slice(done));
    if (n < 0) return n;
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Up to `bytes` bytes in order; '' once the peer has closed; or -errno. */
export function* recv(proc: UserProcess, fd: number, bytes: number): SysGen<string | number> {
  const r = yield* sockcall(proc, fd, 'recv', { bytes });
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : r.data ?? '';
}

export function* sendto(proc: UserProcess, fd: number, addr: number, port: number, data: string): SysGen<number> {
  return yield* status(proc, fd, 'sendto', { addr, port, data });
}

export function* recvfrom(proc: UserProcess, fd: number, bytes: number): SysGen<{ data: string; addr: number; port: number } | number> {
  const r = yield* sockcall(proc, fd, 'recvfrom', { bytes });
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : { data: r.data ?? '', addr: r.addr ?? 0, port: r.port ?? 0 };
}

export function* getpeercon(proc: UserProcess, fd: number): SysGen<string | number> {
  const r = yield* sockcall(proc, fd, 'getpeercon');
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : (r.context as string);
}

/** 'A.B.C.D:PORT' as [addr, port], or null. */
export function parseHostPort(text: string): [number, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const parts = m.slice(1, 5).map(Number);
  const port = Number(m[5]);
  if (parts.some((p) => p > 255) || port < 1 || port > 65_535) return null;
  return [((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0, port];
}
