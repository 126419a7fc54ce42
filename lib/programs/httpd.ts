/*
 * A tiny web server for the networking examples: it answers each connection's
 * request with a line naming its own context, and prints what it was asked
 * and by whom (the peer's context, from labeled networking: getpeercon).
 *   httpd(proc)   listen on port 80; serve connections one at a time until a request "QUIT"
 */
import { errnoName } from '../../kernel/errno.js';
import * as net from '../syscalls/net.js';
import * as sec from '../syscalls/security.js';
import type { SysGen, UserProcess } from '../user/process.js';

/** Connections served at most (the example's browsers make a handful). */
const MAX_CONNECTIONS = 1000;

export function* httpd(proc: UserProcess): SysGen<number> {
  const l = yield* net.socket(proc, 'stream');
  const bound = l < 0 ? l : yield* net.bind(proc, l, 80);
  const r = bound < 0 ? bound : yield* net.listen(proc, l);
  if (r < 0) { proc.print(`httpd: listen: ${errnoName(r)}`); return 1; }
  const self = yield* sec.getcon(proc);
  for (let i = 0; i < MAX_CONNECTIONS; i++) {
    const c = yield* net.accept(proc, l);
    if (typeof c === 'number') { proc.print(`httpd: accept: ${errnoName(c)}`); return 1; }
    const request = yield* net.recv(proc, c.fd, 100);
    const peer = yield* net.getpeercon(proc, c.fd);
    if (typeof request === 'number') { proc.print(`httpd: recv: ${errnoName(request)}`); return 1; }
    if (request === 'QUIT') {
      yield* proc.call('fs', { type: 'FS_CLOSE', fd: c.fd });
      return 0;
    }
    proc.print(`${request} from ${typeof peer === 'number' ? `(no peer label: ${errnoName(peer)})` : peer}`);
    yield* net.sendAll(proc, c.fd, `200 OK from ${typeof self === 'number' ? 'httpd' : self}`);
    yield* proc.call('fs', { type: 'FS_CLOSE', fd: c.fd });
  }
  return 0;
}
