/*
 * The trace bus: every kernel event as a record on an rxjs Observable
 * (DESIGN §4, trace format v1). Records are built only while someone
 * subscribes, so an untraced run pays one boolean test per event.
 *   TraceBus.trace$       the Observable of records
 *   TraceBus.on           is anyone listening? (check before building a record)
 *   TraceBus.emit(rec)    stamp seq and publish a record {t, ev, ...}
 *   TraceBus.hostView(h)  one host's bus in a run of several: its records carry `host` and go to this bus
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
  /** Host views publishing through this bus (hostView); their `on` follows this one's. */
  private readonly views: TraceBus[] = [];
  /** For a host view: the run's bus and the host's name; null for a run's own bus. */
  private readonly parent: TraceBus | null;
  private readonly host: string;
  /**
   * True while at least one subscriber listens: a plain field, read on every
   * kernel event, kept by the subscribe and teardown of trace$.
   */
  on = false;
  readonly trace$: Observable<TraceRecord>;

  constructor(parent: TraceBus | null = null, host = '') {
    this.parent = parent;
    this.host = host;
    this.on = parent?.on ?? false;
    // A host view's subscribers hear the whole run, as the run's bus's do.
    this.trace$ = parent !== null ? parent.trace$ : this.ownTrace$;
  }

  private readonly ownTrace$: Observable<TraceRecord> = new Observable<TraceRecord>((subscriber) => {
    const inner = this.subject.subscribe(subscriber);
    this.subscribers++;
    this.setOn(true);
    return () => {
      inner.unsubscribe();
      this.subscribers--;
      this.setOn(this.subscribers > 0);
    };
  });

  private setOn(on: boolean): void {
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
    this.subject.next(record);
  }

  /** Number of records emitted so far (a host view: the run's). */
  get count(): number {
    return this.parent !== null ? this.parent.count : this.seq;
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
