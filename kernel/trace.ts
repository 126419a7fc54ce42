/*
 * The trace bus: every kernel event as a record on an rxjs Observable
 * (DESIGN §4, trace format v1), and to direct sinks (the JSONL writer).
 * Records are built only while someone listens, so an untraced run pays one
 * boolean test per event; while only sinks listen, message and sched events
 * go to them as arguments, with no record object and no rxjs in between.
 *   TraceBus.trace$       the Observable of records (rxjs is loaded on first use)
 *   TraceBus.attach(s)    a direct TraceSink; returns its detach function
 *   TraceBus.on           is anyone listening? (check before building a record)
 *   TraceBus.emit(rec)    stamp seq and publish a record {t, ev, ...}
 *   TraceBus.message(...), sched(...)   the two bulk kinds, as fields
 *   TraceBus.hostView(h)  one host's bus in a run of several: its records carry `host` and go to this bus
 *   summarizePayload(m)   a message's payload as plain JSON (buffers become their length)
 */
import { createRequire } from 'node:module';
import type { Observable, Subject } from 'rxjs';
import type { Message } from './message.js';

/**
 * rxjs is evaluated only when someone subscribes to trace$ (issue 20): a run
 * that does not trace, or only writes a JSONL file, never needs it. In the
 * bundle (CommonJS) the literal require lets esbuild keep trace-rx.ts, and
 * the part of rxjs it uses, as a lazily initialised section; from the ES
 * module sources (tests, tsc's output) Node's require loads rxjs itself.
 */
type Rx = typeof import('./trace-rx.js');
function loadRxjs(): Rx {
  if (typeof require === 'function') {
    // In the bundle esbuild made this require its lazily initialised section. A test runner that
    // defines require for the ES module sources cannot load the .ts file: rxjs is then loaded below.
    try { return require('./trace-rx.js') as Rx; } catch { /* not the bundle */ }
  }
  return createRequire(import.meta.url)('rxjs') as Rx;
}

export const TRACE_FORMAT_VERSION = 1;

/** Every record: seq (from 1, strictly increasing), t (virtual ns), ev (kind), then kind-specific fields. */
export interface TraceRecord {
  seq: number;
  t: number;
  ev: string;
  [field: string]: unknown;
}

export type MessageEv = 'send' | 'deliver' | 'notify' | 'reply';

export interface MessageRecord extends TraceRecord {
  ev: MessageEv;
  id: number;
  src: string;
  dst: string;
  type: string;
  cause: number | null;
}

/** A notify's payload is its bits; every other message payload is summarised (summarizePayload) by the sink. */
export type TracedPayload = Message | { bits: number } | undefined;

/**
 * A consumer called directly by the bus, in record order. While no rxjs
 * subscriber listens, message and sched events arrive as fields (cause 0
 * and re 0 mean none; msg not yet summarised); otherwise, and for every
 * other kind, as the record object.
 */
export interface TraceSink {
  message(seq: number, t: number, ev: MessageEv, id: number, src: string, dst: string, type: string,
    cause: number, re: number, async: boolean, msg: TracedPayload, host: string | undefined): void;
  sched(seq: number, t: number, from: string | null, to: string | null, waitNs: number | undefined,
    preempted: boolean, host: string | undefined): void;
  record(rec: TraceRecord): void;
}

export class TraceBus {
  /** The rxjs Subject, made on the first subscription to trace$. */
  private subject: Subject<TraceRecord> | null = null;
  private observable: Observable<TraceRecord> | null = null;
  private seq = 0;
  private subscribers = 0;
  private sinks: TraceSink[] = [];
  /** Host views publishing through this bus (hostView); their `on` follows this one's. */
  private readonly views: TraceBus[] = [];
  /** For a host view: the run's bus and the host's name; null for a run's own bus. */
  private readonly parent: TraceBus | null;
  private readonly host: string;
  /**
   * True while at least one subscriber or sink listens: a plain field, read on
   * every kernel event, kept by attach/detach and trace$'s subscribe and teardown.
   */
  on = false;

  constructor(parent: TraceBus | null = null, host = '') {
    this.parent = parent;
    this.host = host;
    this.on = parent?.on ?? false;
  }

