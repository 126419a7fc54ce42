/*
 * Shrink a failing live-FS case to a small reproducer: drop workload calls, then corruption edits,
 * one at a time, keeping each drop after which the case still fails the same way.
 *   minimize(c, dir, first)  -> the smaller case and its verdict (bounded: each element tried once per pass, 3 passes)
 */
import { runCase, type Case, type Verdict } from './run.js';

/** Same category, and the first finding of the same kind (its text up to the first path or number). */
const kindOf = (v: Verdict): string => `${v.category}:${(v.details[0] ?? '').replace(/[/\d`'].*$/, '')}`;

export function minimize(c: Case, dir: string, first: Verdict): { c: Case; v: Verdict } {
  const want = kindOf(first);
  let best: Case = { ...c, edits: c.edits ?? first.edits };
  let bestV = first;
  for (let pass = 0; pass < 3; pass++) {
    let shrunk = false;
    for (let i = best.workload.length - 1; i >= 0; i--) {
      const trial: Case = { ...best, workload: best.workload.filter((_, j) => j !== i) };
      const v = runCase(trial, dir);
      if (kindOf(v) === want) { best = trial; bestV = v; shrunk = true; }
    }
    for (let i = best.edits!.length - 1; i >= 0 && best.edits!.length > 1; i--) {
      const trial: Case = { ...best, edits: best.edits!.filter((_, j) => j !== i) };
      const v = runCase(trial, dir);
      if (kindOf(v) === want) { best = trial; bestV = v; shrunk = true; }
    }
    if (!shrunk) break;
  }
  return { c: best, v: bestV };
}
