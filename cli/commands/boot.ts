/*
 * `mksim boot [SCRIPT] [--seed N] [--trace FILE] [--until D] [--trace-detail full]
 *   [--wall-limit D] [--step-budget N]`:
 * boot a system from a script, print what its processes print (prefixed by
 * process name), and exit 0 when every process exited 0 and every
 * expectation held, 1 otherwise, 2 on a malformed script.
 *   bootScript(path, opts, out, err)   run in this thread; returns the exit code
 * With --wall-limit the same run happens in a worker thread that the command
 * can stop (cli/boot/worker.ts); the output is the same.
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { packagePath } from '../package-root.js';
import type { Command } from 'commander';
import { attachJsonlSink, type JsonlSink, type Kernel, type RunOutcome } from '../../kernel/index.js';
import { auditLog } from '../../lib/avc/log.js';
import { createProgress } from '../trace/progress.js';
import { parseDurationNs } from '../../lib/shell/values.js';
import { buildSystem, describeStatus, WORKLOAD_DONE } from '../boot/image.js';
import { addFaults, applyOverrides } from '../boot/overrides.js';
import { parseBootScript } from '../boot/parse.js';
import { UsageError } from '../errors.js';
import { bootInWorker } from '../boot/worker.js';

/** The built-in default: the package's examples/hello.boot. */
export const DEFAULT_SCRIPT = packagePath('examples', 'hello.boot');

export interface BootCommandOptions {
  seed?: string;
  trace?: string;
  until?: string;
  traceDetail?: string;
  set?: string[];
  fault?: string[];
  audit?: string;
  wallLimit?: string;
  stepBudget?: string;
}

/** Longest --wall-limit (a day; Node's timers stop at about 24.8 days). */
const MAX_WALL_LIMIT_NS = 86_400 * 1e9;

/** --wall-limit in ns, or undefined when not given; bad values are usage errors naming the flag. */
export function parseWallLimitNs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ns = parseDurationNs(text);
  if (ns === null || ns < 1_000_000 || ns > MAX_WALL_LIMIT_NS) {
    throw new UsageError(`--wall-limit must be a duration from 1ms to 86400s, such as 30s, got '${text.length > 40 ? text.slice(0, 39) + '…' : text}'`);
  }
  return ns;
}

function parseStepBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(n) && n >= 1000)) throw new UsageError(`--step-budget must be an integer of at least 1000, got '${text.length > 40 ? text.slice(0, 39) + '…' : text}'`);
  return n;
}

/**
 * A file the command will write (--trace, --audit): a directory or an
 * unwritable place is bad usage naming the flag, found before the boot.
 */
function checkOutputFile(flag: string, path: string): void {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: is a directory; give a file name`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // Absent is fine: it will be created (a missing folder is reported when it is opened).
  }
}

/** Opening an output file failed: bad usage naming the flag, not an internal error. */
function openOutput<T>(flag: string, path: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`${flag} ${path}: cannot write: ${code}`);
    throw e;
  }
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--seed must be a non-negative integer, got '${text}'`);
  return Number(text);
}

