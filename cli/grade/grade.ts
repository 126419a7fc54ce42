/*
 * Grading: every test of a spec, one after the other, judged and scored.
 *   gradeSpec(spec, submissionDir, onTest?)   -> GradeReport (tests in spec order)
 * A test scores its points when all of its checks pass (as Pintos's tests
 * pass or fail whole); each failed check says what the run showed.
 */
import { judge, type CheckResult } from './checks.js';
import { runTest } from './run.js';
import type { GradeSpec } from './spec.js';

export interface TestResult {
  readonly name: string;
  readonly points: number;
  readonly scored: number;
  readonly passed: boolean;
  readonly exitCode: number;
  /** Virtual time the run reached (from its trace), 0 without one. */
  readonly virtualNs: number;
  /** Set when the test could not be run (a submitted file is missing); no check ran. */
  readonly setupError: string | null;
  readonly checks: readonly CheckResult[];
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

export interface GradeReport {
  readonly assignment: string;
  readonly spec: string;
  readonly submission: string;
  readonly score: number;
  readonly total: number;
  readonly tests: readonly TestResult[];
}

export async function gradeSpec(spec: GradeSpec, submissionDir: string, onTest?: (t: TestResult) => void): Promise<GradeReport> {
  const tests: TestResult[] = [];
  for (const test of spec.tests) {
    const run = await runTest(test, spec, submissionDir);
    try {
      const checks = run.setupError !== null ? [] : test.checks.map((c) => judge(c, run));
      const passed = run.setupError === null && checks.every((c) => c.passed);
      const result: TestResult = {
        name: test.name, points: test.points, scored: passed ? test.points : 0, passed, exitCode: run.exitCode,
        virtualNs: run.stats?.durationNs ?? 0, setupError: run.setupError, checks, stdout: run.stdout, stderr: run.stderr,
      };
      tests.push(result);
      onTest?.(result);
    } finally {
      run.cleanup();
    }
  }
  return {
    assignment: spec.assignment, spec: spec.file, submission: submissionDir,
    score: tests.reduce((a, t) => a + t.scored, 0), total: tests.reduce((a, t) => a + t.points, 0), tests,
  };
}
