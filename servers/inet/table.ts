/*
 * INET's call table (MINIX's inet sr.c dispatch, reduced): one handler per
 * socket call FS forwards, the close of a socket, and frames from the driver.
 *   inetCallTable(st, hooks)   INET_CALL, INET_CLOSE, INET_CANCEL, DL_RECV -> handlers (none replies: outcomes go by INET_DONE)
 *   doCancel(st, m)            a signal interrupts a process's suspended call: it completes with EINTR
 *   InetHooks                  the MAC check each call passes first (security.ts fills it; none: allow)
 * Every call finishes with complete() at once or suspends on its socket
 * (recv, accept, connect, send with a full buffer); either way the FS hears by INET_DONE.
 */
import {
  EADDRINUSE, EACCES, EBADF, EINTR, EDESTADDRREQ, EINVAL, EISCONN, ENOBUFS, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, type Envelope, type KernelCall,
} from '../../kernel/index.js';
import type { Handler } from '../../lib/server.js';
import type { DlRecv } from '../../drivers/net/protocol.js';
import { complete, ephemeralPort, MAX_SOCKETS, newSocket, portKey, type InetState, type Pending, type Socket } from './socket.js';
import { tcpAccept, tcpClose, tcpConnect, tcpInput, tcpListen, tcpRecv, tcpSend } from './tcp.js';
import { udpInput, udpRecvfrom, udpSendto } from './udp.js';
import { MAX_SOCK_IO_BYTES, type InetCall, type InetCancel, type InetClose } from './protocol.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** Ports below this need uid 0 (Linux's inet_bind: PROT_SOCK without CAP_NET_BIND_SERVICE). */
export const PROT_SOCK = 1024;

export interface InetHooks {
  /** MAC for a call on socket s (null for op socket): 0, or an errno to refuse it with. */
  check(m: InetCall, s: Socket | null): Gen<number>;
  /** MAC for a frame arriving for socket s (recv_msg, recvfrom, labeled IPsec): false drops it. */
  checkInput(frame: DlRecv['frame'], s: Socket | null): Gen<boolean>;
  /** A notification from the security server (a policy reload, a mode change). */
  onNotify?(m: Envelope): void;
}

export const ALLOW_ALL: InetHooks = {
  *check() { return 0; },
  *checkInput() { return true; },
};

function bindPort(st: InetState, s: Socket, port: number, uid: number): number {
  if (s.lport !== 0) return -EINVAL;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) return -EINVAL;
  if (port === 0) port = ephemeralPort(st, s.kind);
  if (port < 0) return -EADDRINUSE;
  if (port < PROT_SOCK && uid !== 0) return -EACCES;
  if (st.ports.has(portKey(s.kind, port))) return -EADDRINUSE;
  st.ports.set(portKey(s.kind, port), s);
  s.lport = port;
  if (s.state === 'closed') s.state = 'bound';
  return 0;
}

