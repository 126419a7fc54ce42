/*
 * Export to Chrome Trace Event JSON (chrome://tracing, Catapult, and Perfetto's JSON importer), streamed.
 *   ChromeExport(write)     add(rec) for each record, then finish(); write(text) receives the JSON in pieces
 *   ChromeEvent             one trace event (ph M, X, i, C)
 * Layout: one thread track per actor (thread_name metadata when first seen) plus
 * a `cpu` track of who runs, in a process "mksim" (a run of several hosts: a
 * process per host, pid = its number, since each host has its own kernel and CPU;
 * message ids are per host, so a bind_id is the id plus the host's number times 2^32); the handling of a message is a complete (X) slice
 * from its delivery to its handler's last action, written when it closes; each
 * send is a slice, written when its message is delivered, with flow v2 fields
 * (bind_id = message id, flow_out on the send, flow_in on the handling). State
 * changes are instants; the buffer cache's and the AVC's hit ratios and the disk
 * head's cylinder are counters. ts and dur are in µs (the format's unit), ns kept
 * as decimals. Events are not in time order: importers sort them (Perfetto's
 * JSON tokenizer and Catapult both do), which is what lets this run in bounded
 * memory: only open slices and undelivered sends (at most MAX_PENDING_SENDS) are held.
 * Zero-length events of one actor at one instant go to lanes (cli/trace/lanes.ts).
 */
import type { MessageRecord, TraceRecord } from '../../kernel/index.js';
import { extraFields } from './format.js';
import { HitWindow } from './hit-window.js';
import { MAX_SAME_INSTANT_LANES, SameInstantLanes } from './lanes.js';
import { hostOf, instantName, INSTANT_SKIPPED_EVS, isMessage, onHost, ownerOf } from './records.js';
import { isAvcCacheRecord } from './stats.js';

export interface ChromeEvent {
  name: string;
  ph: 'M' | 'X' | 'B' | 'E' | 'i' | 'C';
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

/** The first host's (or the only machine's) pid and cpu thread. */
const PID = 1;
const CPU_TID = 1;
/** Message ids stay below this, so bind ids of different hosts never meet. */
const HOST_FLOW_SPAN = 2 ** 32;
/** Bound on the hosts of a run (each a process). */
const MAX_HOSTS = 4096;
/** Sends held for their delivery (to draw the arrow); past this the oldest is written without one. */
export const MAX_PENDING_SENDS = 1 << 16;
/** Replies remembered until delivered (a reply's delivery is a mark, not a new handling slice). */
const MAX_PENDING_REPLIES = 1 << 16;

const us = (ns: number): number => ns / 1000;

/** One machine: a process with its own cpu track and counters. */
interface Host {
  readonly nr: number;
  readonly pid: number;
  readonly cpuTid: number;
  cpu: { name: string; startNs: number } | null;
  /** Windowed hit ratios, one per cache: the FS buffer cache and the AVC are different caches. */
  readonly ratios: { readonly buffer: HitWindow; readonly avc: HitWindow };
}

interface Track {
  readonly name: string;
  readonly pid: number;
  readonly order: number;
  /** tid of each lane; lane 0 is the actor's own track. */
  readonly laneTids: number[];
  /** The slice of the message being handled, open until the next delivery. */
  handling: ChromeEvent | null;
  handlingStartNs: number;
  lastActionNs: number;
}

/** Drop the oldest entry of an insertion-ordered set once it is full. */
function bounded(keys: Set<number>, max: number): void {
  if (keys.size >= max) keys.delete(keys.keys().next().value as number);
}

export class ChromeExport {
  private readonly tracks = new Map<string, Track>();
  private nextTid = CPU_TID + 1;
  /** Send slices waiting for their message's delivery, by message id. */
  private readonly sendSlices = new Map<number, ChromeEvent>();
  private readonly replyIds = new Set<number>();
  private readonly lanes = new SameInstantLanes();
  /** Each actor's last lane, where zero-length events are written as B/E pairs. */
  private readonly lastLaneTids = new Set<number>();
  private readonly hosts = new Map<string, Host>();
  private lastNs = 0;
  private first = true;
  private finished = false;
  header: TraceRecord | null = null;

  constructor(private readonly write: (text: string) => void) {}

