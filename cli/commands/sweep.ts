/*
 * `mksim sweep SCRIPT --seeds A..B [--set T.K=V1,V2,...] [--jobs N] [--shard I/N]
 *   [--out FILE] [--format jsonl|csv]`: boot the script once per point of the
 * grid (seeds x settings) on worker threads; one row per run (settings, seed,
 * exit status, trace digest, `trace stats --json`), in grid order whatever
 * --jobs is. `--shard I/N` runs the runs whose index is I mod N, so N
 * machines can share one sweep; `mksim sweep merge FILES...` joins their outputs.
 *   register(program)   the subcommand
 *   runSweepCommand(script, opts, write)   the exit code (tests call it)
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { applyOverrides } from '../boot/overrides.js';
import { parseBootScript } from '../boot/parse.js';
import { UsageError } from '../errors.js';
import { gridOf, inShard, parseSeeds, parseSettings, parseShard, type Axis } from '../sweep/grid.js';
import { MAX_SHARD_BYTES, mergeShards } from '../sweep/merge.js';
import { MAX_JOBS, runSweep } from '../sweep/pool.js';
import { csvHeader, formatCsv, formatJsonl } from '../sweep/row.js';
import { createProgress } from '../trace/progress.js';
import { readScript } from './boot.js';

export interface SweepOptions {
  seeds?: string;
  set?: string[];
  jobs?: string;
  shard?: string;
  out?: string;
  format?: string;
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return Math.max(1, Math.min(MAX_JOBS, availableParallelism()));
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_JOBS)) throw new UsageError(`--jobs must be an integer from 1 to ${MAX_JOBS}, got '${text.slice(0, 40)}'`);
  return n;
}

function parseFormat(format: string | undefined, out: string | undefined): 'jsonl' | 'csv' {
  if (format === undefined) return out?.endsWith('.csv') === true ? 'csv' : 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, got '${format.slice(0, 40)}'`);
  return format;
}

/** Every value of every axis is checked against its directive now: a typo is exit 2 before any run. */
function checkSettings(scriptPath: string, axes: readonly Axis[]): void {
  const script = parseBootScript(readScript(scriptPath), scriptPath);
  for (const a of axes) for (const v of a.values) applyOverrides(script, [`${a.key}=${v}`]);
}

/** Where rows go: a file (created or truncated) or stdout. */
function openOut(path: string | undefined): { write(text: string): void; close(): void } {
  if (path === undefined) return { write: (t) => { process.stdout.write(t); }, close: () => {} };
  let fd: number;
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) throw new UsageError(`--out ${path}: is a directory; give a file name`);
    fd = openSync(path, 'w');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--out ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { write: (t) => { writeSync(fd, t); }, close: () => closeSync(fd) };
}

export async function runSweepCommand(scriptPath: string, opts: SweepOptions, err: (line: string) => void): Promise<number> {
  const seeds = parseSeeds(opts.seeds);
  const axes = parseSettings(opts.set ?? []);
  const jobs = parseJobs(opts.jobs);
  const shard = parseShard(opts.shard);
  const format = parseFormat(opts.format, opts.out);
  const grid = gridOf(seeds, axes);
  checkSettings(scriptPath, axes);
  const share = grid.filter((r) => inShard(r, shard));
  const keys = axes.map((a) => a.key);
  const out = openOut(opts.out);
  const progress = createProgress(`sweep${shard.count > 1 ? ` ${shard.index}/${shard.count}` : ''}`);
  const exits = new Map<number, number>();
  let done = 0;
  try {
    if (format === 'csv') out.write(csvHeader(keys));
    await runSweep(scriptPath, share, grid.length, jobs, (row) => {
      out.write(format === 'csv' ? formatCsv(row, keys) : formatJsonl(row));
      exits.set(row.exit, (exits.get(row.exit) ?? 0) + 1);
    }, () => progress.update(++done, share.length));
  } finally {
    progress.finish();
    out.close();
  }
  const byExit = [...exits].sort((a, b) => a[0] - b[0]).map(([code, n]) => `${n} exit ${code}`).join(', ');
  err(`mksim: sweep: ${share.length} of ${grid.length} runs${shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : ''}: ${byExit || 'none'}`);
  return 0;
}

export function runMerge(files: readonly string[], opts: { out?: string }): number {
  if (files.length === 0) throw new UsageError('sweep merge needs the shard files');
  const texts = files.map((name) => {
    let size: number;
    try {
      size = statSync(name).size;
    } catch (e) {
      throw new UsageError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (size > MAX_SHARD_BYTES) throw new UsageError(`${name}: ${size} bytes; a shard file holds at most ${MAX_SHARD_BYTES}`);
    return { name, text: readFileSync(name, 'utf8') };
  });
  const merged = mergeShards(texts);
  const out = openOut(opts.out);
  try {
    out.write(merged);
  } finally {
    out.close();
  }
  return 0;
}

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('run a boot script over a grid of seeds and settings on worker threads: one result row per run (`sweep merge` joins shards)')
    .argument('<script>', 'boot script')
    .option('--seeds <A..B>', 'the seeds, inclusive (or one seed N)')
    .option('--set <target.key=v1,v2>', 'an axis of the grid: a directive key and its values (repeatable), e.g. disk0.sched=fcfs,sstf', (v: string, acc: string[] = []) => [...acc, v])
    .option('--jobs <n>', 'worker threads (default: the CPUs)')
    .option('--shard <i/n>', 'run only the runs whose grid index is i mod n (0 <= i < n)')
    .option('--out <file>', 'write the rows here (default: stdout)')
    .option('--format <jsonl|csv>', 'row format (default: csv if --out ends .csv, else jsonl)')
    .action(async (scriptPath: string, opts: SweepOptions) => {
      process.exitCode = await runSweepCommand(scriptPath, opts, (l) => process.stderr.write(l + '\n'));
    });
  sweep
    .command('merge')
    .description("join the outputs of a sweep's shards into the unsharded result")
    .argument('<files...>', 'the shards\' outputs (all JSON Lines or all CSV)')
    .option('--out <file>', 'write here (default: stdout)')
    .action((files: string[], opts: { out?: string }) => {
      process.exitCode = runMerge(files, opts);
    });
}
