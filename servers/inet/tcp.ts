/*
 * The reliable stream (TCP, as MINIX's inet tcp_*.c and lwIP implement it,
 * reduced): three-way handshake, byte sequence numbers, cumulative
 * acknowledgements, a fixed send window, out-of-order segments held until the
 * gap fills, and retransmission on a timer (RFC 6298: SRTT/RTTVAR, Karn's rule,
 * exponential backoff), FIN in both directions, RST for a closed port.
 *   tcpConnect(st, s, addr, port, p)   send SYN; p completes when the SYN-ACK arrives
 *   tcpListen(s, backlog)              accept SYNs on s's port
 *   tcpSend(st, s, p, data)            queue bytes (as many as the buffer takes), send what the window allows
 *   tcpRecv(st, s, p)                  bytes in order, 0 after the peer's FIN, or suspend
 *   tcpAccept(st, s, p)                an established connection from the backlog, or suspend
 *   tcpClose(st, s)                    the user's last close: FIN after the queued bytes
 *   tcpInput(st, frame)                a segment from the wire
 *   tcpTimers(st, nowNs)               retransmit what timed out
 * Exactly once, in order: a segment below rcvNxt is a duplicate (acked, dropped),
 * above it waits in `ooo`, at it is appended; the sender retransmits whole segments
 * with their first boundaries, so segments never overlap.
 */
import { ECONNREFUSED, ECONNRESET, EINVAL, ENOTCONN, EPIPE, ETIMEDOUT } from '../../kernel/index.js';
import { TH_ACK, TH_FIN, TH_RST, TH_SYN, type Frame } from '../../drivers/net/protocol.js';
import { complete, connKey, emit, newSocket, portKey, release, type InetState, type Pending, type Segment, type Socket } from './socket.js';
import { MAX_SOCK_IO_BYTES } from './protocol.js';

/** Largest payload of one segment: Ethernet's 1500-byte MTU less the IPv4 and TCP headers. */
export const MSS_BYTES = 1460;
/** Bytes in flight at most (a fixed window: no congestion control). */
export const WINDOW_BYTES = 16 * MSS_BYTES;
/** A socket's send and receive buffers. */
export const SNDBUF_BYTES = MAX_SOCK_IO_BYTES;
export const RCVBUF_BYTES = MAX_SOCK_IO_BYTES;
/** Out-of-order segments held at most (more are dropped, and come again). */
export const MAX_OOO_SEGMENTS = 64;
/** RFC 6298 bounds (mksim's minimum is lower than Linux's 200 ms: links here are LAN-fast). */
export const MIN_RTO_NS = 10_000_000;
export const MAX_RTO_NS = 10_000_000_000;
/** Retransmissions of one segment before the connection is given up (Linux's tcp_retries2 is 15). */
export const MAX_RETRIES = 15;

function segmentFrame(st: InetState, s: Socket, seq: number, flags: number, data: string): Frame {
  return { src: st.addr, dst: s.raddr, proto: 'tcp', sport: s.lport, dport: s.rport, seq, ack: (flags & TH_ACK) !== 0 ? s.rcvNxt : 0, flags, data, label: s.context };
}

/** Send a segment that occupies sequence space (data, SYN, FIN): kept until acknowledged. */
function sendSegment(st: InetState, s: Socket, flags: number, data: string): void {
  const len = data.length + ((flags & (TH_SYN | TH_FIN)) !== 0 ? 1 : 0);
  const seg: Segment = { seq: s.sndNxt, len, data, flags, sentNs: st.ctx.nowNs(), retransmitted: false };
  s.sndNxt += len;
  s.inflight.push(seg);
  st.segmentsSent++;
  emit(st, segmentFrame(st, s, seg.seq, flags, data));
  if (s.rtxAtNs === Infinity) s.rtxAtNs = st.ctx.nowNs() + s.rtoNs;
}

function sendAck(st: InetState, s: Socket): void {
  emit(st, segmentFrame(st, s, s.sndNxt, TH_ACK, ''));
}

function inflightBytes(s: Socket): number {
  return s.sndNxt - s.sndUna;
}

