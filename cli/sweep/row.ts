/*
 * One sweep run and its result row.
 *   sweepRun(scriptPath, run, runs, dir)   boot the script with the run's seed and settings, its trace
 *                                          written to a file in dir; the row: exit, digest, stats
 *   SweepRow, formatJsonl(row), csvHeader(keys), formatCsv(row)
 * The digest is sha256 of the trace's bytes and the statistics those of
 * `mksim trace stats --json` on that file: a row can be checked by hand.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootScript } from '../commands/boot.js';
import { statsTrace } from '../commands/trace.js';
import { exitCodeFor, formatError } from '../errors.js';
import type { GridRun } from './grid.js';

export interface SweepRow {
  readonly index: number;
  /** Runs in the whole grid (all shards): lets merge see a missing shard. */
  readonly runs: number;
  readonly seed: number;
  readonly params: Readonly<Record<string, string>>;
  readonly exit: number;
  /** The run's error when it could not run (exit 2: a setting the script's directive refuses). */
  readonly error?: string;
  readonly digest: string | null;
  readonly stats: Record<string, unknown> | null;
}

export async function sweepRun(scriptPath: string, run: GridRun, runs: number, dir: string): Promise<SweepRow> {
  const trace = join(dir, `run-${run.index}.jsonl`);
  const base = { index: run.index, runs, seed: run.seed, params: Object.fromEntries(run.params) };
  try {
    let exit: number;
    try {
      exit = bootScript(scriptPath, { seed: String(run.seed), trace, set: run.params.map(([k, v]) => `${k}=${v}`) }, () => {}, () => {});
    } catch (e) {
      return { ...base, exit: exitCodeFor(e), error: formatError(e, false).replace(/^mksim: /, ''), digest: null, stats: null };
    }
    const digest = 'sha256:' + createHash('sha256').update(readFileSync(trace)).digest('hex');
    const stats = JSON.parse(await statsTrace(trace, { json: true })) as Record<string, unknown>;
    return { ...base, exit, digest, stats };
  } finally {
    rmSync(trace, { force: true });
  }
}

export function formatJsonl(row: SweepRow): string {
  return JSON.stringify(row) + '\n';
}

/** The statistics a CSV row carries: scalar, present in every run (the JSONL row has them all). */
export const CSV_STATS = [
  'records', 'durationNs', 'messages.total', 'cache.hits', 'cache.misses', 'cache.evictions', 'cache.flushes', 'cache.hitRatio',
  'avcCache.hits', 'avcCache.misses', 'disk.requests', 'disk.seekNsTotal', 'disk.rotNsTotal', 'disk.xferNsTotal', 'disk.cylindersTotal',
  'avc.records', 'avc.denials', 'timers.set', 'timers.fired', 'timers.latenessMeanNs', 'timers.latenessMaxNs',
  'ticks.total', 'ticks.idle', 'errors.errors', 'errors.faults',
] as const;

export function csvHeader(paramKeys: readonly string[]): string {
  return ['index', 'runs', 'seed', ...paramKeys, 'exit', 'error', 'digest', ...CSV_STATS].map(csvCell).join(',') + '\n';
}

function statAt(stats: Record<string, unknown> | null, path: string): unknown {
  let v: unknown = stats;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(row: SweepRow, paramKeys: readonly string[]): string {
  return [row.index, row.runs, row.seed, ...paramKeys.map((k) => row.params[k]), row.exit, row.error, row.digest, ...CSV_STATS.map((p) => statAt(row.stats, p))]
    .map(csvCell).join(',') + '\n';
}