export function readScript(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read boot script ${path}: ${code}`);
  }
}

export interface BootRun {
  readonly exitCode: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/** Boot and run a script; output goes to the write callbacks as it happens. */
export function bootScript(
  scriptPath: string, opts: BootCommandOptions, out: (line: string) => void, err: (line: string) => void,
  onKernel?: (kernel: Kernel) => void,
): number {
  const seed = parseSeed(opts.seed);
  const untilNs = opts.until === undefined ? undefined : parseDurationNs(opts.until);
  if (untilNs === null) throw new UsageError(`--until must be a duration such as 10ms or 2s, got '${opts.until}'`);
  if (opts.traceDetail !== undefined && opts.traceDetail !== 'messages' && opts.traceDetail !== 'full') {
    throw new UsageError(`--trace-detail must be messages or full, got '${opts.traceDetail}'`);
  }
  parseWallLimitNs(opts.wallLimit);
  const maxStepsPerInstant = parseStepBudget(opts.stepBudget);
  if (opts.trace !== undefined) checkOutputFile('--trace', opts.trace);
  if (opts.audit !== undefined) checkOutputFile('--audit', opts.audit);
  const script = addFaults(applyOverrides(parseBootScript(readScript(scriptPath), scriptPath), opts.set ?? []), opts.fault ?? []);
  let sink: JsonlSink | null = null;
  // Console lines go to `out` as they are printed (onConsole below); the report keeps none of them.
  const system = buildSystem(script, { seed, scriptPath, keepOutput: false, ...(maxStepsPerInstant !== undefined ? { maxStepsPerInstant } : {}) }, (kernel) => {
    kernel.onConsole((proc, text) => {
      for (const line of text.split('\n')) out(`${proc}: ${line}`);
    });
    kernel.traceBlocking = opts.traceDetail === 'full';
    if (opts.trace !== undefined) sink = openOutput('--trace', opts.trace, () => attachJsonlSink(kernel.trace, opts.trace!));
    // AVC audit records: diagnostics on stderr, or the lines of an audit.log with --audit FILE.
    if (opts.audit !== undefined) openOutput('--audit', opts.audit, () => writeFileSync(opts.audit!, ''));
    auditLog(kernel.log).subscribe((line) => (opts.audit !== undefined ? appendFileSync(opts.audit, line + '\n') : err(line)));
    onKernel?.(kernel);
  });
  let outcome;
  try {
    outcome = runWithProgress(system.kernel, untilNs);
  } finally {
    (sink as JsonlSink | null)?.close();
    system.close();
  }
  const { report, kernel } = system;
  const failedExits = report.exits.filter((e) => e.status !== 0);
  const alive = system.alive();
  // A system process that faulted and is not running again (RS did not restart it): say why.
  const lostServers = report.systemFaults.filter((f) => kernel.procByName(f.name) === null);
  for (const f of lostServers) err(`mksim: server ${f.name} faulted: ${f.reason}`);
  for (const e of failedExits) err(`mksim: ${e.name} ended with ${describeStatus(e.status)}`);
  for (const f of report.expectationFailures) err(`mksim: expectation failed: ${f}`);
  for (const e of report.systemErrors) err(`mksim: system error: ${e}`);
  const stoppedEarly = outcome === 'stopped' && kernel.stopReason !== WORKLOAD_DONE;
  if (stoppedEarly) err(`mksim: simulation stopped: ${kernel.stopReason}`);
  if (alive.length > 0 && outcome === 'idle') err(`mksim: still blocked when nothing more could happen: ${alive.join(', ')}`);
  const virtualMs = (kernel.nowNs / 1e6).toFixed(3);
  err(`mksim: ${report.exits.length} process${report.exits.length === 1 ? '' : 'es'} exited, ${report.expectationsHeld} expectation${report.expectationsHeld === 1 ? '' : 's'} held, `
    + `${kernel.messagesTotal} messages, ${virtualMs} ms virtual time (seed ${seed})`);
  const ok = failedExits.length === 0 && report.expectationFailures.length === 0 && report.systemErrors.length === 0
    && (alive.length === 0 || outcome === 'until') && !stoppedEarly && lostServers.length === 0;
  return ok ? 0 : 1;
}

/** Slices of virtual time between progress updates: running in slices leaves the run unchanged. */
const PROGRESS_SLICES = 100;

function runWithProgress(kernel: Kernel, untilNs: number | undefined): RunOutcome {
  if (untilNs === undefined) return kernel.run();
  const progress = createProgress('booting');
  const sliceNs = Math.max(1, Math.ceil(untilNs / PROGRESS_SLICES));
  let outcome: RunOutcome = 'until';
  while (kernel.nowNs < untilNs) {
    outcome = kernel.run({ untilNs: Math.min(untilNs, kernel.nowNs + sliceNs) });
    progress.update(Math.min(kernel.nowNs, untilNs), untilNs);
    if (outcome !== 'until') break;
  }
  progress.finish();
  return outcome;
}

export function register(program: Command): void {
  program
    .command('boot')
    .description('boot a system from a script and run it')
    .argument('[script]', 'boot script', relative(process.cwd(), DEFAULT_SCRIPT) || DEFAULT_SCRIPT)
    .option('--seed <n>', 'seed of the PRNG (same script + same seed = same trace)', '1')
    .option('--trace <file>', 'write the trace as JSON Lines')
    .option('--until <duration>', 'stop at this virtual time (e.g. 500ms)')
    .option('--trace-detail <level>', 'messages (default) or full (adds block records)')
    .option('--audit <file>', 'write the AVC audit log (kernel format) to this file instead of stderr')
    .option('--fault <spec>', 'inject a fault as a `fault` line would (repeatable), e.g. "disk0 kill-driver nth=3"', (v: string, acc: string[] = []) => [...acc, v])
    .option('--set <target.key=value>', 'override a directive (repeatable), e.g. fs.elevator=off, clock.mode=periodic, disk0.sched=sstf', (v: string, acc: string[] = []) => [...acc, v])
    .option('--wall-limit <duration>', 'stop after this much wall-clock time (e.g. 30s), naming the process that was running; exit 1')
    .option('--step-budget <n>', 'steps at one virtual time before a zero-time loop is stopped (default 1000000)')
    .action(async (scriptPath: string, opts: BootCommandOptions, command: Command) => {
      const out = (l: string): void => { process.stdout.write(l + '\n'); };
      const err = (l: string): void => { process.stderr.write(l + '\n'); };
      const wallLimitNs = parseWallLimitNs(opts.wallLimit);
      const debug = command.optsWithGlobals<{ debug?: boolean }>().debug === true;
      process.exitCode = wallLimitNs === undefined
        ? bootScript(scriptPath, opts, out, err)
        : await bootInWorker(scriptPath, opts, wallLimitNs, debug, out, err);
    });
}
