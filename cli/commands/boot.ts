/*
 * `mksim boot [SCRIPT] [--seed N] [--trace FILE] [--until D] [--trace-detail full]
 *   [--wall-limit D] [--step-budget N] [--break WHEN]`:
 * boot a system from a script, print what its processes print (prefixed by
 * process name), and exit 0 when every process exited 0 and every
 * expectation held, 1 otherwise, 2 on a malformed script.
 *   bootScript(path, opts, out, err)   run in this thread; returns the exit code
 * With --wall-limit the same run happens in a worker thread that the command
 * can stop (cli/boot/worker.ts); the output is the same. With --break a
 * debugger stops the run there and prompts (cli/debug/, docs/debugging.md).
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
import { DIRECTIVE_SPECS, PLUGIN_FILE_PATTERN } from '../boot/script.js';
import { UsageError } from '../errors.js';
import { bootInWorker } from '../boot/worker.js';
import { stdinLines, stdoutWrite } from '../debug/prompt.js';
import { attachDebugger } from '../debug/session.js';
import { parseBreak } from '../debug/when.js';
import type { CodeWatch } from '../../lib/plugin/watch.js';

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
  /** --break WHEN (repeatable): the debugger's break conditions (the command's, not bootScript's). */
  break?: string[];
  stallLimit?: string;
  /** The global --debug: a crashed student program's own stack frames. */
  debug?: boolean;
}

/** Longest --wall-limit (a day; Node's timers stop at about 24.8 days). */
const MAX_WALL_LIMIT_NS = 86_400 * 1e9;

/** --wall-limit in ns, or undefined when not given; bad values are usage errors naming the flag. */
export function parseWallLimitNs(text: string | undefined, flag = '--wall-limit'): number | undefined {
  if (text === undefined) return undefined;
  const ns = parseDurationNs(text);
  if (ns === null || ns < 1_000_000 || ns > MAX_WALL_LIMIT_NS) {
    throw new UsageError(`${flag} must be a duration from 1ms to 86400s, such as 30s, got '${text.length > 40 ? text.slice(0, 39) + '…' : text}'`);
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

/** Boot and run a script (its text read from scriptPath unless given); output goes to the write callbacks as it happens. */
export function bootScript(
  scriptPath: string, opts: BootCommandOptions, out: (line: string) => void, err: (line: string) => void,
  onKernel?: (kernel: Kernel) => void, scriptText?: string, watch?: CodeWatch,
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
  const script = addFaults(applyOverrides(parseBootScript(scriptText ?? readScript(scriptPath), scriptPath), opts.set ?? []), opts.fault ?? []);
  let sink: JsonlSink | null = null;
  const system = buildSystem(script, {
    seed, scriptPath, ...(maxStepsPerInstant !== undefined ? { maxStepsPerInstant } : {}), debug: opts.debug === true, ...(watch !== undefined ? { watch } : {}),
  }, (kernel) => {
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

/**
 * Does the script (with its --set overrides) load a student's module: a
 * `program` line, or a policy key naming a file? A script that does not
 * parse is not, here: bootScript reports its error.
 */
export function loadsStudentCode(scriptPath: string, opts: BootCommandOptions): boolean {
  let script;
  try {
    script = applyOverrides(parseBootScript(readScript(scriptPath), scriptPath), opts.set ?? []);
  } catch {
    return false;
  }
  return script.directives.some((d) => d.keyword === 'program' || [...d.values].some(([key, v]) =>
    DIRECTIVE_SPECS[d.keyword]?.keys[key]?.kind === 'plugin' && typeof v === 'string' && PLUGIN_FILE_PATTERN.test(v)));
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
    .option('--stall-limit <duration>', 'stop the run when one call into a student\'s program or policy runs this long in wall-clock time (default 10s)')
    .option('--step-budget <n>', 'steps at one virtual time before a zero-time loop is stopped (default 1000000)')
    .option('--break <when>', 'stop at WHEN and prompt (repeatable): a virtual time (10ms), a message type (FS_OPEN), an actor (fs) or a message id (42)', (v: string, acc: string[] = []) => [...acc, v])
    .action(async (scriptPath: string, opts: BootCommandOptions, command: Command) => {
      const out = (l: string): void => { process.stdout.write(l + '\n'); };
      const err = (l: string): void => { process.stderr.write(l + '\n'); };
      const wallLimitNs = parseWallLimitNs(opts.wallLimit);
      const debug = command.optsWithGlobals<{ debug?: boolean }>().debug === true;
      const withDebug = { ...opts, debug };
      const breaks = (opts.break ?? []).map(parseBreak);
      if (breaks.length > 0) {
        if (wallLimitNs !== undefined) throw new UsageError('--break and --wall-limit do not go together: a prompt waits for the user');
        // The prompt writes synchronously; so must the console lines, to keep their order.
        // (A student's program that never yields is not watched here: the user at the prompt is.)
        const outNow = (l: string): void => stdoutWrite(l + '\n');
        process.exitCode = bootScript(scriptPath, withDebug, outNow, err, (k) => { attachDebugger(k, breaks, { input: stdinLines(), write: stdoutWrite }); });
        return;
      }
      const stallLimitNs = parseWallLimitNs(opts.stallLimit, '--stall-limit');
      // Students' code may loop without yielding, which only another thread can stop: such a
      // script runs in the worker, watched (lib/plugin/watch.ts), with or without --wall-limit.
      process.exitCode = wallLimitNs === undefined && !loadsStudentCode(scriptPath, opts)
        ? bootScript(scriptPath, withDebug, out, err)
        : await bootInWorker(scriptPath, withDebug, wallLimitNs, debug, out, err, stallLimitNs);
    });
}
