/*
 * The fuzzers' budget and the one rule they all check.
 *   runs(ciDefault)         fast-check runs: MKSIM_FUZZ_RUNS (npm run fuzz) or a short CI default
 *   expectClearError(fn)    fn returns, or throws a user-facing error with a message: never anything else
 *   mutate(text)            an arbitrary for text derived from a valid input by small edits
 */
import fc from 'fast-check';
import { expect } from 'vitest';

export function runs(ciDefault: number): number {
  const env = Number(process.env.MKSIM_FUZZ_RUNS);
  return Number.isSafeInteger(env) && env > 0 ? env : ciDefault;
}

/** The seed of every fuzzer: a failure reproduces (fast-check prints the path). */
export const FUZZ_SEED = Number(process.env.MKSIM_FUZZ_SEED ?? 20260101);

export function expectClearError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof Error)) throw new Error(`threw a non-Error: ${String(err)}`);
    if ((err as { userFacing?: unknown }).userFacing !== true) throw new Error(`not a user-facing error: ${err.name}: ${err.message}\n${err.stack}`);
    expect(err.message.length).toBeGreaterThan(0);
  }
}

/** Small edits of a valid text: delete, duplicate or replace a slice; insert random characters or lines. */
export function mutate(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(text.length), len: fc.nat(40) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(text.length), s: fc.string({ maxLength: 20, unit: 'binary' }) }),
    fc.record({ kind: fc.constant('ascii' as const), at: fc.nat(text.length), s: fc.string({ maxLength: 12 }) }),
    fc.record({ kind: fc.constant('dupline' as const), at: fc.nat(lines.length), len: fc.nat(3) }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat(text.length), len: fc.nat(text.length) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let t = text;
    for (const e of edits) {
      const at = Math.min(e.at, t.length);
      if (e.kind === 'delete') t = t.slice(0, at) + t.slice(at + e.len);
      else if (e.kind === 'insert' || e.kind === 'ascii') t = t.slice(0, at) + e.s + t.slice(at);
      else if (e.kind === 'swap') { const b = Math.min(e.len, t.length); t = t.slice(0, Math.min(at, b)) + t.slice(Math.max(at, b)) + t.slice(Math.min(at, b), Math.max(at, b)); }
      else { const ls = t.split('\n'); const i = Math.min(e.at, ls.length - 1); ls.splice(i, 0, ...ls.slice(i, i + e.len)); t = ls.join('\n'); }
    }
    return t;
  });
}
