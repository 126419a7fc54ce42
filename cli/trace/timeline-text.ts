/*
 * The timeline export's search sidecar: per chunk, what the page's search, chain and
 * breakdown need beyond the binary rows (cli/trace/timeline-search.ts reads them).
 *   TimelineText(dir)   row(nr, r, rec, host) for each new message row, observe(rec, host) for every
 *                       record, flush(nr) when the chunk is written, meta() at the end
 *   chunks/NNNNNN.txt.js  mksimText(nr, [payload JSON per row])       loaded for payload search, JSONL export
 *   chunks/NNNNNN.x.js    mksimExtra(nr, {flags, cpu, disk, re, avc}) small: loaded for chains and breakdowns
 *   SearchMeta          latency histograms per message type (send->delivery, request->reply), in meta.js
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceRecord } from '../../kernel/index.js';
import { CausalTracker, isMessage, isNewMessage, type MessageRecord } from './records.js';
import { isAvcDenial } from './stats.js';

/** A payload's JSON beyond this is cut (ending in …): the sidecar stays a few bytes a message. */
export const TEXT_MAX_CHARS = 240;
/** Row flags in the extras: a reply with a negative status, and a message whose handling had an AVC denial. */
export const FLAG_ERROR = 1;
export const FLAG_AVC = 2;
/** Messages waiting for their delivery or reply, remembered for the histograms (oldest forgotten first). */
const MAX_PENDING = 1 << 20;
/** Ids are per host: a key is host number * span + id (as timeline.ts keys rows). */
const HOST_ID_SPAN = 2 ** 32;

/** Histogram bucket of a latency: 0 for 0 ns, else its bit length (bucket k holds [2^(k-1), 2^k) ns). */
export function latencyBucket(ns: number): number {
  let k = 0;
  while (k < 64 && ns >= 2 ** k) k++;
  return k;
}

export interface LatencyHistogram {
  /** counts[k]: messages whose latency fell in bucket k (latencyBucket). */
  queue: number[];
  /** Requests (a send answered by a reply) by the request's type: reply time minus send time. */
  rtt: number[];
}

export interface SearchMeta {
  /** Per message type, in order of first appearance. */
  readonly latency: Record<string, LatencyHistogram>;
  /** AVC denials whose message's row was already written (its chunk closed): not marked on a row. */
  readonly avcUnplaced: number;
  readonly errors: number;
  readonly denials: number;
}

interface Side {
  readonly nr: number;
  readonly text: string[];
  readonly keys: number[];
  readonly flags: Map<number, number>;
  readonly cpuNs: Map<number, number>;
  readonly disk: Map<number, [number, number, number]>;
  readonly re: Map<number, number>;
  readonly avc: Map<number, string>;
}

/** One host's CPU: who runs since when, and what each actor is handling. */
interface HostCpu {
  readonly tracker: CausalTracker;
  running: string | null;
  sinceNs: number;
}

export class TimelineText {
  /** The open chunks (being filled, and the one before it) and where their rows are. */
  private readonly sides = new Map<number, Side>();
  private readonly rowOf = new Map<number, { side: Side; row: number }>();
  private readonly hosts = new Map<number, HostCpu>();
  private readonly latency: Record<string, LatencyHistogram> = {};
  private readonly sentAt = new Map<number, { t: number; type: string }>();
  private readonly requests = new Map<number, { t: number; type: string }>();
  private avcUnplaced = 0;
  private errors = 0;
  private denials = 0;

  constructor(private readonly dir: string) {}

  /** A new message row: its payload text and flags. Call before observe(rec). */
  row(nr: number, row: number, rec: TraceRecord, host: number): void {
    if (!isNewMessage(rec)) return;
    let side = this.sides.get(nr);
    if (side === undefined) {
      side = { nr, text: [], keys: [], flags: new Map(), cpuNs: new Map(), disk: new Map(), re: new Map(), avc: new Map() };
      this.sides.set(nr, side);
    }
    const json = rec.msg === undefined ? '' : JSON.stringify(rec.msg) ?? '';
    side.text[row] = json.length > TEXT_MAX_CHARS ? json.slice(0, TEXT_MAX_CHARS - 1) + '…' : json;
    const key = host * HOST_ID_SPAN + rec.id;
    side.keys[row] = key;
    this.rowOf.set(key, { side, row });
    if (rec.ev === 'reply') {
      if (typeof rec.re === 'number' && rec.re !== rec.cause) side.re.set(row, rec.re);
      const status = (rec.msg as Record<string, unknown> | undefined)?.status;
      if (typeof status === 'number' && status < 0) {
        side.flags.set(row, (side.flags.get(row) ?? 0) | FLAG_ERROR);
        this.errors++;
      }
    }
  }

