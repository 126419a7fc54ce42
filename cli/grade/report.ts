/*
 * The grader's score table, as `mksim grade` prints it.
 *   formatReport(report)   a table (test, points, result) and, per failed test, its failed checks
 */
import { formatTable } from '../trace/table.js';
import type { GradeReport } from './grade.js';

export function formatReport(r: GradeReport): string {
  const rows = r.tests.map((t) => [t.name, `${t.scored}/${t.points}`, t.passed ? 'pass' : 'FAIL']);
  rows.push(['total', `${r.score}/${r.total}`, '']);
  const lines = [`${r.assignment}: ${r.score}/${r.total}`, formatTable(['test', 'points', 'result'], rows)];
  for (const t of r.tests) {
    if (t.passed) continue;
    lines.push('', `FAIL ${t.name}`);
    if (t.setupError !== null) lines.push(`  not run: ${t.setupError}`);
    for (const c of t.checks) if (!c.passed) lines.push(`  ${c.check}: ${c.detail}`);
    const why = t.stderr.filter((l) => l.startsWith('mksim: wall-clock limit') || l.startsWith('mksim: simulation stopped'));
    for (const l of why) lines.push(`  ${l.slice('mksim: '.length)}`);
  }
  return lines.join('\n') + '\n';
}
