/*
 * The timeline viewer's spans per actor: running, ready, blocked (on whom) and handling.
 *   SpanTracker(laneOf, peerOf, emit)   add(rec) for each record in order, finish(endNs): emits each Span once closed
 *   SpanSidecar(dir)                    put(span, nowNs) stores it; finish(endNs) writes the last range and long.js
 *   decodeSpans(bytes), SPAN_BYTES      the row layout: f64 startNs, f64 endNs, u32 ref (request id, NO_REF: none),
 *                                       u16 lane, u16 peer (NO_PEER: none), u8 state (SPAN_STATES), u8 on (BLOCK_ON)
 * States come from the kernel's `sched` records (MINIX `switch_to_user`/`pick_proc`: who has the CPU; `waitNs` is
 * how long `to` was ready before), `block` records (`--trace-detail full`: on send/receive and the peer) and `exit`;
 * handling is from the delivery of a `send` to its handler's `reply` (re = its id).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceRecord } from '../../kernel/index.js';

export const SPAN_BYTES = 28;
export const SPAN_STATES = ['running', 'ready', 'blocked', 'handling'] as const;
export const BLOCK_ON = ['', 'send', 'receive'] as const;
export const RUNNING = 0;
export const READY = 1;
export const BLOCKED = 2;
export const HANDLING = 3;
export const NO_REF = 0xffffffff;
export const NO_PEER = 0xffff;
/** Spans per file (spans/NNNNNN.js): a range is closed when full, so a file stays ~1.8 MB whatever the trace. */
export const RANGE_SPANS = 1 << 16;
/** Spans that cross a range boundary go to spans/long.js, loaded with meta: at most this many (28 MB). */
const MAX_LONG_SPANS = 1 << 20;
/** Requests sent but not yet delivered, and delivered but not yet answered: bounded, oldest forgotten. */
const MAX_OPEN = 1 << 16;
const HOST_ID_SPAN = 2 ** 32;

export interface Span {
  readonly lane: number;
  readonly state: number;
  readonly startNs: number;
  readonly endNs: number;
  /** Blocked: the peer (ANY, an actor); handling: the requester; else NO_PEER. */
  readonly peer: number;
  /** Blocked: 1 send, 2 receive, 0 unknown (no block record). */
  readonly on: number;
  /** Handling: the request's message id; else NO_REF. */
  readonly ref: number;
}

interface ActorState {
  /** -1: not yet dispatched or exited. */
  state: number;
  sinceNs: number;
  peer: number;
  on: number;
  /** A block record seen while running: the blocked span that follows is on this peer. */
  pendingPeer: number;
  pendingOn: number;
}

type NameOf = (rec: TraceRecord, name: string) => number;

export class SpanTracker {
  private readonly actors = new Map<number, ActorState>();
  /** Sent requests by host-qualified id: their handler lane (set at send, taken at delivery). */
  private readonly sent = new Map<number, true>();
  /** Delivered requests by host-qualified id. */
  private readonly handling = new Map<number, { lane: number; startNs: number; peer: number; id: number }>();

  /** Each host's kernel numbers its own messages: a key is host number * 2^32 + id. */
  private readonly hostNr = new Map<string, number>();

  private key(rec: TraceRecord, id: number): number {
    if (typeof rec.host !== 'string') return id;
    let nr = this.hostNr.get(rec.host);
    if (nr === undefined) {
      nr = this.hostNr.size + 1;
      this.hostNr.set(rec.host, nr);
    }
    return nr * HOST_ID_SPAN + id;
  }

  constructor(private readonly laneOf: NameOf, private readonly peerOf: NameOf, private readonly emit: (span: Span) => void) {}

  private actor(lane: number): ActorState {
    let a = this.actors.get(lane);
    if (a === undefined) {
      a = { state: -1, sinceNs: 0, peer: NO_PEER, on: 0, pendingPeer: NO_PEER, pendingOn: 0 };
      this.actors.set(lane, a);
    }
    return a;
  }

