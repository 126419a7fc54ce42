/*
 * Trace statistics, gathered in one streaming pass.
 *   TraceStats         add(rec) for each record, then result()
 *   StatsResult        messages per actor pair and per type, round-trip latency
 *                      percentiles per request type, buffer cache, AVC cache, disk, AVC denials, timers
 *   formatStats(r)     the aligned tables `mksim trace stats` prints
 *   isAvcDenial(rec)   how an avc record says "denied"
 *   isAvcCacheRecord(rec)  a `cache` record of the AVC (lib/avc) rather than the FS buffer cache
 * Per-process scheduling metrics come from sched-stats.ts (StatsResult.sched).
 */
import type { TraceRecord } from '../../kernel/index.js';
import { isNewMessage } from './records.js';
import { formatSchedStats, SchedStats, type ProcSchedRow } from './sched-stats.js';
import { formatNs, formatTable } from './table.js';

export interface LatencyRow {
  readonly type: string;
  readonly count: number;
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
}

export interface StatsResult {
  readonly records: number;
  readonly durationNs: number;
  readonly kinds: Record<string, number>;
  readonly messages: {
    readonly total: number;
    readonly byPair: { src: string; dst: string; count: number }[];
    readonly byType: { type: string; count: number }[];
  };
  readonly latency: LatencyRow[];
  /** The FS buffer cache (servers/fs/cache.ts): its `cache` records carry no `cache` field. */
  readonly cache: { hits: number; misses: number; evictions: number; flushes: number; hitRatio: number | null };
  /** The access vector cache (lib/avc): `cache` records with cache=avc; a separate ratio, never mixed with the buffer cache's. */
  readonly avcCache: { hits: number; misses: number; flushes: number; hitRatio: number | null };
  readonly disk: { requests: number; seekNsTotal: number; rotNsTotal: number; xferNsTotal: number; cylindersTotal: number };
  readonly avc: { records: number; denials: number };
  readonly timers: { set: number; fired: number; cancelled: number; latenessMeanNs: number | null; latenessMaxNs: number | null };
  /** Clock-event interrupts, and those that found no timer due. */
  readonly ticks: { total: number; idle: number };
  readonly errors: { errors: number; faults: number; byErr: Record<string, number> };
  /** Per process, in spawn order: CPU, ready-wait, response, turnaround, switches, signal latency (sched-stats.ts). */
  readonly sched: ProcSchedRow[];
}

export function isAvcCacheRecord(rec: TraceRecord): boolean {
  return rec.ev === 'cache' && rec.cache === 'avc';
}

