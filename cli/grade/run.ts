/*
 * One graded test: a fresh folder holding the boot script, the instructor's
 * support files and the student's files; the boot in a worker thread under
 * the spec's wall-clock limit (cli/boot/worker.ts), with a trace.
 *   runTest(test, spec, submissionDir)   -> TestRun: exit code, output, the trace's statistics
 * A hang costs the test (the worker is stopped and the run fails), never the grader.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { bootInWorker } from '../boot/worker.js';
import { iterateTrace } from '../trace/reader.js';
import { isNewMessage } from '../trace/records.js';
import { TraceStats, type StatsResult } from '../trace/stats.js';
import type { GradeSpec, TestSpec } from './spec.js';

export interface TestRun {
  readonly exitCode: number;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Statistics of the run's trace, or null when there is none (the run was stopped, or did not start). */
  readonly stats: StatsResult | null;
  /** New messages per `src\0dst\0type` (for the message-count checks with a type). */
  readonly messagesByRoute: ReadonlyMap<string, number>;
  /** Why the run could not be made (a file of the submission is missing), or null. */
  readonly setupError: string | null;
  /** The test's folder (images the run wrote are checked there); removed by cleanup(). */
  readonly dir: string;
  cleanup(): void;
}

/** Output lines kept per stream: a chatty or looping program must not fill the grader's memory. */
const MAX_LINES = 10_000;

function copyInto(from: string, to: string): string | null {
  try {
    if (!statSync(from).isFile()) return 'is not a file';
  } catch {
    return 'is missing';
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  return null;
}

export async function runTest(test: TestSpec, spec: GradeSpec, submissionDir: string): Promise<TestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-grade-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const base = { dir, cleanup, stdout: [] as string[], stderr: [] as string[], stats: null, messagesByRoute: new Map<string, number>() };
  const specDir = dirname(resolve(spec.file));
  const problems: string[] = [];
  const script = join(dir, basename(test.script));
  const scriptProblem = copyInto(test.script, script);
  if (scriptProblem !== null) problems.push(`the boot script ${test.script} ${scriptProblem}`);
  for (const f of test.support) {
    const why = copyInto(join(specDir, f), join(dir, f));
    if (why !== null) problems.push(`the support file ${f} ${why}`);
  }
  for (const f of test.files) {
    const why = copyInto(join(submissionDir, f), join(dir, f));
    if (why !== null) problems.push(`the submitted file ${f} ${why}`);
  }
  if (problems.length > 0) return { ...base, exitCode: 1, setupError: problems.join('; ') };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const keep = (list: string[]) => (line: string): void => { if (list.length < MAX_LINES) list.push(line); };
  const tracePath = join(dir, 'trace.jsonl');
  const exitCode = await bootInWorker(script, {
    seed: String(test.seed), trace: tracePath, ...(test.untilNs !== null ? { until: `${test.untilNs}ns` } : {}),
    wallLimit: `${Math.round(spec.wallLimitNs / 1e6)}ms`,
  }, spec.wallLimitNs, false, keep(stdout), keep(stderr));
  let stats: StatsResult | null = null;
  const messagesByRoute = new Map<string, number>();
  if (existsSync(tracePath)) {
    try {
      const s = new TraceStats();
      for await (const rec of iterateTrace(tracePath)) {
        s.add(rec);
        if (isNewMessage(rec)) {
          const key = `${rec.src}\u0000${rec.dst}\u0000${rec.type}`;
          messagesByRoute.set(key, (messagesByRoute.get(key) ?? 0) + 1);
        }
      }
      stats = s.result();
    } catch {
      // A run stopped by the wall limit leaves a cut trace: no trace facts, so the trace checks fail.
      stats = null;
    }
  }
  return { ...base, exitCode, stdout, stderr, stats, messagesByRoute, setupError: null };
}
