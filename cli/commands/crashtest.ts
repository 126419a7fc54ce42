/*
 * `mksim crashtest SCRIPT [--points all|N] [--robust on|off|both] [--seed N] [--verbose] [--json]`:
 * run the script's workload, then for each crash point (a power cut after
 * block write k) rebuild the image, run fsck and check the synced files;
 * report clean / repairable / damaged per point, and the fraction of virtual
 * time during which a power cut would have damaged the image.
 * `mksim crashtest --generate N [--seed S] [--save DIR] ...`: the same for N
 * generated workloads (seeds S..S+N-1), checked against their model: after
 * repair, every file the last persistence point made durable is intact.
 * Exit 1 if synced (persisted) data was lost at any point, 0 otherwise.
 *   register(program)   the subcommand
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseBootScript } from '../boot/parse.js';
import { generateWorkload } from '../crashtest/generate.js';
import { crashTestGenerated, formatGenerated, formatGeneratedSummary, type GeneratedReport } from '../crashtest/generated.js';
import { crashTest, formatComparison, formatReport, robustOf, withRobust, type CrashReport } from '../crashtest/run.js';
import { UsageError } from '../errors.js';
import { parseSeed, readScript } from './boot.js';

interface CrashtestOptions {
  points?: string;
  robust?: string;
  seed?: string;
  verbose?: boolean;
  json?: boolean;
  generate?: string;
  save?: string;
}

/** Bound on --generate: each workload is recorded and judged at every point. */
export const MAX_GENERATED = 10_000;

export function parsePoints(text: string | undefined): 'all' | number {
  if (text === undefined || text === 'all') return 'all';
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new UsageError(`--points must be 'all' or a positive integer, got '${text}'`);
  return Number(text);
}

export function runCrashtest(scriptPath: string | undefined, opts: CrashtestOptions, out: (line: string) => void): number {
  const points = parsePoints(opts.points);
  const seed = parseSeed(opts.seed);
  const robust = opts.robust ?? 'script';
  if (!['on', 'off', 'both', 'script'].includes(robust)) throw new UsageError(`--robust must be on, off or both, got '${robust}'`);
  if (opts.generate !== undefined) {
    if (scriptPath !== undefined) throw new UsageError('give a SCRIPT or --generate N, not both');
    return runGenerated(opts, seed, points, robust, out);
  }
  if (scriptPath === undefined) throw new UsageError('crashtest needs a SCRIPT, or --generate N for generated workloads');
  const script = parseBootScript(readScript(scriptPath), scriptPath);
  const variants = robust === 'both' ? [false, true] : robust === 'script' ? [robustOf(script)] : [robust === 'on'];
  const reports: CrashReport[] = variants.map((on) => crashTest(withRobust(script, on), { seed, scriptPath, points }));
  if (opts.json === true) {
    out(JSON.stringify(reports.map((r) => ({ ...r, points: r.points.map((p) => ({ afterWrites: p.afterWrites, verdict: p.verdict, reason: p.reason })) }))));
  } else {
    for (const r of reports) {
      if (!r.workloadOk) out(`warning: the workload itself did not succeed (robust=${r.robust ? 'on' : 'off'}); its writes are judged all the same`);
      for (const line of formatReport(r, opts.verbose === true)) out(line);
    }
    if (reports.length > 1) for (const line of formatComparison(reports)) out(line);
  }
  return reports.some((r) => r.syncedDataLost > 0) ? 1 : 0;
}

function runGenerated(opts: CrashtestOptions, seed: number, points: 'all' | number, robust: string, out: (line: string) => void): number {
  const text = opts.generate!;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_GENERATED) throw new UsageError(`--generate must be a count from 1 to ${MAX_GENERATED}, got '${text}'`);
  const variants = robust === 'both' ? [false, true] : [robust === 'on'];
  const reports: GeneratedReport[] = [];
  for (let i = 0; i < Number(text); i++) {
    for (const on of variants) {
      const w = generateWorkload(seed + i, on);
      if (opts.save !== undefined) {
        mkdirSync(opts.save, { recursive: true });
        writeFileSync(join(opts.save, `crash-${seed + i}-robust-${on ? 'on' : 'off'}.boot`), w.script);
      }
      const r = crashTestGenerated(w, { points, robust: on });
      reports.push(r);
      if (opts.json !== true) for (const line of formatGenerated(r, opts.verbose === true)) out(line);
    }
  }
  if (opts.json === true) out(JSON.stringify(reports.map((r) => ({ ...r, points: r.points.map((p) => ({ afterWrites: p.afterWrites, verdict: p.verdict, reason: p.reason })) }))));
  else for (const line of formatGeneratedSummary(reports)) out(line);
  return reports.some((r) => r.lostAt > 0) ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('crashtest')
    .description('power-cut the workload after each block write; fsck each image: clean, repairable or damaged')
    .argument('[script]', 'boot script whose workload is tested (or use --generate)')
    .option('--points <all|N>', 'every crash point, or N spread evenly', 'all')
    .option('--robust <on|off|both>', 'force the FS robust mode, or compare both (default: as the script says)')
    .option('--seed <n>', 'seed of the PRNG (with --generate: the first workload\'s seed)', '1')
    .option('--generate <n>', 'test N generated workloads of create/write/append/rename/link/unlink/mkdir with fsync and sync')
    .option('--save <dir>', 'with --generate: write each workload as a boot script into DIR')
    .option('--verbose', 'one line per crash point')
    .option('--json', 'the reports as JSON')
    .action((scriptPath: string | undefined, opts: CrashtestOptions) => {
      process.exitCode = runCrashtest(scriptPath, opts, (l) => process.stdout.write(l + '\n'));
    });
}