  /** The Observable of records; a host view's subscribers hear the whole run, as the run's bus's do. */
  get trace$(): Observable<TraceRecord> {
    if (this.parent !== null) return this.parent.trace$;
    if (this.observable === null) {
      const rx = loadRxjs();
      const subject = new rx.Subject<TraceRecord>();
      this.subject = subject;
      this.observable = new rx.Observable<TraceRecord>((subscriber) => {
        const inner = subject.subscribe(subscriber);
        this.subscribers++;
        this.setOn();
        return () => {
          inner.unsubscribe();
          this.subscribers--;
          this.setOn();
        };
      });
    }
    return this.observable;
  }

  /** Add a direct sink (a host view: to the run's bus); returns the function that removes it. */
  attach(sink: TraceSink): () => void {
    if (this.parent !== null) return this.parent.attach(sink);
    this.sinks = [...this.sinks, sink];
    this.setOn();
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
      this.setOn();
    };
  }

  private setOn(): void {
    const on = this.subscribers > 0 || this.sinks.length > 0;
    this.on = on;
    for (const v of this.views) v.on = on;
  }

  /**
   * One host's bus in a run of several hosts (DESIGN §2, hosts): the
   * host's kernel emits into it; each record gets `host` and is published,
   * with the run's one seq, on this bus. Subscribe to this bus, not the views.
   */
  hostView(host: string): TraceBus {
    const v = new TraceBus(this, host);
    this.views.push(v);
    return v;
  }

  /** Publish a record. The caller builds it with seq 0; the bus stamps the next seq. */
  emit(record: TraceRecord): void {
    if (this.parent !== null) {
      record.host = this.host;
      this.parent.emit(record);
      return;
    }
    record.seq = ++this.seq;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.record(record);
    if (this.subscribers > 0) this.subject!.next(record);
  }

  /** A message record (Kernel.traceMessage): cause 0 and re 0 mean none. */
  message(t: number, ev: MessageEv, id: number, src: string, dst: string, type: string, cause: number,
    msg: TracedPayload, re: number, async: boolean): void {
    const root = this.parent ?? this;
    const host = this.parent !== null ? this.host : undefined;
    if (root.subscribers > 0) {
      // One object shape for every message record (absent fields are undefined, which
      // JSON leaves out), so the consumers' property reads stay monomorphic.
      const rec: TraceRecord = {
        seq: 0, t, ev, id, src, dst, type, cause: cause === 0 ? null : cause,
        re: re !== 0 ? re : undefined,
        async: async ? true : undefined,
        msg: msg === undefined ? undefined : 'type' in msg ? summarizePayload(msg) : msg,
      };
      this.emit(rec);
      return;
    }
    const seq = ++root.seq;
    const sinks = root.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.message(seq, t, ev, id, src, dst, type, cause, re, async, msg, host);
  }

  /** A sched record (Kernel.run): `to` null is the CPU going idle (no waitNs). */
  sched(t: number, from: string | null, to: string | null, waitNs: number | undefined, preempted: boolean): void {
    const root = this.parent ?? this;
    if (root.subscribers > 0) {
      this.emit(to === null
        ? { seq: 0, t, ev: 'sched', from, to }
        : { seq: 0, t, ev: 'sched', from, to, waitNs, preempted: preempted ? true : undefined });
      return;
    }
    const seq = ++root.seq;
    const host = this.parent !== null ? this.host : undefined;
    const sinks = root.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.sched(seq, t, from, to, waitNs, preempted, host);
  }

  /** Number of records emitted so far (a host view: the run's). */
  get count(): number {
    return this.parent !== null ? this.parent.count : this.seq;
  }

  complete(): void {
    this.subject?.complete();
  }
}

const MAX_SUMMARY_DEPTH = 4;
const MAX_SUMMARY_ITEMS = 64;

/** The payload of a message (without type and source) as JSON-safe data. */
export function summarizePayload(msg: Message): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  const fields = msg as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key === 'type' || key === 'source') continue;
    out ??= {};
    const v = fields[key];
    out[key] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : summarizeValue(v, 0);
  }
  return out;
}

export function summarizeValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return String(v);
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  }
  if (v instanceof Uint8Array) return { bytes: v.length };
  if (depth >= MAX_SUMMARY_DEPTH) return '…';
  if (Array.isArray(v)) {
    const items = v.slice(0, MAX_SUMMARY_ITEMS).map((x) => summarizeValue(x, depth + 1));
    if (v.length > MAX_SUMMARY_ITEMS) items.push(`…${v.length - MAX_SUMMARY_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const key in v as Record<string, unknown>) out[key] = summarizeValue((v as Record<string, unknown>)[key], depth + 1);
  return out;
}