  private close(lane: number, a: ActorState, endNs: number): void {
    if (a.state >= 0 && endNs > a.sinceNs) {
      this.emit({ lane, state: a.state, startNs: a.sinceNs, endNs, peer: a.state === BLOCKED ? a.peer : NO_PEER, on: a.state === BLOCKED ? a.on : 0, ref: NO_REF });
    }
  }

  private enter(a: ActorState, state: number, atNs: number, peer = NO_PEER, on = 0): void {
    a.state = state;
    a.sinceNs = atNs;
    a.peer = peer;
    a.on = on;
  }

  add(rec: TraceRecord): void {
    const t = rec.t;
    switch (rec.ev) {
      case 'sched': {
        if (typeof rec.from === 'string') {
          const lane = this.laneOf(rec, rec.from);
          const a = this.actor(lane);
          if (a.state === RUNNING) {
            this.close(lane, a, t);
            // Switched out still ready (quantum, a higher priority), else it blocked (kernel `dequeue`).
            if (rec.preempted === true) this.enter(a, READY, t);
            else this.enter(a, BLOCKED, t, a.pendingPeer, a.pendingOn);
            a.pendingPeer = NO_PEER;
            a.pendingOn = 0;
          }
        }
        if (typeof rec.to === 'string') {
          const lane = this.laneOf(rec, rec.to);
          const a = this.actor(lane);
          const waitNs = typeof rec.waitNs === 'number' && rec.waitNs > 0 ? rec.waitNs : 0;
          if (a.state === READY) {
            this.close(lane, a, t);
          } else {
            // Ready since t - waitNs: blocked (or not yet started) until then.
            const readyNs = Math.max(a.state >= 0 ? a.sinceNs : -Infinity, t - waitNs);
            this.close(lane, a, readyNs);
            if (t > readyNs) this.emit({ lane, state: READY, startNs: readyNs, endNs: t, peer: NO_PEER, on: 0, ref: NO_REF });
          }
          this.enter(a, RUNNING, t);
        }
        return;
      }
      case 'block': {
        if (typeof rec.proc !== 'string') return;
        const lane = this.laneOf(rec, rec.proc);
        const a = this.actor(lane);
        const peer = typeof rec.peer === 'string' ? this.peerOf(rec, rec.peer) : NO_PEER;
        const on = rec.on === 'send' ? 1 : rec.on === 'receive' ? 2 : 0;
        if (a.state === BLOCKED) {
          // Already off the CPU: what it waits for changed.
          this.close(lane, a, t);
          this.enter(a, BLOCKED, t, peer, on);
        } else {
          a.pendingPeer = peer;
          a.pendingOn = on;
        }
        return;
      }
      case 'exit':
      case 'fault': {
        if (typeof rec.proc !== 'string') return;
        const lane = this.laneOf(rec, rec.proc);
        const a = this.actor(lane);
        this.close(lane, a, t);
        a.state = -1;
        return;
      }
      case 'send': {
        if (typeof rec.id !== 'number') return;
        remember(this.sent, this.key(rec, rec.id), true);
        return;
      }
      case 'deliver': {
        if (typeof rec.id !== 'number' || typeof rec.dst !== 'string' || typeof rec.src !== 'string') return;
        const k = this.key(rec, rec.id);
        if (!this.sent.delete(k)) return;
        remember(this.handling, k, { lane: this.laneOf(rec, rec.dst), startNs: t, peer: this.peerOf(rec, rec.src), id: rec.id });
        return;
      }
      case 'reply': {
        if (typeof rec.re !== 'number' || typeof rec.src !== 'string') return;
        const k = this.key(rec, rec.re);
        const h = this.handling.get(k);
        if (h === undefined || h.lane !== this.laneOf(rec, rec.src)) return;
        this.handling.delete(k);
        this.emit({ lane: h.lane, state: HANDLING, startNs: h.startNs, endNs: t, peer: h.peer, on: 0, ref: h.id < NO_REF ? h.id : NO_REF });
        return;
      }
      default:
    }
  }

