/*
 * `mksim crashtest SCRIPT [--points all|N] [--robust on|off|both] [--seed N] [--verbose] [--json]`:
 * run the script's workload, then for each crash point (a power cut after
 * block write k) rebuild the image, run fsck and check the synced files;
 * report clean / repairable / damaged per point. Exit 1 if synced data was
 * lost at any point, 0 otherwise.
 *   register(program)   the subcommand
 */
import type { Command } from 'commander';
import { parseBootScript } from '../boot/parse.js';
import { crashTest, formatComparison, formatReport, robustOf, withRobust, type CrashReport } from '../crashtest/run.js';
import { UsageError } from '../errors.js';
import { parseSeed, readScript } from './boot.js';

interface CrashtestOptions {
  points?: string;
  robust?: string;
  seed?: string;
  verbose?: boolean;
  json?: boolean;
}

export function parsePoints(text: string | undefined): 'all' | number {
  if (text === undefined || text === 'all') return 'all';
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new UsageError(`--points must be 'all' or a positive integer, got '${text}'`);
  return Number(text);
}

export function runCrashtest(scriptPath: string, opts: CrashtestOptions, out: (line: string) => void): number {
  const points = parsePoints(opts.points);
  const seed = parseSeed(opts.seed);
  const robust = opts.robust ?? 'script';
  if (!['on', 'off', 'both', 'script'].includes(robust)) throw new UsageError(`--robust must be on, off or both, got '${robust}'`);
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

export function register(program: Command): void {
  program
    .command('crashtest')
    .description('power-cut the workload after each block write; fsck each image: clean, repairable or damaged')
    .argument('<script>', 'boot script whose workload is tested')
    .option('--points <all|N>', 'every crash point, or N spread evenly', 'all')
    .option('--robust <on|off|both>', 'force the FS robust mode, or compare both (default: as the script says)')
    .option('--seed <n>', 'seed of the PRNG', '1')
    .option('--verbose', 'one line per crash point')
    .option('--json', 'the reports as JSON')
    .action((scriptPath: string, opts: CrashtestOptions) => {
      process.exitCode = runCrashtest(scriptPath, opts, (l) => process.stdout.write(l + '\n'));
    });
}
