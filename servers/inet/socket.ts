/*
 * INET's state: the socket table, bound ports, connections, and what the
 * server must send when the current message is handled.
 *   InetState, newInetState(ctx, addr)   one per INET server
 *   Socket, newSocket(st, kind, owner)   a socket (stream or datagram) and its buffers
 *   Pending                              a call suspended on a socket (recv, accept, connect, send)
 *   complete(st, pending, status, extra) the call's outcome, queued for FS
 *   emit(st, frame)                      a frame, queued for the driver
 *   connKey, portKey                     the table keys
 * Invariants: a socket is in `sockets` until its user closed it and its
 * protocol is done; a stream in conns has state synsent or later; at most
 * one pending call of each kind per socket (FS suspends the caller).
 */
import type { ActorContext, Endpoint } from '../../kernel/index.js';
import type { Frame } from '../../drivers/net/protocol.js';
import type { InetDone, SockKind, SockOp } from './protocol.js';

/** Sockets in one INET server (MINIX's inet has fixed tables too). */
export const MAX_SOCKETS = 1024;
/** Ephemeral ports, as Linux's default ip_local_port_range starts (the IANA range). */
export const EPHEMERAL_FIRST = 49_152;
export const EPHEMERAL_LAST = 65_535;

export type TcpState = 'closed' | 'bound' | 'listen' | 'synsent' | 'synrcvd' | 'established' | 'closewait' | 'finwait' | 'lastack';

export interface Pending {
  readonly op: SockOp;
  readonly proc: Endpoint;
  readonly fd: number;
  readonly bytes: number;
}

/** A sent TCP segment kept until acknowledged: `len` counts SYN and FIN as one each. */
export interface Segment {
  readonly seq: number;
  readonly len: number;
  readonly data: string;
  readonly flags: number;
  sentNs: number;
  retransmitted: boolean;
}

export interface Datagram { readonly addr: number; readonly port: number; readonly data: string }

export interface Socket {
  readonly id: number;
  readonly kind: SockKind;
  owner: Endpoint;
  uid: number;
  /** The creating process's security context (the socket's label, Linux's sk_security). */
  context: string | null;
  state: TcpState;
  lport: number;
  raddr: number;
  rport: number;
  // Send side (stream).
  isn: number;
  sndUna: number;
  sndNxt: number;
  sndBuf: string;
  readonly inflight: Segment[];
  finQueued: boolean;
  finSent: boolean;
  finAcked: boolean;
  // Receive side (stream).
  rcvNxt: number;
  rcvBuf: string;
  readonly ooo: Map<number, { data: string; fin: boolean }>;
  peerFin: boolean;
  // Retransmission timer (RFC 6298).
  rtoNs: number;
  srttNs: number;
  rttvarNs: number;
  retries: number;
  rtxAtNs: number;
  // Listening.
  listener: Socket | null;
  readonly backlog: Socket[];
  backlogMax: number;
  // Datagrams.
  readonly dgrams: Datagram[];
  // Calls waiting.
  pendRecv: Pending | null;
  pendAccept: Pending | null;
  pendConnect: Pending | null;
  pendSend: (Pending & { data: string }) | null;
  userClosed: boolean;
  /** An error to report to the next call (ECONNRESET, ETIMEDOUT), or 0. */
  error: number;
  /** Labeled IPsec: the peer's context from its security association (null: unlabeled peer). */
  peerLabel: string | null;
}

export interface InetState {
  readonly ctx: ActorContext;
  readonly addr: number;
  readonly sockets: Map<number, Socket>;
  nextSockId: number;
  /** `tcp:PORT` / `udp:PORT` -> the socket bound there. */
  readonly ports: Map<string, Socket>;
  /** `LPORT:RADDR:RPORT` -> a stream socket with that connection. */
  readonly conns: Map<string, Socket>;
  nextEphemeral: number;
  readonly outFrames: Frame[];
  readonly outDone: InetDone[];
  /** The clock alarm set (Infinity: none). */
  alarmAtNs: number;
  /** Statistics. */
  segmentsSent: number;
  segmentsRetransmitted: number;
  segmentsReceived: number;
}

export const INITIAL_RTO_NS = 100_000_000;

export function newInetState(ctx: ActorContext, addr: number): InetState {
  return {
    ctx, addr, sockets: new Map(), nextSockId: 1, ports: new Map(), conns: new Map(), nextEphemeral: EPHEMERAL_FIRST,
    outFrames: [], outDone: [], alarmAtNs: Infinity, segmentsSent: 0, segmentsRetransmitted: 0, segmentsReceived: 0,
  };
}

export function newSocket(st: InetState, kind: SockKind, owner: Endpoint, uid: number, context: string | null): Socket {
  const s: Socket = {
    id: st.nextSockId++, kind, owner, uid, context, state: 'closed', lport: 0, raddr: 0, rport: 0,
    isn: 0, sndUna: 0, sndNxt: 0, sndBuf: '', inflight: [], finQueued: false, finSent: false, finAcked: false,
    rcvNxt: 0, rcvBuf: '', ooo: new Map(), peerFin: false,
    rtoNs: INITIAL_RTO_NS, srttNs: 0, rttvarNs: 0, retries: 0, rtxAtNs: Infinity,
    listener: null, backlog: [], backlogMax: 0, dgrams: [],
    pendRecv: null, pendAccept: null, pendConnect: null, pendSend: null, userClosed: false, error: 0, peerLabel: null,
  };
  st.sockets.set(s.id, s);
  return s;
}

export const connKey = (lport: number, raddr: number, rport: number): string => `${lport}:${raddr}:${rport}`;
export const portKey = (kind: SockKind, port: number): string => `${kind === 'stream' ? 'tcp' : 'udp'}:${port}`;

export function complete(st: InetState, p: Pending, status: number, extra: Partial<Pick<InetDone, 'data' | 'addr' | 'port' | 'context'>> = {}): void {
  st.outDone.push({ type: 'INET_DONE', op: p.op, proc: p.proc, fd: p.fd, status, ...extra });
}

export function emit(st: InetState, frame: Frame): void {
  st.outFrames.push(frame);
}

/** A free ephemeral port for kind, or -1 (all in use). */
export function ephemeralPort(st: InetState, kind: SockKind): number {
  const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
  for (let i = 0; i < span; i++) {
    const port = st.nextEphemeral;
    st.nextEphemeral = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
    if (!st.ports.has(portKey(kind, port))) return port;
  }
  return -1;
}

/** Forget a socket the user has closed and whose protocol is over. */
export function release(st: InetState, s: Socket): void {
  if (s.state !== 'closed' && s.kind === 'stream') st.conns.delete(connKey(s.lport, s.raddr, s.rport));
  s.state = 'closed';
  s.rtxAtNs = Infinity;
  if (!s.userClosed) return;
  if (s.lport !== 0 && st.ports.get(portKey(s.kind, s.lport)) === s) st.ports.delete(portKey(s.kind, s.lport));
  st.sockets.delete(s.id);
}
