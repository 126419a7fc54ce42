/*
 * Socket descriptors: the FS keeps the descriptor and its filp, INET keeps
 * the socket, as MINIX's VFS routes socket calls to the socket driver
 * (MINIX 3.4's sdev.c: sdev_socket, sdev_bind, ... and the reply from the driver).
 *   socketCalls(fs)   handlers for FS_SOCKET (socket(2)), FS_SOCKCALL (a call on a socket
 *                     descriptor) and INET_DONE (INET's outcome, which the FS passes on)
 *   closeSocket(fs, filp)   the last close of a socket's filp: INET_CLOSE
 *   cancelSocketCall(fs, proc)   a signal (or exit) for a process waiting on INET: INET_CANCEL
 * The caller is suspended (no reply) while INET works: a recv may wait for the
 * network. INET answers by senda, so neither server ever blocks on the other.
 */
import { EBADF, ENOSYS, ENOTSOCK, NONE, send, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { Handler } from '../../lib/server.js';
import type { FsSockcall, FsSocket, InetCall, InetDone } from '../inet/protocol.js';
import { FsError } from './errors.js';
import type { Filp } from './filp.js';
import { freeFd, getFd, procOf, type Fproc } from './fproc.js';
import { fsReply, O_RDWR } from './protocol.js';
import type { FsState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** Filp.sock while INET has not yet said which socket it made. */
const SOCK_PENDING = -2;

function inetOf(fs: FsState): number {
  const inet = fs.ctx?.endpointOf('inet') ?? NONE;
  if (inet === NONE) throw new FsError(ENOSYS, 'no INET server on this host (it has no link)');
  return inet;
}

function errorsAsReplies(h: (m: Envelope<any>) => Gen<Message | null>): Handler<any> {
  return function* (m) {
    try {
      return yield* h(m);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      return fsReply(-err.errno, { message: err.message });
    }
  };
}

export function socketCalls(fs: FsState): Record<string, Handler<any>> {
  return {
    FS_SOCKET: errorsAsReplies(function* (m: Envelope<FsSocket>) {
      const inet = inetOf(fs);
      const p = yield* procOf(fs, m.source);
      const fd = freeFd(p);
      const filp = fs.filps.alloc(O_RDWR, null, null);
      filp.sock = SOCK_PENDING;
      p.fds[fd] = { filp, cloexec: false };
      const call: InetCall = { type: 'INET_CALL', op: 'socket', proc: p.endpoint, fd, uid: p.uid, context: p.context, sock: -1, kind: m.kind };
      yield send(inet, call);
      return null;
    }),
    FS_SOCKCALL: errorsAsReplies(function* (m: Envelope<FsSockcall>) {
      const inet = inetOf(fs);
      const p = yield* procOf(fs, m.source);
      const { filp } = getFd(p, m.fd);
      if (filp.sock < 0) throw new FsError(filp.sock === SOCK_PENDING ? EBADF : ENOTSOCK, `descriptor ${m.fd} is not a socket`);
      const call: InetCall = {
        type: 'INET_CALL', op: m.op, proc: p.endpoint, fd: m.fd, uid: p.uid, context: p.context, sock: filp.sock,
        ...(m.port !== undefined ? { port: m.port } : {}), ...(m.addr !== undefined ? { addr: m.addr } : {}),
        ...(m.data !== undefined ? { data: m.data } : {}), ...(m.bytes !== undefined ? { bytes: m.bytes } : {}),
      };
      yield send(inet, call);
      // Suspended until INET_DONE: a signal meanwhile cancels the call (pmUnpause).
      p.suspended = { kind: 'sock', sock: filp.sock };
      return null;
    }),
    *INET_DONE(m: Envelope<InetDone>) {
      if (m.source !== fs.ctx?.endpointOf('inet')) return null;
      const p = fs.procs.byEndpoint.get(m.proc);
      // The process died while INET worked: its descriptors are closed already, so a socket
      // the call made (socket, accept) has no descriptor to close it by: close it now, as
      // MINIX's VFS closes a new socket it cannot hand out (do_socket, resume_accept: sdev_close).
      if (p === undefined) {
        if ((m.op === 'socket' || m.op === 'accept') && m.status >= 0) yield send(m.source, { type: 'INET_CLOSE', sock: m.status });
        return null;
      }
      if (p.suspended?.kind === 'sock') p.suspended = null;
      let status = m.status;
      if (m.op === 'socket') {
        const entry = p.fds[m.fd];
        if (entry === null || entry === undefined || entry.filp.sock !== SOCK_PENDING) {
          if (status >= 0) yield send(m.source, { type: 'INET_CLOSE', sock: status });
          return null;
        }
        if (status < 0) {
          p.fds[m.fd] = null;
          entry.filp.count = 0;
          fs.filps.free(entry.filp);
        } else {
          entry.filp.sock = status;
          status = m.fd;
        }
      } else if (m.op === 'accept' && status >= 0) {
        // The accepted connection is a new socket: a new descriptor for it.
        let fd: number;
        try {
          fd = freeFd(p);
          const filp = fs.filps.alloc(O_RDWR, null, null);
          filp.sock = status;
          p.fds[fd] = { filp, cloexec: false };
        } catch (err) {
          if (!(err instanceof FsError)) throw err;
          const inet = inetOf(fs);
          yield send(inet, { type: 'INET_CLOSE', sock: status });
          yield send(m.proc, fsReply(-err.errno, { message: err.message }));
          return null;
        }
        status = fd;
      }
      yield send(m.proc, fsReply(status, {
        ...(m.data !== undefined ? { data: m.data } : {}), ...(m.addr !== undefined ? { addr: m.addr } : {}),
        ...(m.port !== undefined ? { port: m.port } : {}), ...(m.context !== undefined ? { context: m.context } : {}),
      }));
      return null;
    },
  };
}

export function* closeSocket(fs: FsState, filp: Filp): Gen<void> {
  if (filp.sock < 0) return;
  const inet = fs.ctx?.endpointOf('inet') ?? NONE;
  if (inet !== NONE) yield send(inet, { type: 'INET_CLOSE', sock: filp.sock });
}

/**
 * MINIX's unpause for a process blocked on a socket (FP_BLOCKED_ON_SDEV): the
 * suspension is cleared first, then sdev_cancel asks the driver to end the call;
 * the driver's answer to the call itself (EINTR, or its result if the two
 * crossed) is what the process gets, through INET_DONE.
 */
export function* cancelSocketCall(fs: FsState, proc: Fproc): Gen<void> {
  const s = proc.suspended;
  if (s?.kind !== 'sock') return;
  proc.suspended = null;
  const inet = fs.ctx?.endpointOf('inet') ?? NONE;
  if (inet !== NONE) yield send(inet, { type: 'INET_CANCEL', proc: proc.endpoint, sock: s.sock });
}
