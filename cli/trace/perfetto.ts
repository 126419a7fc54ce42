/*
 * Export to Chrome Trace Event JSON, which Perfetto and chrome://tracing open.
 *   PerfettoExport          add(rec) for each record, then events() / chunks()
 *   ChromeEvent             one trace event (ph M, X, i, C)
 * Layout: one thread track per actor (thread_name metadata, in order of
 * first appearance) plus a `cpu` track of who runs; the handling of a
 * message is a complete (X) slice from its delivery to its handler's last
 * action; each send is a slice inside it; every delivered message is an
 * arrow with flow v2 fields (bind_id = message id, flow_out on the sender's
 * slice, flow_in on the receiver's). State changes are instant events;
 * the buffer cache's and the AVC's hit ratios (apart: two caches) and the
 * disk head's cylinder are counter (C) tracks.
 * ts and dur are in µs (the format's unit), with ns kept as decimals.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { extraFields } from './format.js';
import { isMessage, ownerOf } from './records.js';
import { isAvcCacheRecord } from './stats.js';

export interface ChromeEvent {
  name: string;
  ph: 'M' | 'X' | 'i' | 'C';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
  bind_id?: number;
  flow_in?: boolean;
  flow_out?: boolean;
}

const PID = 1;
const CPU_TID = 1;
/** Lookups the windowed cache hit ratio covers. */
export const CACHE_WINDOW = 64;
/** Records the exporter shows as instants; bookkeeping kinds are left out (the cpu track has sched). */
const SKIPPED_EVS: ReadonlySet<string> = new Set(['header', 'sched', 'quantum', 'block', 'unblock', 'kcall']);

const us = (ns: number): number => ns / 1000;

interface Track {
  readonly tid: number;
  /** The slice of the message being handled, open until the next delivery. */
  handling: ChromeEvent | null;
  handlingStartNs: number;
  lastActionNs: number;
}

/** The hit ratio over the last CACHE_WINDOW lookups of one cache. */
export class HitWindow {
  private readonly window: boolean[] = [];
  private hits = 0;

  /** Record a lookup; returns the ratio over the window. */
  add(hit: boolean): number {
    this.window.push(hit);
    if (hit) this.hits++;
    if (this.window.length > CACHE_WINDOW && this.window.shift()) this.hits--;
    return this.hits / this.window.length;
  }
}

export class PerfettoExport {
  private readonly meta: ChromeEvent[] = [{ name: 'process_name', ph: 'M', pid: PID, args: { name: 'mksim' } }];
  private readonly body: ChromeEvent[] = [];
  private readonly tracks = new Map<string, Track>();
  /** Send slices waiting for their message's delivery, by message id. */
  private readonly sendSlices = new Map<number, ChromeEvent>();
  private readonly replyIds = new Set<number>();
  private cpu: { name: string; startNs: number } | null = null;
  /** Windowed hit ratios, one per cache: the FS buffer cache and the AVC are different caches. */
  private readonly ratios = { buffer: new HitWindow(), avc: new HitWindow() };
  private lastNs = 0;
  private finished = false;
  header: TraceRecord | null = null;

  constructor() {
    this.addThread('cpu', CPU_TID);
  }

