import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../servers/security/compile.js';
import { computeCreate } from '../../../servers/security/services.js';
import { queryAllowed } from '../../../servers/security/query.js';
import { policyArb } from './policy-gen.js';
import { checkpolicy, realToolsMissing, sesearchBatch, sesearchCli } from './realtools.js';

const missing = realToolsMissing();
if (missing !== null) console.warn(`skipping differential tests against checkpolicy/setools: ${missing}`);
const dir = mkdtempSync(join(tmpdir(), 'mksim-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fixed seed and a bounded count: the run takes a few seconds and is the same every time. */
const samples = fc.sample(policyArb, { seed: 20240807, numRuns: 120 });

function ours(text: string) {
  try {
    return { ok: true as const, policy: loadPolicy(text, 'gen.conf') };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message };
  }
}

describe.skipIf(missing !== null)('policies compiled by both checkpolicy and mksim', () => {
  const compiled = samples.map((p, i) => ({ gen: p, real: checkpolicy(p.text, dir, `p${i}`), mine: ours(p.text) }));

  it('accept and reject the same generated policies', () => {
    let accepted = 0;
    for (const c of compiled) {
      const detail = `policy:\n${c.gen.text}\ncheckpolicy: ${c.real.stderr}\nmksim: ${c.mine.ok ? 'accepted' : c.mine.error}`;
      expect(c.mine.ok, detail).toBe(c.real.ok);
      if (c.real.ok) accepted++;
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    expect(accepted).toBeGreaterThan(samples.length / 4);
    expect(accepted).toBeLessThan(samples.length);
  });

  const both = compiled.filter((c) => c.real.ok && c.mine.ok);

  it('agree with sesearch -A on the effective permissions of every (source, target, class)', () => {
    const results = sesearchBatch(both.map((c) => ({ bin: c.real.bin, types: [...c.gen.types], classes: [...c.gen.classes] })));
    let nonEmpty = 0;
    both.forEach((c, i) => {
      const policy = c.mine.ok ? c.mine.policy : null;
      for (const s of c.gen.types) for (const t of c.gen.types) for (const cls of c.gen.classes) {
        const q = queryAllowed(policy!, s, t, cls);
        expect(q.ok).toBe(true);
        const line = q.ok ? q.line : null;
        const mine = line === null ? [] : /\{ (.*) \}/.exec(line)![1]!.split(' ');
        const real = results[i]!.allow[`${s} ${t} ${cls}`] ?? [];
        if (real.length > 0) nonEmpty++;
        expect(mine, `${s} ${t}:${cls} in\n${c.gen.text}`).toEqual(real);
      }
    });
    expect(nonEmpty).toBeGreaterThan(both.length);
  });

  it('agree with sesearch -T on type transitions, so create labels match', () => {
    const results = sesearchBatch(both.map((c) => ({ bin: c.real.bin, types: [...c.gen.types], classes: [...c.gen.classes] })));
    both.forEach((c, i) => {
      const policy = c.mine.ok ? c.mine.policy : null;
      const trans = results[i]!.trans;
      for (const s of c.gen.types) for (const t of c.gen.types) for (const cls of c.gen.classes) {
        const scon = { user: 'uu', role: 'rr', type: s };
        const tcon = { user: 'uu', role: 'object_r', type: t };
        for (const name of [undefined, 'f0', 'f1', 'f2']) {
          const expected = trans[`${s} ${t} ${cls}${name === undefined ? '' : ` ${name}`}`]
            ?? (name === undefined ? undefined : trans[`${s} ${t} ${cls}`])
            ?? (cls === 'process' ? s : t);
          const got = computeCreate(policy!, scon, tcon, cls, name);
          expect(got.ok && got.value.context.type, `${s} ${t}:${cls} ${name ?? ''}\n${c.gen.text}`).toBe(expected);
        }
      }
    });
  });

  it('the sesearch command line agrees on sampled queries (its 4.4 output format)', () => {
    for (const c of both.slice(0, 3)) {
      const policy = c.mine.ok ? c.mine.policy : null;
      for (const t of c.gen.types.slice(0, 2)) {
        const q = queryAllowed(policy!, 'ty0_t', t, 'file');
        const mine = q.ok && q.line !== null ? /\{ (.*) \}/.exec(q.line)![1]!.split(' ') : [];
        expect(mine).toEqual(sesearchCli(c.real.bin, 'ty0_t', t, 'file'));
      }
    }
  });
});