  /** Every record in order (messages after row()): histograms, CPU per message, disk times, AVC denials. */
  observe(rec: TraceRecord, host: number): void {
    const cpu = this.cpuOf(host);
    if (isMessage(rec)) this.latencies(rec, host);
    if (rec.ev === 'sched') {
      this.closeSlice(cpu, rec.t, host);
      cpu.running = typeof rec.to === 'string' ? rec.to : null;
    } else if (rec.ev === 'deliver' && rec.dst === cpu.running) {
      // What the running actor handles may change here: charge the slice so far to the old one.
      this.closeSlice(cpu, rec.t, host);
    } else if (rec.ev === 'disk' && typeof rec.cause === 'number') {
      const at = this.rowOf.get(host * HOST_ID_SPAN + rec.cause);
      if (at !== undefined) {
        const d = at.side.disk.get(at.row) ?? [0, 0, 0];
        d[0] += num(rec.seekNs);
        d[1] += num(rec.rotNs);
        d[2] += num(rec.xferNs);
        at.side.disk.set(at.row, d);
      }
    } else if (rec.ev === 'avc' && isAvcDenial(rec)) {
      this.denials++;
      const cause = cpu.tracker.causeOf(rec);
      const at = cause === null ? undefined : this.rowOf.get(host * HOST_ID_SPAN + cause);
      if (at === undefined) this.avcUnplaced++;
      else {
        at.side.flags.set(at.row, (at.side.flags.get(at.row) ?? 0) | FLAG_AVC);
        const perms = Array.isArray(rec.perms) ? rec.perms.join(' ') : typeof rec.perm === 'string' ? rec.perm : '';
        const text = `avc: denied { ${perms} } scontext=${String(rec.scontext)} tcontext=${String(rec.tcontext)} tclass=${String(rec.tclass)}`;
        const before = at.side.avc.get(at.row);
        if (before === undefined || before.length < TEXT_MAX_CHARS) at.side.avc.set(at.row, before === undefined ? text : `${before}; ${text}`);
      }
    }
    cpu.tracker.observe(rec);
  }

  private cpuOf(host: number): HostCpu {
    let cpu = this.hosts.get(host);
    if (cpu === undefined) {
      cpu = { tracker: new CausalTracker(), running: null, sinceNs: 0 };
      this.hosts.set(host, cpu);
    }
    return cpu;
  }

  /** The running actor's time since the last switch goes to the message it is handling (if its row is open). */
  private closeSlice(cpu: HostCpu, nowNs: number, host: number): void {
    if (cpu.running !== null && nowNs > cpu.sinceNs) {
      const id = cpu.tracker.handlingOf(cpu.running);
      const at = id === null ? undefined : this.rowOf.get(host * HOST_ID_SPAN + id);
      if (at !== undefined) at.side.cpuNs.set(at.row, (at.side.cpuNs.get(at.row) ?? 0) + nowNs - cpu.sinceNs);
    }
    cpu.sinceNs = nowNs;
  }

  private latencies(rec: MessageRecord, host: number): void {
    const key = host * HOST_ID_SPAN + rec.id;
    if (rec.ev === 'deliver') {
      const sent = this.sentAt.get(key);
      if (sent === undefined) return;
      this.sentAt.delete(key);
      this.histogram(sent.type).queue[latencyBucket(rec.t - sent.t)]! += 1;
      return;
    }
    bounded(this.sentAt).set(key, { t: rec.t, type: rec.type });
    if (rec.ev === 'send' && rec.async !== true) bounded(this.requests).set(key, { t: rec.t, type: rec.type });
    if (rec.ev === 'reply' && typeof rec.re === 'number') {
      const reKey = host * HOST_ID_SPAN + rec.re;
      const req = this.requests.get(reKey);
      if (req === undefined) return;
      this.requests.delete(reKey);
      this.histogram(req.type).rtt[latencyBucket(rec.t - req.t)]! += 1;
    }
  }

  private histogram(type: string): LatencyHistogram {
    let h = this.latency[type];
    if (h === undefined) {
      h = { queue: new Array<number>(65).fill(0), rtt: new Array<number>(65).fill(0) };
      this.latency[type] = h;
    }
    return h;
  }

  /** The chunk's rows are final: write its two sidecar files and forget its rows. */
  flush(nr: number): void {
    const side = this.sides.get(nr);
    if (side === undefined) return;
    this.sides.delete(nr);
    for (const key of side.keys) if (this.rowOf.get(key)?.side === side) this.rowOf.delete(key);
    const name = String(nr).padStart(6, '0');
    writeFileSync(join(this.dir, 'chunks', `${name}.txt.js`), `mksimText(${nr},${safeJson(side.text)});\n`);
    const extra = {
      flags: [...side.flags],
      cpu: [...side.cpuNs],
      disk: [...side.disk].map(([row, d]) => [row, ...d]),
      re: [...side.re],
      avc: [...side.avc],
    };
    writeFileSync(join(this.dir, 'chunks', `${name}.x.js`), `mksimExtra(${nr},${safeJson(extra)});\n`);
  }

  meta(): SearchMeta {
    // Trailing empty buckets are left out: the page reads a missing bucket as 0.
    const latency: Record<string, LatencyHistogram> = {};
    for (const [type, h] of Object.entries(this.latency)) latency[type] = { queue: trim(h.queue), rtt: trim(h.rtt) };
    return { latency, avcUnplaced: this.avcUnplaced, errors: this.errors, denials: this.denials };
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_PENDING) map.delete(map.keys().next().value as K);
  return map;
}

function trim(counts: number[]): number[] {
  let n = counts.length;
  while (n > 0 && counts[n - 1] === 0) n--;
  return counts.slice(0, n);
}

/** JSON that a <script> may hold: no `</` to end it early. */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, '<\\/');
}