  private addThread(name: string, tid: number): void {
    this.meta.push({ name: 'thread_name', ph: 'M', pid: PID, tid, args: { name } });
    this.meta.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid, args: { sort_index: tid } });
  }

  private track(actor: string): Track {
    let t = this.tracks.get(actor);
    if (t === undefined) {
      t = { tid: CPU_TID + 1 + this.tracks.size, handling: null, handlingStartNs: 0, lastActionNs: 0 };
      this.tracks.set(actor, t);
      this.addThread(actor, t.tid);
    }
    return t;
  }

  private act(t: Track, ns: number): void {
    if (ns > t.lastActionNs) t.lastActionNs = ns;
  }

  private close(t: Track): void {
    if (t.handling !== null) t.handling.dur = us(Math.max(t.lastActionNs, t.handlingStartNs) - t.handlingStartNs);
    t.handling = null;
  }

  add(rec: TraceRecord): void {
    this.lastNs = rec.t;
    if (rec.ev === 'header') {
      this.header ??= rec;
      return;
    }
    if (isMessage(rec)) {
      const id = rec.id;
      if (rec.ev === 'deliver') {
        const dst = this.track(rec.dst);
        const slice: ChromeEvent = { name: rec.type, ph: 'X', pid: PID, tid: dst.tid, ts: us(rec.t), dur: 0, cat: 'handle', args: { id, src: rec.src, cause: rec.cause } };
        if (this.replyIds.delete(id)) {
          // A reply ends the caller's sendrec: a mark inside what it was handling.
          slice.name = `got ${rec.type}`;
          slice.cat = 'reply';
        } else {
          this.close(dst);
          dst.handling = slice;
          dst.handlingStartNs = rec.t;
        }
        this.act(dst, rec.t);
        this.body.push(slice);
        const sent = this.sendSlices.get(id);
        if (sent !== undefined) {
          this.sendSlices.delete(id);
          sent.bind_id = id;
          sent.flow_out = true;
          slice.bind_id = id;
          slice.flow_in = true;
        }
        return;
      }
      if (rec.ev === 'reply') this.replyIds.add(id);
      const src = this.track(rec.src);
      this.track(rec.dst);
      const args: Record<string, unknown> = { id, dst: rec.dst, cause: rec.cause };
      if (rec.re !== undefined) args.re = rec.re;
      if (rec.msg !== undefined) args.msg = rec.msg;
      const slice: ChromeEvent = { name: `${rec.ev} ${rec.type}`, ph: 'X', pid: PID, tid: src.tid, ts: us(rec.t), dur: 0, cat: rec.ev, args };
      this.act(src, rec.t);
      this.body.push(slice);
      this.sendSlices.set(id, slice);
      return;
    }
    if (rec.ev === 'sched') this.schedule(rec);
    if (rec.ev === 'cache') this.cacheCounter(rec);
    if (rec.ev === 'disk') this.diskCounter(rec);
    if (SKIPPED_EVS.has(rec.ev)) return;
    const owner = ownerOf(rec);
    const t = this.track(owner ?? 'kernel');
    this.act(t, rec.t);
    const name = rec.ev === 'state' ? `${rec.machine ?? ''} ${rec.from} → ${rec.to}`.trim()
      : rec.ev === 'log' ? `log: ${String(rec.text).slice(0, 60)}` : rec.ev;
    this.body.push({ name, ph: 'i', s: 't', pid: PID, tid: t.tid, ts: us(rec.t), cat: rec.ev, args: extraFields(rec) });
    if (rec.ev === 'exit' || rec.ev === 'fault') this.close(t);
  }

  private schedule(rec: TraceRecord): void {
    if (this.cpu !== null && rec.t >= this.cpu.startNs) {
      this.body.push({ name: this.cpu.name, ph: 'X', pid: PID, tid: CPU_TID, ts: us(this.cpu.startNs), dur: us(rec.t - this.cpu.startNs), cat: 'cpu' });
    }
    this.cpu = typeof rec.to === 'string' ? { name: rec.to, startNs: rec.t } : null;
  }

  private cacheCounter(rec: TraceRecord): void {
    if (rec.op !== 'hit' && rec.op !== 'miss') return;
    const avc = isAvcCacheRecord(rec);
    const ratio = (avc ? this.ratios.avc : this.ratios.buffer).add(rec.op === 'hit');
    // Perfetto names a counter track "<name> <arg key>"; Catapult shows "<cat>: <name>".
    this.body.push({ name: avc ? 'AVC' : 'buffer cache', ph: 'C', cat: 'mksim', pid: PID, ts: us(rec.t), args: { 'hit ratio': ratio } });
  }

  private diskCounter(rec: TraceRecord): void {
    if (typeof rec.fromCyl !== 'number' || typeof rec.toCyl !== 'number') return;
    const seekNs = typeof rec.seekNs === 'number' ? rec.seekNs : 0;
    this.body.push({ name: 'disk head', ph: 'C', cat: 'mksim', pid: PID, ts: us(rec.t), args: { cylinder: rec.fromCyl } });
    this.body.push({ name: 'disk head', ph: 'C', cat: 'mksim', pid: PID, ts: us(rec.t + seekNs), args: { cylinder: rec.toCyl } });
  }

  /** Every event: metadata first, then the rest in time order (stable, so a slice precedes those nested in it). */
  events(): ChromeEvent[] {
    if (!this.finished) {
      this.finished = true;
      for (const t of this.tracks.values()) this.close(t);
      if (this.cpu !== null) this.schedule({ seq: 0, t: this.lastNs, ev: 'sched', from: this.cpu.name, to: null });
    }
    // Sends never delivered keep no flow fields: an arrow needs both ends.
    const body = this.body.slice().sort((a, b) => a.ts! - b.ts!);
    return [...this.meta, ...body];
  }

  /** The JSON text in pieces, so a large trace is written without one huge string. */
  *chunks(): Generator<string> {
    const events = this.events();
    yield '{"traceEvents":[\n';
    const CHUNK = 4096;
    for (let i = 0; i < events.length; i += CHUNK) {
      yield events.slice(i, i + CHUNK).map((e) => JSON.stringify(e)).join(',\n') + (i + CHUNK < events.length ? ',\n' : '\n');
    }
    const other = this.header === null ? {} : extraFields(this.header);
    yield `],"displayTimeUnit":"ns","otherData":${JSON.stringify({ generator: 'mksim trace export', ...other })}}\n`;
  }
}