  /** The record's machine, its process named when first seen. */
  private host(rec: TraceRecord): Host {
    const name = hostOf(rec) ?? '';
    let h = this.hosts.get(name);
    if (h !== undefined) return h;
    if (this.hosts.size >= MAX_HOSTS) return this.hosts.values().next().value as Host;
    const nr = this.hosts.size;
    // tids are unique across processes: importers key threads by tid.
    h = { nr, pid: PID + nr, cpuTid: nr === 0 ? CPU_TID : this.nextTid++, cpu: null, ratios: { buffer: new HitWindow(), avc: new HitWindow() } };
    this.hosts.set(name, h);
    this.emit({ name: 'process_name', ph: 'M', pid: h.pid, args: { name: name === '' ? 'mksim' : name } });
    if (nr > 0) this.emit({ name: 'process_sort_index', ph: 'M', pid: h.pid, args: { sort_index: nr } });
    this.nameThread(h.pid, 'cpu', h.cpuTid, 0);
    return h;
  }

  private emit(e: ChromeEvent): void {
    this.write((this.first ? '{"traceEvents":[\n' : ',\n') + JSON.stringify(e));
    this.first = false;
  }

  private nameThread(pid: number, name: string, tid: number, sortIndex: number): void {
    this.emit({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
    this.emit({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: sortIndex } });
  }

  /** An actor's thread, in its host's process (named without the host: the process says it). */
  private track(rec: TraceRecord, actor: string): Track {
    const key = onHost(rec, actor);
    let t = this.tracks.get(key);
    if (t === undefined) {
      const pid = this.host(rec).pid;
      t = { name: actor, pid, order: this.tracks.size + 1, laneTids: [this.nextTid++], handling: null, handlingStartNs: 0, lastActionNs: 0 };
      this.tracks.set(key, t);
      this.nameThread(pid, actor, t.laneTids[0]!, t.order * MAX_SAME_INSTANT_LANES);
    }
    return t;
  }

  /** The tid for a zero-length event of track t at ns: the actor's own track, or a lane under it. */
  private laneOf(t: Track, ns: number): number {
    const lane = this.lanes.next(t.laneTids[0]!, ns);
    while (t.laneTids.length <= lane) {
      const tid = this.nextTid++;
      this.nameThread(t.pid, `${t.name} ·${t.laneTids.length + 1}`, tid, t.order * MAX_SAME_INSTANT_LANES + t.laneTids.length);
      t.laneTids.push(tid);
      if (t.laneTids.length === MAX_SAME_INSTANT_LANES) this.lastLaneTids.add(tid);
    }
    return t.laneTids[lane]!;
  }

  private emitZero(e: ChromeEvent, t: Track, ns: number): void {
    e.tid = this.laneOf(t, ns);
    this.emitSlice(e);
  }

  /**
   * A zero-length event on the last lane (more events at one instant than lanes) is a
   * B/E pair: Perfetto pops a finished zero-length slice when a slice begins at the
   * same instant, where instants (and zero-length X slices) stack.
   */
  private emitSlice(e: ChromeEvent): void {
    if (!this.lastLaneTids.has(e.tid!) || (e.dur ?? 0) !== 0) {
      this.emit(e);
      return;
    }
    const { dur: _dur, s: _scope, ...begin } = e;
    this.emit({ ...begin, ph: 'B' });
    this.emit({ name: e.name, ph: 'E', pid: e.pid, tid: e.tid, ts: e.ts, cat: e.cat });
  }

  private act(t: Track, ns: number): void {
    if (ns > t.lastActionNs) t.lastActionNs = ns;
  }

  private close(t: Track): void {
    const slice = t.handling;
    if (slice === null) return;
    const durNs = Math.max(t.lastActionNs, t.handlingStartNs) - t.handlingStartNs;
    slice.dur = us(durNs);
    t.handling = null;
    if (durNs === 0) this.emitZero(slice, t, t.handlingStartNs);
    else this.emit(slice);
  }

  add(rec: TraceRecord): void {
    this.lastNs = rec.t;
    this.host(rec);
    if (rec.ev === 'header') {
      this.header ??= rec;
      return;
    }
    if (isMessage(rec)) {
      this.message(rec);
      return;
    }
    if (rec.ev === 'sched') this.schedule(rec);
    if (rec.ev === 'cache') this.cacheCounter(rec);
    if (rec.ev === 'disk') this.diskCounter(rec);
    if (INSTANT_SKIPPED_EVS.has(rec.ev)) return;
    const t = this.track(rec, ownerOf(rec) ?? 'kernel');
    this.act(t, rec.t);
    const name = instantName(rec);
    this.emitZero({ name, ph: 'i', s: 't', pid: t.pid, ts: us(rec.t), cat: rec.ev, args: extraFields(rec) }, t, rec.t);
    if (rec.ev === 'exit' || rec.ev === 'fault') this.close(t);
  }

  private message(rec: MessageRecord): void {
    const id = rec.id;
    const flowId = this.host(rec).nr * HOST_FLOW_SPAN + id;
    if (rec.ev === 'deliver') {
      const dst = this.track(rec, rec.dst);
      const slice: ChromeEvent = { name: rec.type, ph: 'X', pid: dst.pid, tid: dst.laneTids[0]!, ts: us(rec.t), dur: 0, cat: 'handle', args: { id, src: rec.src, cause: rec.cause } };
      const isReply = this.replyIds.delete(flowId);
      const sent = this.sendSlices.get(flowId);
      if (sent !== undefined) {
        this.sendSlices.delete(flowId);
        sent.bind_id = flowId;
        sent.flow_out = true;
        slice.bind_id = flowId;
        slice.flow_in = true;
        this.emitSlice(sent);
      }
      if (isReply) {
        // A reply ends the caller's sendrec: a mark inside what it was handling.
        this.act(dst, rec.t);
        slice.name = `got ${rec.type}`;
        slice.cat = 'reply';
        this.emitZero(slice, dst, rec.t);
      } else {
        this.close(dst);
        this.act(dst, rec.t);
        dst.handling = slice;
        dst.handlingStartNs = rec.t;
      }
      return;
    }
    if (rec.ev === 'reply') {
      bounded(this.replyIds, MAX_PENDING_REPLIES);
      this.replyIds.add(flowId);
    }
    const src = this.track(rec, rec.src);
    this.track(rec, rec.dst);
    const args: Record<string, unknown> = { id, dst: rec.dst, cause: rec.cause };
    if (rec.re !== undefined) args.re = rec.re;
    if (rec.msg !== undefined) args.msg = rec.msg;
    this.act(src, rec.t);
    const slice: ChromeEvent = { name: `${rec.ev} ${rec.type}`, ph: 'X', pid: src.pid, ts: us(rec.t), dur: 0, cat: rec.ev, args };
    // Its lane is fixed now, in time order; it is written at delivery, with its arrow.
    slice.tid = this.laneOf(src, rec.t);
    if (this.sendSlices.size >= MAX_PENDING_SENDS) {
      // The oldest undelivered send is written without its arrow, so memory stays bounded.
      const [oldId, old] = this.sendSlices.entries().next().value as [number, ChromeEvent];
      this.sendSlices.delete(oldId);
      this.emitSlice(old);
    }
    this.sendSlices.set(flowId, slice);
  }

  /** Each host has its own CPU. */
  private schedule(rec: TraceRecord, h = this.host(rec)): void {
    // A zero-length run is nothing to draw (and would stack in Perfetto).
    if (h.cpu !== null && rec.t > h.cpu.startNs) {
      this.emit({ name: h.cpu.name, ph: 'X', pid: h.pid, tid: h.cpuTid, ts: us(h.cpu.startNs), dur: us(rec.t - h.cpu.startNs), cat: 'cpu' });
    }
    h.cpu = typeof rec.to === 'string' ? { name: rec.to, startNs: rec.t } : null;
  }

  private cacheCounter(rec: TraceRecord): void {
    if (rec.op !== 'hit' && rec.op !== 'miss') return;
    const avc = isAvcCacheRecord(rec);
    const h = this.host(rec);
    const ratio = (avc ? h.ratios.avc : h.ratios.buffer).add(rec.op === 'hit');
    // Perfetto names a counter track "<name> <arg key>"; Catapult shows "<cat>: <name>".
    this.emit({ name: avc ? 'AVC' : 'buffer cache', ph: 'C', cat: 'mksim', pid: h.pid, ts: us(rec.t), args: { 'hit ratio': ratio } });
  }

  private diskCounter(rec: TraceRecord): void {
    if (typeof rec.fromCyl !== 'number' || typeof rec.toCyl !== 'number') return;
    const seekNs = typeof rec.seekNs === 'number' ? rec.seekNs : 0;
    const pid = this.host(rec).pid;
    this.emit({ name: 'disk head', ph: 'C', cat: 'mksim', pid, ts: us(rec.t), args: { cylinder: rec.fromCyl } });
    this.emit({ name: 'disk head', ph: 'C', cat: 'mksim', pid, ts: us(rec.t + seekNs), args: { cylinder: rec.toCyl } });
  }

  /** Close what is open, write the sends never delivered (no arrow: it needs both ends) and the trailer. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.tracks.values()) this.close(t);
    for (const h of this.hosts.values()) {
      if (h.cpu !== null) this.schedule({ seq: 0, t: this.lastNs, ev: 'sched', from: h.cpu.name, to: null }, h);
    }
    for (const slice of this.sendSlices.values()) this.emitSlice(slice);
    this.sendSlices.clear();
    const other = this.header === null ? {} : extraFields(this.header);
    // No record at all: still a trace (an empty one).
    if (this.first) this.write('{"traceEvents":[');
    this.write(`\n],"displayTimeUnit":"ns","otherData":${JSON.stringify({ generator: 'mksim trace export', ...other })}}\n`);
  }
}
