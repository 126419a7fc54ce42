/*
 * A sweep's grid: seeds x settings, in one fixed order, and a shard's share of it.
 *   parseSeeds("A..B")            the seeds (inclusive), bounded
 *   parseSettings(["T.K=V1,V2"])  one axis per --set, values in the order given
 *   gridOf(seeds, axes)           every run: settings outer (first --set slowest), seeds inner
 *   parseShard("I/N"), inShard    run index i belongs to shard i mod N (I from 0 to N-1)
 * The order is the rows' order whatever --jobs or --shard is, so shards merge by index.
 */
import { UsageError } from '../errors.js';

/** Runs in one grid (all shards together): a sweep past this is almost surely a typo. */
export const MAX_GRID_RUNS = 100_000;
export const MAX_AXES = 8;
export const MAX_VALUES_PER_AXIS = 256;
export const MAX_SHARDS = 10_000;

export interface Axis {
  /** TARGET.KEY, as --set names it (fs.elevator, disk0.sched). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface GridRun {
  readonly index: number;
  readonly seed: number;
  /** TARGET.KEY -> value, one per axis, in axis order. */
  readonly params: ReadonlyArray<readonly [string, string]>;
}

const short = (s: string): string => (s.length > 40 ? s.slice(0, 39) + '…' : s);

export function parseSeeds(text: string | undefined): number[] {
  if (text === undefined) throw new UsageError('sweep needs --seeds A..B (or a single seed N)');
  const m = /^(\d{1,15})(?:\.\.(\d{1,15}))?$/.exec(text);
  const from = m === null ? NaN : Number(m[1]);
  const to = m === null ? NaN : Number(m[2] ?? m[1]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
    throw new UsageError(`--seeds must be A..B with integers 0 <= A <= B, or one seed N; got '${short(text)}'`);
  }
  if (to - from + 1 > MAX_GRID_RUNS) throw new UsageError(`--seeds ${short(text)}: ${to - from + 1} seeds; a sweep holds at most ${MAX_GRID_RUNS} runs`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function parseSettings(sets: readonly string[]): Axis[] {
  if (sets.length > MAX_AXES) throw new UsageError(`at most ${MAX_AXES} --set options in a sweep, got ${sets.length}`);
  const axes: Axis[] = [];
  for (const text of sets) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*?\.[a-z-]+)=(.+)$/.exec(text);
    if (m === null) throw new UsageError(`--set ${short(text)}: expected TARGET.KEY=V1,V2,..., e.g. disk0.sched=fcfs,sstf`);
    const key = m[1]!;
    if (axes.some((a) => a.key === key)) throw new UsageError(`--set ${key} is given twice; list its values in one --set`);
    const values = m[2]!.split(',');
    if (values.some((v) => v === '')) throw new UsageError(`--set ${short(text)}: an empty value (two commas, or one at an end)`);
    if (new Set(values).size !== values.length) throw new UsageError(`--set ${short(text)}: a value is listed twice`);
    if (values.length > MAX_VALUES_PER_AXIS) throw new UsageError(`--set ${key}: ${values.length} values; at most ${MAX_VALUES_PER_AXIS}`);
    axes.push({ key, values });
  }
  return axes;
}

export function gridSize(seeds: number, axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, seeds);
}

export function gridOf(seeds: readonly number[], axes: readonly Axis[]): GridRun[] {
  const size = gridSize(seeds.length, axes);
  if (size > MAX_GRID_RUNS) {
    throw new UsageError(`the grid has ${size} runs (${[`${seeds.length} seeds`, ...axes.map((a) => `${a.values.length} ${a.key}`)].join(' x ')}); a sweep holds at most ${MAX_GRID_RUNS}: split it into several sweeps`);
  }
  let combos: (readonly [string, string])[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, [axis.key, v] as const]));
  const runs: GridRun[] = [];
  for (const params of combos) for (const seed of seeds) runs.push({ index: runs.length, seed, params });
  return runs;
}

export interface Shard { readonly index: number; readonly count: number }

export function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 0, count: 1 };
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 0 && index < count)) {
    throw new UsageError(`--shard must be I/N with 0 <= I < N <= ${MAX_SHARDS} (e.g. 0/8 ... 7/8), got '${short(text)}'`);
  }
  return { index, count };
}

/** Round robin over the grid: shards get near-equal shares of every part of it. */
export function inShard(run: GridRun, shard: Shard): boolean {
  return run.index % shard.count === shard.index;
}
