/*
 * The checks of a graded test, judged against its run (docs/grading.md).
 *   judge(check, run)    -> CheckResult: passed, and what was seen
 *   describeCheck(check) -> the check in words, for the table and JUnit
 * Trace facts come from the run's `trace stats` figures; `fsck` runs the
 * real fsck.minix (util-linux) when installed, else mksim's own checker.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { formatNs } from '../trace/table.js';
import type { TestRun } from './run.js';
import type { Check } from './spec.js';

export interface CheckResult {
  readonly check: string;
  readonly passed: boolean;
  /** What the run showed, when it failed (or a note when it passed). */
  readonly detail: string;
}

const bound = (min: number | null, max: number | null): string =>
  min !== null && max !== null ? (min === max ? `exactly ${min}` : `${min}..${max}`) : min !== null ? `at least ${min}` : `at most ${max}`;

export function describeCheck(c: Check): string {
  switch (c.kind) {
    case 'exit': return `exit status ${c.code}`;
    case 'output': return `prints the line "${c.line}"`;
    case 'no-output': return `does not print the line "${c.line}"`;
    case 'output-match': return `prints a line matching /${c.pattern.source}/`;
    case 'expectations': return c.atLeast === 'all' ? 'every expectation holds' : `at least ${c.atLeast} expectations hold, none fails`;
    case 'messages': return `messages ${c.from} -> ${c.to}${c.type !== null ? ` of type ${c.type}` : ''}: ${bound(c.min, c.max)}`;
    case 'latency': return `${c.stat} round-trip latency of ${c.request} at most ${formatNs(c.maxNs)}`;
    case 'avc-denials': return `AVC denials: ${bound(c.min, c.max === Number.MAX_SAFE_INTEGER ? null : c.max)}`;
    case 'fsck': return `${c.image} is clean under fsck`;
  }
}

/** The `mksim: N expectations held` count and the failed ones, from boot's summary on stderr. */
function expectations(run: TestRun): { held: number | null; failed: string[] } {
  const failed = run.stderr.filter((l) => l.startsWith('mksim: expectation failed: ')).map((l) => l.slice('mksim: expectation failed: '.length));
  let held: number | null = null;
  for (const l of run.stderr) {
    const m = /^mksim: \d+ process(?:es)? exited, (\d+) expectations? held,/.exec(l);
    if (m !== null) held = Number(m[1]);
  }
  return { held, failed };
}

function countMessages(run: TestRun, c: Extract<Check, { kind: 'messages' }>): number | null {
  const s = run.stats;
  if (s === null) return null;
  if (c.type === null) return s.messages.byPair.find((p) => p.src === c.from && p.dst === c.to)?.count ?? 0;
  return run.messagesByRoute.get(`${c.from}\u0000${c.to}\u0000${c.type}`) ?? 0;
}

const NO_TRACE = 'no complete trace (the run was stopped or did not start)';

function runFsck(path: string): { clean: boolean; detail: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { clean: false, detail: `cannot read the image: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  const tool = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (tool.error === undefined && tool.status !== null) {
    const said = (tool.stdout + tool.stderr).trim().split('\n').filter((l) => l !== '').slice(0, 3).join('; ');
    return { clean: tool.status === 0, detail: `fsck.minix -f: exit ${tool.status}${said !== '' && tool.status !== 0 ? `: ${said}` : ''}` };
  }
  const report = checkImage(bytes, { repair: false });
  if (report.fatal !== null) return { clean: false, detail: `mksim fsck: ${report.fatal}` };
  return { clean: report.problems.length === 0, detail: `mksim fsck: ${report.problems.length === 0 ? 'clean' : report.problems.slice(0, 3).join('; ')}` };
}

export function judge(c: Check, run: TestRun): CheckResult {
  const check = describeCheck(c);
  const result = (passed: boolean, detail: string): CheckResult => ({ check, passed, detail });
  switch (c.kind) {
    case 'exit':
      return result(run.exitCode === c.code, `got ${run.exitCode}`);
    case 'output': {
      const found = run.stdout.includes(c.line);
      return result(found, found ? 'printed' : 'no such line in the output');
    }
    case 'no-output': {
      const found = run.stdout.includes(c.line);
      return result(!found, found ? 'the line was printed' : 'not printed');
    }
    case 'output-match': {
      const line = run.stdout.find((l) => c.pattern.test(l));
      return result(line !== undefined, line !== undefined ? `"${line}"` : 'no line matches');
    }
    case 'expectations': {
      const { held, failed } = expectations(run);
      if (held === null) return result(false, 'the run did not finish (no summary)');
      if (failed.length > 0) return result(false, `${failed.length} failed: ${failed.slice(0, 3).join('; ')}`);
      const need = c.atLeast === 'all' ? 1 : c.atLeast;
      return result(held >= need, `${held} held`);
    }
    case 'messages': {
      const n = countMessages(run, c);
      if (n === null) return result(false, NO_TRACE);
      return result((c.min === null || n >= c.min) && (c.max === null || n <= c.max), `${n} messages`);
    }
    case 'latency': {
      if (run.stats === null) return result(false, NO_TRACE);
      const row = run.stats.latency.find((l) => l.type === c.request);
      if (row === undefined) return result(false, `no ${c.request} request was answered`);
      const ns = c.stat === 'max' ? row.maxNs : c.stat === 'mean' ? row.meanNs : row.p99Ns;
      return result(ns <= c.maxNs, `${c.stat} ${formatNs(ns)} over ${row.count} requests`);
    }
    case 'avc-denials': {
      if (run.stats === null) return result(false, NO_TRACE);
      const n = run.stats.avc.denials;
      return result(n >= c.min && n <= c.max, `${n} denials`);
    }
    case 'fsck': {
      const r = runFsck(join(run.dir, c.image));
      return result(r.clean, r.detail);
    }
  }
}