/** avc records are the security server's; any of these spellings means a denial. */
export function isAvcDenial(rec: TraceRecord): boolean {
  if (rec.denied === true || rec.granted === false || rec.allowed === false) return true;
  for (const f of ['result', 'decision', 'outcome', 'op']) {
    const v = rec[f];
    if (v === 'denied' || v === 'deny') return true;
  }
  return false;
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export class TraceStats {
  private records = 0;
  private firstNs: number | null = null;
  private lastNs = 0;
  private readonly kinds = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly types = new Map<string, number>();
  private readonly requests = new Map<number, { t: number; type: string }>();
  private readonly latencies = new Map<string, number[]>();
  private readonly cacheOps = new Map<string, number>();
  private readonly avcCacheOps = new Map<string, number>();
  private readonly disk = { requests: 0, seekNsTotal: 0, rotNsTotal: 0, xferNsTotal: 0, cylindersTotal: 0 };
  private readonly ticks = { total: 0, idle: 0 };
  private avcRecords = 0;
  private avcDenials = 0;
  private readonly timerOps = new Map<string, number>();
  private latenessSumNs = 0;
  private latenessMaxNs: number | null = null;
  private readonly errs = new Map<string, number>();
  private readonly schedStats = new SchedStats();

  add(rec: TraceRecord): void {
    this.records++;
    this.firstNs ??= rec.t;
    this.lastNs = rec.t;
    increment(this.kinds, rec.ev);
    if (isNewMessage(rec)) {
      increment(this.pairs, `${rec.src}\u0000${rec.dst}`);
      increment(this.types, rec.type);
      if (rec.ev === 'send' && rec.async !== true) this.requests.set(rec.id, { t: rec.t, type: rec.type });
      else if (rec.ev === 'reply' && typeof rec.re === 'number') {
        const req = this.requests.get(rec.re);
        if (req !== undefined) {
          this.requests.delete(rec.re);
          let list = this.latencies.get(req.type);
          if (list === undefined) this.latencies.set(req.type, (list = []));
          list.push(rec.t - req.t);
        }
      }
      return;
    }
    this.schedStats.add(rec);
    switch (rec.ev) {
      case 'cache':
        increment(isAvcCacheRecord(rec) ? this.avcCacheOps : this.cacheOps, String(rec.op));
        break;
      case 'disk':
        this.disk.requests++;
        this.disk.seekNsTotal += num(rec.seekNs);
        this.disk.rotNsTotal += num(rec.rotNs);
        this.disk.xferNsTotal += num(rec.xferNs);
        this.disk.cylindersTotal += Math.abs(num(rec.toCyl) - num(rec.fromCyl));
        break;
      case 'avc':
        this.avcRecords++;
        if (isAvcDenial(rec)) this.avcDenials++;
        break;
      case 'timer':
        increment(this.timerOps, String(rec.op));
        if (rec.op === 'fire' && typeof rec.latenessNs === 'number') {
          this.latenessSumNs += rec.latenessNs;
          this.latenessMaxNs = Math.max(this.latenessMaxNs ?? 0, rec.latenessNs);
        }
        break;
      case 'tick':
        this.ticks.total++;
        if (rec.idle === true) this.ticks.idle++;
        break;
      case 'error':
        increment(this.errs, String(rec.err));
        break;
    }
  }

  result(): StatsResult {
    const hits = this.cacheOps.get('hit') ?? 0;
    const misses = this.cacheOps.get('miss') ?? 0;
    const fired = this.timerOps.get('fire') ?? 0;
    const avcHits = this.avcCacheOps.get('hit') ?? 0;
    const avcMisses = this.avcCacheOps.get('miss') ?? 0;
    const byCount = <T extends { count: number }>(a: T, b: T, ka: string, kb: string): number => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0);
    return {
      records: this.records,
      durationNs: this.records === 0 ? 0 : this.lastNs - (this.firstNs ?? 0),
      kinds: Object.fromEntries([...this.kinds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
      messages: {
        total: [...this.types.values()].reduce((a, b) => a + b, 0),
        byPair: [...this.pairs].map(([k, count]) => {
          const [src, dst] = k.split('\u0000') as [string, string];
          return { src, dst, count };
        }).sort((a, b) => byCount(a, b, a.src + a.dst, b.src + b.dst)),
        byType: [...this.types].map(([type, count]) => ({ type, count })).sort((a, b) => byCount(a, b, a.type, b.type)),
      },
      latency: [...this.latencies].map(([type, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return {
          type, count: sorted.length, meanNs: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
          p50Ns: percentile(sorted, 50), p90Ns: percentile(sorted, 90), p99Ns: percentile(sorted, 99), maxNs: sorted[sorted.length - 1]!,
        };
      }).sort((a, b) => byCount(a, b, a.type, b.type)),
      cache: {
        hits, misses, evictions: this.cacheOps.get('evict') ?? 0, flushes: this.cacheOps.get('flush') ?? 0,
        hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
      },
      avcCache: {
        hits: avcHits, misses: avcMisses, flushes: this.avcCacheOps.get('flush') ?? 0,
        hitRatio: avcHits + avcMisses === 0 ? null : avcHits / (avcHits + avcMisses),
      },
      disk: { ...this.disk },
      avc: { records: this.avcRecords, denials: this.avcDenials },
      timers: {
        set: this.timerOps.get('set') ?? 0, fired, cancelled: this.timerOps.get('cancel') ?? 0,
        latenessMeanNs: fired === 0 || this.latenessMaxNs === null ? null : Math.round(this.latenessSumNs / fired),
        latenessMaxNs: this.latenessMaxNs,
      },
      ticks: { ...this.ticks },
      errors: { errors: this.kinds.get('error') ?? 0, faults: this.kinds.get('fault') ?? 0, byErr: Object.fromEntries(this.errs) },
      sched: this.schedStats.result(this.lastNs),
    };
  }
}

/** The headline figures, flat, for the summary table and the diff. */
export function headlineFigures(r: StatsResult): [string, number | null, 'count' | 'ns' | 'ratio'][] {
  return [
    ['records', r.records, 'count'],
    ['virtual time', r.durationNs, 'ns'],
    ['messages', r.messages.total, 'count'],
    ['buffer cache hits', r.cache.hits, 'count'],
    ['buffer cache misses', r.cache.misses, 'count'],
    ['buffer cache hit ratio', r.cache.hitRatio, 'ratio'],
    ['AVC cache hits', r.avcCache.hits, 'count'],
    ['AVC cache misses', r.avcCache.misses, 'count'],
    ['AVC cache hit ratio', r.avcCache.hitRatio, 'ratio'],
    ['disk requests', r.disk.requests, 'count'],
    ['disk seek time', r.disk.seekNsTotal, 'ns'],
    ['disk cylinders travelled', r.disk.cylindersTotal, 'count'],
    ['AVC denials', r.avc.denials, 'count'],
    ['timers fired', r.timers.fired, 'count'],
    ['clock interrupts', r.ticks.total, 'count'],
    ['idle clock interrupts', r.ticks.idle, 'count'],
    ['timer lateness max', r.timers.latenessMaxNs, 'ns'],
    ['errors', r.errors.errors, 'count'],
    ['faults', r.errors.faults, 'count'],
  ];
}

export function formatFigure(value: number | null, unit: 'count' | 'ns' | 'ratio'): string {
  if (value === null) return '-';
  if (unit === 'ns') return formatNs(value);
  if (unit === 'ratio') return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

export function formatStats(r: StatsResult, maxRows = 20): string {
  const sections: string[] = [];
  const limit = <T>(rows: T[]): T[] => rows.slice(0, maxRows);
  const more = (n: number): string => (n > maxRows ? `\n(${n - maxRows} more rows; --json has them all)` : '');
  sections.push('Summary\n' + formatTable(['figure', 'value'], headlineFigures(r).map(([name, v, unit]) => [name, formatFigure(v, unit)])));
  sections.push('Messages per actor pair\n' + formatTable(['src', 'dst', 'messages'],
    limit(r.messages.byPair).map((p) => [p.src, p.dst, String(p.count)])) + more(r.messages.byPair.length));
  sections.push('Messages per type\n' + formatTable(['type', 'messages'],
    limit(r.messages.byType).map((p) => [p.type, String(p.count)])) + more(r.messages.byType.length));
  if (r.latency.length > 0) {
    sections.push('Round-trip latency per request type\n' + formatTable(['request', 'count', 'mean', 'p50', 'p90', 'p99', 'max'],
      limit(r.latency).map((l) => [l.type, String(l.count), formatNs(l.meanNs), formatNs(l.p50Ns), formatNs(l.p90Ns), formatNs(l.p99Ns), formatNs(l.maxNs)])) + more(r.latency.length));
  }
  if (r.sched.length > 0) {
    sections.push('Scheduling per process\n' + formatSchedStats(limit(r.sched)) + more(r.sched.length));
  }
  const errs = Object.entries(r.errors.byErr);
  if (errs.length > 0) sections.push('Failed calls per error\n' + formatTable(['error', 'calls'], errs.map(([e, n]) => [e, String(n)])));
  sections.push('Records per kind\n' + formatTable(['kind', 'records'], Object.entries(r.kinds).map(([k, n]) => [k, String(n)])));
  return sections.join('\n\n') + '\n';
}
