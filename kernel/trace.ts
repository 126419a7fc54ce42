/*
 * The trace bus: every kernel event as a record on an rxjs Observable
 * (DESIGN §4, trace format v1). Records are built only while someone
 * subscribes, so an untraced run pays one boolean test per event.
 *   TraceBus.trace$       the Observable of records
 *   TraceBus.on           is anyone listening? (check before building a record)
 *   TraceBus.emit(rec)    stamp seq and publish a record {t, ev, ...}
 *   summarizePayload(m)   a message's payload as plain JSON (buffers become their length)
 */
import { Observable, Subject } from 'rxjs';
import type { Message } from './message.js';

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

export class TraceBus {
  private readonly subject = new Subject<TraceRecord>();
  private seq = 0;
  private subscribers = 0;
  /**
   * True while at least one subscriber listens: a plain field, read on every
   * kernel event, kept by the subscribe and teardown of trace$.
   */
  on = false;
  readonly trace$: Observable<TraceRecord> = new Observable<TraceRecord>((subscriber) => {
    const inner = this.subject.subscribe(subscriber);
    this.subscribers++;
    this.on = true;
    return () => {
      inner.unsubscribe();
      this.subscribers--;
      this.on = this.subscribers > 0;
    };
  });

  /** Publish a record. The caller builds it with seq 0; the bus stamps the next seq. */
  emit(record: TraceRecord): void {
    record.seq = ++this.seq;
    this.subject.next(record);
  }

  /** Number of records emitted so far. */
  get count(): number {
    return this.seq;
  }

  complete(): void {
    this.subject.complete();
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

function summarizeValue(v: unknown, depth: number): unknown {
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