/** Send what the window allows, then the FIN once every byte is out. */
function pump(st: InetState, s: Socket): void {
  while (s.sndBuf.length > 0 && inflightBytes(s) < WINDOW_BYTES) {
    const n = Math.min(MSS_BYTES, s.sndBuf.length, WINDOW_BYTES - inflightBytes(s));
    const chunk = s.sndBuf.slice(0, n);
    s.sndBuf = s.sndBuf.slice(n);
    sendSegment(st, s, TH_ACK, chunk);
  }
  if (s.sndBuf.length === 0 && s.finQueued && !s.finSent) {
    s.finSent = true;
    sendSegment(st, s, TH_FIN | TH_ACK, '');
    s.state = s.state === 'closewait' ? 'lastack' : 'finwait';
  }
  wakeSender(st, s);
}

export function tcpConnect(st: InetState, s: Socket, addr: number, port: number, p: Pending): void {
  s.raddr = addr;
  s.rport = port;
  st.conns.set(connKey(s.lport, addr, port), s);
  s.state = 'synsent';
  // The initial sequence number from the kernel's PRNG (RFC 6528 wants it unpredictable).
  s.isn = st.ctx.random.below(1 << 30);
  s.sndUna = s.sndNxt = s.isn;
  s.pendConnect = p;
  sendSegment(st, s, TH_SYN, '');
}

export function tcpListen(s: Socket, backlog: number): void {
  s.state = 'listen';
  s.backlogMax = Math.max(1, Math.min(backlog, 128));
}

export function tcpSend(st: InetState, s: Socket, p: Pending, data: string): void {
  if (s.error !== 0) { complete(st, p, -s.error); return; }
  if (s.state !== 'established' && s.state !== 'closewait') { complete(st, p, s.state === 'synsent' || s.state === 'closed' || s.state === 'bound' || s.state === 'listen' ? -ENOTCONN : -EPIPE); return; }
  if (s.finQueued) { complete(st, p, -EPIPE); return; }
  const room = SNDBUF_BYTES - s.sndBuf.length - inflightBytes(s);
  if (room <= 0) { s.pendSend = { ...p, data }; return; }
  const n = Math.min(room, data.length);
  s.sndBuf += data.slice(0, n);
  complete(st, p, n);
  pump(st, s);
}

function wakeSender(st: InetState, s: Socket): void {
  const p = s.pendSend;
  if (p === null) return;
  const room = SNDBUF_BYTES - s.sndBuf.length - inflightBytes(s);
  if (room <= 0 && s.error === 0) return;
  s.pendSend = null;
  tcpSend(st, s, p, p.data);
}

export function tcpRecv(st: InetState, s: Socket, p: Pending): void {
  if (s.rcvBuf.length > 0) {
    const n = Math.min(p.bytes, s.rcvBuf.length);
    const data = s.rcvBuf.slice(0, n);
    s.rcvBuf = s.rcvBuf.slice(n);
    complete(st, p, n, { data });
    return;
  }
  if (s.peerFin) { complete(st, p, 0, { data: '' }); return; }
  if (s.error !== 0) { complete(st, p, -s.error); return; }
  if (s.state !== 'established' && s.state !== 'finwait') { complete(st, p, -ENOTCONN); return; }
  s.pendRecv = p;
}

function wakeReceiver(st: InetState, s: Socket): void {
  const p = s.pendRecv;
  if (p === null) return;
  if (s.rcvBuf.length === 0 && !s.peerFin && s.error === 0) return;
  s.pendRecv = null;
  tcpRecv(st, s, p);
}

export function tcpAccept(st: InetState, s: Socket, p: Pending): void {
  if (s.state !== 'listen') { complete(st, p, -EINVAL); return; }
  const child = s.backlog.shift();
  if (child === undefined) { s.pendAccept = p; return; }
  child.listener = null;
  child.owner = p.proc;
  complete(st, p, child.id, { addr: child.raddr, port: child.rport });
}

export function tcpClose(st: InetState, s: Socket): void {
  s.userClosed = true;
  s.pendRecv = s.pendSend = s.pendAccept = s.pendConnect = null;
  switch (s.state) {
    case 'listen':
      // Connections nobody accepted go with the listener (Linux's inet_csk_listen_stop resets them).
      for (const c of s.backlog) { c.userClosed = true; abort(st, c, ECONNRESET, true); }
      s.backlog.length = 0;
      for (const c of [...st.conns.values()]) if (c.listener === s) { c.userClosed = true; abort(st, c, ECONNRESET, true); }
      release(st, s);
      return;
    case 'established': case 'closewait':
      s.finQueued = true;
      pump(st, s);
      return;
    case 'finwait': case 'lastack':
      return;
    case 'synsent': case 'synrcvd':
      abort(st, s, ECONNRESET, true);
      return;
    default:
      release(st, s);
  }
}

