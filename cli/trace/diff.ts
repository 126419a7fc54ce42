/*
 * Comparing two runs: where they first diverge, and how their statistics differ.
 *   diffTraces(pathA, pathB, options)   walk both traces side by side -> TraceDiff
 *   formatDiff(d, nameA, nameB)          the report `mksim trace diff` prints
 * Records are compared field by field without seq; header records are
 * compared apart (the seed and configuration usually differ on purpose).
 */
import type { TraceRecord } from '../../kernel/index.js';
import { iterateTrace } from './reader.js';
import { formatFigure, headlineFigures, TraceStats, type StatsResult } from './stats.js';
import { formatNs, formatTable } from './table.js';
import { TraceView } from './view.js';

export interface Divergence {
  /** 1-based position among non-header records. */
  readonly index: number;
  /** Records both traces share just before the divergence. */
  readonly context: string[];
  /** The records from the divergence on (up to the context size), as text lines; fewer when a trace ended. */
  readonly a: string[];
  readonly b: string[];
}

export interface TraceDiff {
  readonly identical: boolean;
  readonly headerChanges: { field: string; a: unknown; b: unknown }[];
  readonly divergence: Divergence | null;
  readonly stats: { readonly a: StatsResult; readonly b: StatsResult };
}

export interface DiffOptions {
  /** Records of context before and after the divergence. */
  readonly context?: number;
}

/** A record as comparable text: keys sorted, seq left out. */
function canonical(rec: TraceRecord): string {
  return JSON.stringify(rec, (key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.keys(value).filter((k) => k !== 'seq').sort().map((k) => [k, (value as Record<string, unknown>)[k]]));
    }
    return value;
  });
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, value);
}

function compareHeaders(a: TraceRecord | null, b: TraceRecord | null): { field: string; a: unknown; b: unknown }[] {
  const fa = new Map<string, unknown>();
  const fb = new Map<string, unknown>();
  if (a !== null) flatten({ ...a, seq: undefined, t: undefined, ev: undefined }, '', fa);
  if (b !== null) flatten({ ...b, seq: undefined, t: undefined, ev: undefined }, '', fb);
  const fields = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return fields
    .filter((f) => JSON.stringify(fa.get(f)) !== JSON.stringify(fb.get(f)))
    .map((f) => ({ field: f, a: fa.get(f) ?? null, b: fb.get(f) ?? null }));
}

/** One side of the walk: its records, statistics and text view. */
class Side {
  readonly stats = new TraceStats();
  readonly view = new TraceView({ all: true });
  header: TraceRecord | null = null;
  done = false;
  private readonly records: AsyncGenerator<TraceRecord, void, undefined>;

  constructor(path: string) {
    this.records = iterateTrace(path);
  }

  /** The next non-header record, counted and observed, or null at the end. */
  async next(): Promise<TraceRecord | null> {
    for (;;) {
      const step = await this.records.next();
      if (step.done) {
        this.done = true;
        return null;
      }
      const rec = step.value;
      this.stats.add(rec);
      this.view.observe(rec);
      if (rec.ev === 'header') {
        this.header ??= rec;
        continue;
      }
      return rec;
    }
  }

  line(rec: TraceRecord): string {
    return this.view.format(rec) ?? '';
  }
}

export async function diffTraces(pathA: string, pathB: string, options: DiffOptions = {}): Promise<TraceDiff> {
  const contextSize = options.context ?? 3;
  const a = new Side(pathA);
  const b = new Side(pathB);
  const context: string[] = [];
  let divergence: Divergence | null = null;
  let index = 0;
  while (divergence === null) {
    const ra = await a.next();
    const rb = await b.next();
    if (ra === null && rb === null) break;
    index++;
    if (ra !== null && rb !== null && canonical(ra) === canonical(rb)) {
      context.push(a.line(ra));
      b.line(rb);
      if (context.length > contextSize) context.shift();
      continue;
    }
    const linesA = ra === null ? [] : [a.line(ra)];
    const linesB = rb === null ? [] : [b.line(rb)];
    for (let i = 1; i < contextSize; i++) {
      const na = a.done ? null : await a.next();
      if (na !== null) linesA.push(a.line(na));
      const nb = b.done ? null : await b.next();
      if (nb !== null) linesB.push(b.line(nb));
    }
    divergence = { index, context: [...context], a: linesA, b: linesB };
  }
  // The rest only feeds the statistics.
  while (!a.done) await a.next();
  while (!b.done) await b.next();
  const headerChanges = compareHeaders(a.header, b.header);
  return { identical: divergence === null && headerChanges.length === 0, headerChanges, divergence, stats: { a: a.stats.result(), b: b.stats.result() } };
}

function change(a: number | null, b: number | null, unit: 'count' | 'ns' | 'ratio'): string {
  if (a === null || b === null) return '-';
  if (a === b) return '=';
  if (unit === 'ratio') return `${b - a > 0 ? '+' : ''}${((b - a) * 100).toFixed(1)} pt`;
  const delta = unit === 'ns' ? `${b > a ? '+' : '-'}${formatNs(Math.abs(b - a))}` : `${b > a ? '+' : ''}${b - a}`;
  return a === 0 ? delta : `${delta} (${b > a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%)`;
}

export function formatDiff(d: TraceDiff, nameA: string, nameB: string): string {
  const out: string[] = [];
  if (d.headerChanges.length > 0) {
    out.push('Headers differ\n' + formatTable(['field', 'A', 'B'],
      d.headerChanges.map((c) => [c.field, JSON.stringify(c.a), JSON.stringify(c.b)])));
  }
  if (d.divergence === null) {
    out.push(`The records are identical (${d.stats.a.records} records).`);
  } else {
    const v = d.divergence;
    const lines = [`First divergence at record ${v.index} (after the header):`];
    for (const l of v.context) lines.push(`  ${l}`);
    lines.push(`A ${nameA}:`);
    for (const l of v.a) lines.push(`- ${l}`);
    if (v.a.length === 0) lines.push('- (trace ended)');
    lines.push(`B ${nameB}:`);
    for (const l of v.b) lines.push(`+ ${l}`);
    if (v.b.length === 0) lines.push('+ (trace ended)');
    out.push(lines.join('\n'));
  }
  const fa = headlineFigures(d.stats.a);
  const fb = headlineFigures(d.stats.b);
  const rows = fa.map(([name, va, unit], i) => {
    const vb = fb[i]![1];
    return [name, formatFigure(va, unit), formatFigure(vb, unit), change(va, vb, unit)];
  });
  const typesA = new Map(d.stats.a.latency.map((l) => [l.type, l]));
  const typesB = new Map(d.stats.b.latency.map((l) => [l.type, l]));
  for (const type of [...new Set([...typesA.keys(), ...typesB.keys()])].sort()) {
    const la = typesA.get(type)?.p50Ns ?? null;
    const lb = typesB.get(type)?.p50Ns ?? null;
    rows.push([`${type} rtt p50`, formatFigure(la, 'ns'), formatFigure(lb, 'ns'), change(la, lb, 'ns')]);
  }
  out.push('Statistics\n' + formatTable(['figure', 'A', 'B', 'change'], rows));
  return out.join('\n\n') + '\n';
}