  /** State spans still open end with the trace; a request never answered has no handling span. */
  finish(endNs: number): void {
    for (const [lane, a] of this.actors) {
      this.close(lane, a, endNs);
      a.state = -1;
    }
  }
}


function remember<V>(map: Map<number, V>, k: number, v: V): void {
  if (map.size >= MAX_OPEN && !map.has(k)) map.delete(map.keys().next().value!);
  map.set(k, v);
}

function writeSpan(buf: Buffer, at: number, s: Span): void {
  buf.writeDoubleLE(s.startNs, at);
  buf.writeDoubleLE(s.endNs, at + 8);
  buf.writeUInt32LE(s.ref, at + 16);
  buf.writeUInt16LE(Math.min(s.lane, NO_PEER - 1), at + 20);
  buf.writeUInt16LE(Math.min(s.peer, NO_PEER), at + 22);
  buf.writeUInt8(s.state, at + 24);
  buf.writeUInt8(s.on, at + 25);
}

export function decodeSpans(bytes: Uint8Array): Span[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Span[] = [];
  for (let at = 0; at + SPAN_BYTES <= buf.length; at += SPAN_BYTES) {
    out.push({ startNs: buf.readDoubleLE(at), endNs: buf.readDoubleLE(at + 8), ref: buf.readUInt32LE(at + 16), lane: buf.readUInt16LE(at + 20),
      peer: buf.readUInt16LE(at + 22), state: buf.readUInt8(at + 24), on: buf.readUInt8(at + 25) });
  }
  return out;
}

export interface SpanMeta {
  /** Per file spans/NNNNNN.js: [startNs, endNs, spans]; every span in it lies within [startNs, endNs]. */
  readonly spanRanges: [number, number, number][];
  readonly longSpans: number;
  readonly longSpansDropped: number;
}

/**
 * Spans in files by time range. A span goes to the range open when it is emitted if
 * it starts there (it ends by now, so within the range); one that started before
 * (a long wait, a ready span known only at its dispatch) goes to long.js.
 */
export class SpanSidecar {
  private readonly buf = Buffer.alloc(RANGE_SPANS * SPAN_BYTES);
  private count = 0;
  private startNs = 0;
  private readonly long: Buffer[] = [];
  private longCount = 0;
  private longDropped = 0;
  readonly meta: { spanRanges: [number, number, number][] } = { spanRanges: [] };

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'spans'), { recursive: true });
  }

  put(s: Span, nowNs: number): void {
    if (s.startNs >= this.startNs && this.count === RANGE_SPANS) this.closeRange(nowNs);
    if (s.startNs >= this.startNs) {
      writeSpan(this.buf, this.count * SPAN_BYTES, s);
      this.count++;
      return;
    }
    if (this.longCount >= MAX_LONG_SPANS) {
      this.longDropped++;
      return;
    }
    const at = (this.longCount % 4096) * SPAN_BYTES;
    if (at === 0) this.long.push(Buffer.alloc(4096 * SPAN_BYTES));
    writeSpan(this.long[this.long.length - 1]!, at, s);
    this.longCount++;
  }

  private closeRange(endNs: number): void {
    const nr = this.meta.spanRanges.length;
    const data = this.buf.subarray(0, this.count * SPAN_BYTES).toString('base64');
    writeFileSync(join(this.dir, 'spans', spanFileName(nr)), `mksimSpans(${nr},"${data}");\n`);
    this.meta.spanRanges.push([this.startNs, endNs, this.count]);
    this.startNs = endNs;
    this.count = 0;
  }

  finish(endNs: number): SpanMeta {
    this.closeRange(Math.max(endNs, this.startNs));
    const bytes = Buffer.concat(this.long).subarray(0, this.longCount * SPAN_BYTES);
    writeFileSync(join(this.dir, 'spans', 'long.js'), `mksimLongSpans("${bytes.toString('base64')}");\n`);
    return { spanRanges: this.meta.spanRanges, longSpans: this.longCount, longSpansDropped: this.longDropped };
  }
}

export function spanFileName(nr: number): string {
  return `${String(nr).padStart(6, '0')}.js`;
}