/** The connection is over with an error: every waiting call gets it; a reset goes to the peer if asked. */
function abort(st: InetState, s: Socket, errno: number, sendRst: boolean): void {
  if (sendRst && s.state !== 'closed' && s.state !== 'listen') emit(st, segmentFrame(st, s, s.sndNxt, TH_RST | TH_ACK, ''));
  s.error = errno;
  s.inflight.length = 0;
  s.sndBuf = '';
  if (s.pendConnect !== null) { complete(st, s.pendConnect, -errno); s.pendConnect = null; }
  if (s.pendSend !== null) { complete(st, s.pendSend, -errno); s.pendSend = null; }
  if (s.pendRecv !== null) { complete(st, s.pendRecv, -errno); s.pendRecv = null; }
  if (s.listener !== null) {
    const i = s.listener.backlog.indexOf(s);
    if (i >= 0) s.listener.backlog.splice(i, 1);
    s.listener = null;
    s.userClosed = true;
  }
  release(st, s);
}

/** Acknowledged up to `ack`: drop what it covers, sample the round trip, restart or stop the timer. */
function acked(st: InetState, s: Socket, ack: number): void {
  if (ack <= s.sndUna || ack > s.sndNxt) return;
  const nowNs = st.ctx.nowNs();
  let sample = -1;
  while (s.inflight.length > 0 && s.inflight[0]!.seq + s.inflight[0]!.len <= ack) {
    const seg = s.inflight.shift()!;
    // Karn's rule: a retransmitted segment's ack says nothing about the round trip.
    if (!seg.retransmitted) sample = nowNs - seg.sentNs;
    if ((seg.flags & TH_FIN) !== 0) s.finAcked = true;
  }
  s.sndUna = ack;
  s.retries = 0;
  if (sample >= 0) rttSample(s, sample);
  s.rtxAtNs = s.inflight.length > 0 ? nowNs + s.rtoNs : Infinity;
}

/** RFC 6298 section 2: SRTT and RTTVAR from a sample, RTO = SRTT + 4 RTTVAR, bounded. */
function rttSample(s: Socket, rttNs: number): void {
  if (s.srttNs === 0) {
    s.srttNs = rttNs;
    s.rttvarNs = Math.round(rttNs / 2);
  } else {
    s.rttvarNs = Math.round((3 * s.rttvarNs + Math.abs(s.srttNs - rttNs)) / 4);
    s.srttNs = Math.round((7 * s.srttNs + rttNs) / 8);
  }
  s.rtoNs = Math.min(MAX_RTO_NS, Math.max(MIN_RTO_NS, s.srttNs + 4 * s.rttvarNs));
}

export function tcpInput(st: InetState, f: Frame): void {
  st.segmentsReceived++;
  const s = st.conns.get(connKey(f.dport, f.src, f.sport));
  if (s === undefined) { noConnection(st, f); return; }
  if ((f.flags & TH_RST) !== 0) {
    abort(st, s, s.state === 'synsent' ? ECONNREFUSED : ECONNRESET, false);
    return;
  }
  if (s.state === 'synsent') {
    if ((f.flags & (TH_SYN | TH_ACK)) !== (TH_SYN | TH_ACK) || f.ack !== s.isn + 1) return;
    s.rcvNxt = f.seq + 1;
    s.peerLabel = f.label;
    acked(st, s, f.ack);
    s.state = 'established';
    sendAck(st, s);
    if (s.pendConnect !== null) { complete(st, s.pendConnect, 0); s.pendConnect = null; }
    pump(st, s);
    return;
  }
  if ((f.flags & TH_SYN) !== 0) {
    // A SYN again (our SYN-ACK was lost) or a SYN-ACK again (our ACK was lost): the timer resends ours; ack theirs.
    if (s.state !== 'synrcvd') sendAck(st, s);
    return;
  }
  if ((f.flags & TH_ACK) !== 0) {
    acked(st, s, f.ack);
    if (s.state === 'synrcvd' && s.sndUna === s.isn + 1) established(st, s);
  }
  if (s.state === 'synrcvd') return;
  if (f.data.length > 0 || (f.flags & TH_FIN) !== 0) {
    if (f.seq === s.rcvNxt) take(s, f.data, (f.flags & TH_FIN) !== 0);
    else if (f.seq > s.rcvNxt && s.ooo.size < MAX_OOO_SEGMENTS) s.ooo.set(f.seq, { data: f.data, fin: (f.flags & TH_FIN) !== 0 });
    // The gap filled: what waited in order follows (each key at most once, so this ends).
    for (let next = s.ooo.get(s.rcvNxt); next !== undefined; next = s.ooo.get(s.rcvNxt)) {
      s.ooo.delete(s.rcvNxt);
      if (!take(s, next.data, next.fin)) break;
    }
    sendAck(st, s);
    wakeReceiver(st, s);
  }
  pump(st, s);
  if (s.finAcked && s.peerFin) release(st, s);
}