export function* doCall(st: InetState, m: InetCall, hooks: InetHooks): Gen<void> {
  const p: Pending = { op: m.op, proc: m.proc, fd: m.fd, bytes: Math.min(m.bytes ?? 0, MAX_SOCK_IO_BYTES) };
  if (m.op === 'socket') {
    if (m.kind !== 'stream' && m.kind !== 'dgram') { complete(st, p, -EINVAL); return; }
    if (st.sockets.size >= MAX_SOCKETS) { complete(st, p, -ENOBUFS); return; }
    const r = yield* hooks.check(m, null);
    if (r !== 0) { complete(st, p, -r); return; }
    complete(st, p, newSocket(st, m.kind, m.proc, m.uid, m.context).id);
    return;
  }
  const s = st.sockets.get(m.sock);
  if (s === undefined || s.userClosed) { complete(st, p, -EBADF); return; }
  const refused = yield* hooks.check(m, s);
  if (refused !== 0) { complete(st, p, -refused); return; }
  const stream = s.kind === 'stream';
  switch (m.op) {
    case 'bind':
      complete(st, p, bindPort(st, s, m.port ?? -1, m.uid));
      return;
    case 'listen': {
      if (!stream) { complete(st, p, -EOPNOTSUPP); return; }
      if (s.state !== 'closed' && s.state !== 'bound' && s.state !== 'listen') { complete(st, p, -EISCONN); return; }
      const r = s.lport === 0 ? bindPort(st, s, 0, m.uid) : 0;
      if (r < 0) { complete(st, p, r); return; }
      tcpListen(s, m.bytes ?? 16);
      complete(st, p, 0);
      return;
    }
    case 'accept':
      if (!stream) { complete(st, p, -EOPNOTSUPP); return; }
      tcpAccept(st, s, p);
      return;
    case 'connect': {
      if (s.state !== 'closed' && s.state !== 'bound') { complete(st, p, -EISCONN); return; }
      const r = s.lport === 0 ? bindPort(st, s, 0, m.uid) : 0;
      if (r < 0) { complete(st, p, r); return; }
      if (!stream) {
        // A datagram socket's connect only names its default peer.
        s.raddr = m.addr ?? 0;
        s.rport = m.port ?? 0;
        complete(st, p, 0);
        return;
      }
      tcpConnect(st, s, m.addr ?? 0, m.port ?? 0, p);
      return;
    }
    case 'send': case 'sendto': {
      const data = m.data ?? '';
      if (stream) { tcpSend(st, s, p, data); return; }
      const addr = m.op === 'sendto' ? m.addr ?? 0 : s.raddr;
      const port = m.op === 'sendto' ? m.port ?? 0 : s.rport;
      if (addr === 0 || port === 0) { complete(st, p, -EDESTADDRREQ); return; }
      if (s.lport === 0) {
        const r = bindPort(st, s, 0, m.uid);
        if (r < 0) { complete(st, p, r); return; }
      }
      udpSendto(st, s, p, addr, port, data);
      return;
    }
    case 'recv': case 'recvfrom':
      if (stream) tcpRecv(st, s, p);
      else if (s.lport === 0) complete(st, p, -ENOTCONN);
      else udpRecvfrom(st, s, p);
      return;
    case 'getpeercon':
      // Linux's selinux_socket_getpeersec_stream: ENOPROTOOPT when the peer has no label.
      if (s.peerLabel === null) complete(st, p, stream && s.state === 'closed' ? -ENOTCONN : -ENOPROTOOPT);
      else complete(st, p, 0, { context: s.peerLabel });
      return;
    default:
      complete(st, p, -EINVAL);
  }
}

export function doClose(st: InetState, m: InetClose): void {
  const s = st.sockets.get(m.sock);
  if (s === undefined || s.userClosed) return;
  if (s.kind === 'stream') { tcpClose(st, s); return; }
  s.userClosed = true;
  s.pendRecv = null;
  if (s.lport !== 0 && st.ports.get(portKey('dgram', s.lport)) === s) st.ports.delete(portKey('dgram', s.lport));
  st.sockets.delete(s.id);
}

/**
 * The process's call waiting on the socket ends with EINTR, as a socket driver answers
 * MINIX's SDEV_CANCEL (libsockevent's sockevent_cancel). A call already answered (the
 * answer and the cancel crossed) gets nothing more: the FS has its answer on the way.
 * An interrupted connect goes on in the background, as Linux's inet_stream_connect
 * leaves the handshake running when a signal ends the wait.
 */
export function doCancel(st: InetState, m: InetCancel): void {
  const s = st.sockets.get(m.sock);
  if (s === undefined) return;
  const mine = (p: Pending | null): p is Pending => p !== null && p.proc === m.proc;
  if (mine(s.pendRecv)) { complete(st, s.pendRecv, -EINTR); s.pendRecv = null; }
  if (mine(s.pendAccept)) { complete(st, s.pendAccept, -EINTR); s.pendAccept = null; }
  if (mine(s.pendConnect)) { complete(st, s.pendConnect, -EINTR); s.pendConnect = null; }
  // A suspended send has moved no byte yet (tcpSend takes what fits at once).
  if (mine(s.pendSend)) { complete(st, s.pendSend, -EINTR); s.pendSend = null; }
}

export function inetCallTable(st: InetState, hooks: InetHooks, fs: () => number): Record<string, Handler<any>> {
  return {
    *INET_CALL(m: Envelope<InetCall>) {
      // Only the FS speaks for processes (it routes their socket descriptors here).
      if (m.source !== fs()) return null;
      yield* doCall(st, m, hooks);
      return null;
    },
    *INET_CLOSE(m: Envelope<InetClose>) {
      if (m.source === fs()) doClose(st, m);
      return null;
    },
    *INET_CANCEL(m: Envelope<InetCancel>) {
      if (m.source === fs()) doCancel(st, m);
      return null;
    },
    *DL_RECV(m: Envelope<DlRecv>) {
      const f = m.frame;
      if (f.dst !== st.addr) return null;
      const target = f.proto === 'tcp' ? st.conns.get(`${f.dport}:${f.src}:${f.sport}`) ?? st.ports.get(portKey('stream', f.dport)) ?? null
        : st.ports.get(portKey('dgram', f.dport)) ?? null;
      if (!(yield* hooks.checkInput(f, target))) return null;
      if (f.proto === 'tcp') tcpInput(st, f);
      else udpInput(st, f);
      return null;
    },
  };
}
