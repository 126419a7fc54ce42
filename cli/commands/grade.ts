/*
 * `mksim grade SPEC [--submission DIR] [--junit FILE] [--json]`: the autograder
 * (docs/grading.md). Runs each test of the spec on the student's files, prints
 * the score table (or JSON), writes JUnit XML. Exit 0 full marks, 1 a test
 * failed, 2 a bad spec (file:line:column) or bad usage.
 *   register(program)   the subcommand
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { gradeSpec } from '../grade/grade.js';
import { junitXml } from '../grade/junit.js';
import { formatReport } from '../grade/report.js';
import { parseSpec } from '../grade/spec.js';
import { UsageError } from '../errors.js';

export interface GradeOptions {
  submission?: string;
  junit?: string;
  json?: boolean;
}

/** Grade and return what the command prints and its exit code. */
export async function gradeCommand(specPath: string, opts: GradeOptions): Promise<{ text: string; exitCode: number }> {
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read grading spec ${specPath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const spec = parseSpec(text, specPath);
  const submission = opts.submission !== undefined ? resolve(opts.submission) : spec.submission;
  let isDir = false;
  try { isDir = statSync(submission).isDirectory(); } catch { /* reported below */ }
  if (!isDir) throw new UsageError(`submission folder ${submission} does not exist (give --submission DIR)`);
  const report = await gradeSpec(spec, submission);
  if (opts.junit !== undefined) {
    try {
      writeFileSync(opts.junit, junitXml(report));
    } catch (e) {
      throw new UsageError(`--junit ${opts.junit}: cannot write: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const out = opts.json === true
    ? JSON.stringify({ ...report, submission: opts.submission ?? report.submission }, null, 2) + '\n'
    : formatReport(report);
  return { text: out, exitCode: report.score === report.total && report.tests.every((t) => t.passed) ? 0 : 1 };
}

export function register(program: Command): void {
  program
    .command('grade')
    .description('autograder: run a spec\'s tests on a submission, print the score table, write JUnit XML')
    .argument('<spec>', 'grading spec (YAML or JSON, docs/grading.md)')
    .option('--submission <dir>', 'folder of the student\'s files (default: the spec\'s `submission`)')
    .option('--junit <file>', 'write JUnit XML (Ant schema) to this file')
    .option('--json', 'print the report as JSON')
    .action(async (specPath: string, opts: GradeOptions) => {
      const { text, exitCode } = await gradeCommand(specPath, opts);
      process.stdout.write(text);
      process.exitCode = exitCode;
    });
}