/** Append in-order bytes (and the FIN); false when the receive buffer is full (the sender will resend). */
function take(s: Socket, data: string, fin: boolean): boolean {
  if (s.rcvBuf.length + data.length > RCVBUF_BYTES) return false;
  s.rcvBuf += data;
  s.rcvNxt += data.length;
  if (fin && !s.peerFin) {
    s.peerFin = true;
    s.rcvNxt += 1;
    if (s.state === 'established') s.state = 'closewait';
  }
  return true;
}

function established(st: InetState, s: Socket): void {
  s.state = 'established';
  const l = s.listener;
  if (l === null) return;
  if (l.pendAccept !== null) {
    const p = l.pendAccept;
    l.pendAccept = null;
    s.listener = null;
    s.owner = p.proc;
    complete(st, p, s.id, { addr: s.raddr, port: s.rport });
  } else {
    l.backlog.push(s);
  }
}

/** A segment for no connection: a SYN for a listening port makes one; anything else but a RST gets a RST. */
function noConnection(st: InetState, f: Frame): void {
  if ((f.flags & TH_RST) !== 0) return;
  const l = st.ports.get(portKey('stream', f.dport));
  if ((f.flags & (TH_SYN | TH_ACK)) === TH_SYN && l !== undefined && l.state === 'listen') {
    let halfOpen = 0;
    for (const c of st.conns.values()) if (c.listener === l) halfOpen++;
    if (halfOpen >= l.backlogMax) return;
    const c = newSocket(st, 'stream', l.owner, l.uid, l.context);
    c.lport = f.dport;
    c.raddr = f.src;
    c.rport = f.sport;
    c.listener = l;
    c.peerLabel = f.label;
    c.state = 'synrcvd';
    c.rcvNxt = f.seq + 1;
    c.isn = st.ctx.random.below(1 << 30);
    c.sndUna = c.sndNxt = c.isn;
    st.conns.set(connKey(c.lport, c.raddr, c.rport), c);
    sendSegment(st, c, TH_SYN | TH_ACK, '');
    return;
  }
  const len = f.data.length + ((f.flags & (TH_SYN | TH_FIN)) !== 0 ? 1 : 0);
  emit(st, { src: st.addr, dst: f.src, proto: 'tcp', sport: f.dport, dport: f.sport, seq: f.ack, ack: f.seq + len, flags: TH_RST | TH_ACK, data: '', label: null });
}

/** Retransmit the oldest unacknowledged segment of every socket whose timer ran out (RFC 6298 5.4-5.6). */
export function tcpTimers(st: InetState, nowNs: number): void {
  for (const s of [...st.sockets.values()]) {
    if (s.rtxAtNs > nowNs) continue;
    const seg = s.inflight[0];
    if (seg === undefined) { s.rtxAtNs = Infinity; continue; }
    if (++s.retries > MAX_RETRIES) { abort(st, s, ETIMEDOUT, true); continue; }
    seg.retransmitted = true;
    seg.sentNs = nowNs;
    st.segmentsRetransmitted++;
    emit(st, segmentFrame(st, s, seg.seq, seg.flags, seg.data));
    s.rtoNs = Math.min(MAX_RTO_NS, s.rtoNs * 2);
    s.rtxAtNs = nowNs + s.rtoNs;
  }
}

/** The earliest retransmission time of any socket, or Infinity. */
export function nextTimerNs(st: InetState): number {
  let at = Infinity;
  for (const s of st.sockets.values()) if (s.rtxAtNs < at) at = s.rtxAtNs;
  return at;
}
