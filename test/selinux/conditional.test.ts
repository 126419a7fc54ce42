import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../servers/security/compile.js';
import { parseContext, permBit, withBooleans, type CompiledPolicy } from '../../servers/security/policy.js';
import { computeAv } from '../../servers/security/services.js';
import { ALLOWED, CONSTRAINT, checkpolicy, libsepolDecide, toolsMissing, type DecideJob } from './libsepol.js';

/*
 * Booleans, tunables, if/else and constraints against the real tools:
 * random policies compiled by checkpolicy and by mksim must get the same
 * decision for every (source context, target context, class, permission)
 * as libsepol computes it (audit2why's analyze), with the booleans at their
 * defaults and after withBooleans flips them (checked against checkpolicy
 * compiling the policy with the flipped defaults); a constraint denial is
 * reported as one by both.
 */

const missing = toolsMissing();
if (missing !== null) console.warn(`skipping conditional/constraint tests against checkpolicy/libsepol: ${missing}`);
const dir = mkdtempSync(join(tmpdir(), 'mksim-cond-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES = ['ta', 'tb', 'tc'];
const CLASSES: Record<string, string[]> = { process: ['transition', 'dyntransition', 'signal'], file: ['read', 'write', 'getattr', 'execute'] };
const CONTEXTS = ['ua:ra:ta', 'ua:ra:tb', 'ua:ra:tc', 'ua:rb:ta', 'ua:rb:tc', 'ub:ra:tb', 'ub:ra:tc'];

const typeSet = fc.constantFrom('ta', 'tb', 'tc', 'at', '{ ta tb }', '{ at -tb }', '{ tc at }');
const target = fc.oneof(typeSet, fc.constant('self'));
const cls = fc.constantFrom('process', 'file');
const permsOf = (c: string) => fc.subarray(CLASSES[c]!, { minLength: 1 }).map((p) => (p.length === 1 ? p[0]! : `{ ${p.join(' ')} }`));
const avRule = fc.tuple(fc.constantFrom('allow', 'allow', 'allow', 'dontaudit', 'auditallow'), typeSet, target, cls)
  .chain(([k, s, t, c]) => permsOf(c).map((p) => `${k} ${s} ${t}:${c} ${p};`));
const boolExpr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('b0', 'b1', 'b2'),
    fc.tuple(tie('e'), fc.constantFrom('&&', '||', '^', '==', '!='), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `!${a}`)),
})).e as fc.Arbitrary<string>;
const cond = fc.tuple(boolExpr, fc.array(avRule, { minLength: 0, maxLength: 3 }), fc.array(avRule, { maxLength: 2 }), fc.boolean())
  .map(([e, t, f, hasElse]) => `if ${e.startsWith('(') ? e : `(${e})`} { ${t.join(' ')} }${hasElse ? ` else { ${f.join(' ')} }` : ''}`);
const tunableCond = fc.tuple(fc.constantFrom('tu', '!tu', '(tu && tv)', '(tu ^ tv)'), avRule, avRule)
  .map(([e, a, b]) => `if ${e.startsWith('(') ? e : `(${e})`} { ${a} } else { ${b} }`);
const leaf = fc.constantFrom('u1 == u2', 'u1 != u2', 'r1 == r2', 'r1 != r2', 'r1 dom r2', 'r1 domby r2', 'r1 incomp r2', 't1 == t2',
  't1 == at', 't2 != { ta tb }', 'u1 == ua', 'r2 == { ra }', 't1 == { ta at }', 'u2 != { ub }');
const cexpr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof({ depthSize: 'small' }, leaf,
    fc.tuple(tie('e'), fc.constantFrom('and', 'or'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `not ${a}`)),
})).e as fc.Arbitrary<string>;
const constraint = fc.tuple(cls, cexpr).chain(([c, e]) => permsOf(c).map((p) => `constrain ${c} ${p} ${e};`));

const policyArb = fc.record({
  bools: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  tunables: fc.tuple(fc.boolean(), fc.boolean()),
  rules: fc.array(avRule, { minLength: 2, maxLength: 6 }),
  conds: fc.array(cond, { minLength: 1, maxLength: 3 }),
  tunableConds: fc.array(tunableCond, { maxLength: 1 }),
  roleRules: fc.subarray(['allow ra rb;', 'allow rb ra;', 'dominance { role ra { role rb; } }']),
  constraints: fc.array(constraint, { maxLength: 3 }),
});

type Gen = fc.Arbitrary<unknown> extends never ? never : { bools: boolean[]; tunables: boolean[]; rules: string[]; conds: string[]; tunableConds: string[]; roleRules: string[]; constraints: string[] };

function render(g: Gen, bools: readonly boolean[]): string {
  return [
    'class process', 'class file', 'sid kernel', 'sid security',
    'common file { read write getattr }',
    `class process { ${CLASSES.process!.join(' ')} }`, 'class file inherits file { execute }',
    'attribute at;', 'type ta, at;', 'type tb;', 'type tc;', 'typeattribute tb at;',
    'role ra;', 'role rb;', 'role ra types { ta tb tc };', 'role rb types { ta tc };',
    ...bools.map((v, i) => `bool b${i} ${v};`),
    ...g.tunables.map((v, i) => `tunable ${['tu', 'tv'][i]} ${v};`),
    ...g.rules, ...g.conds, ...g.tunableConds, ...g.roleRules,
    'user ua roles { ra rb };', 'user ub roles { ra };',
    ...g.constraints,
    'sid kernel ua:ra:ta', 'sid security ua:ra:ta', '',
  ].join('\n');
}

function mine(text: string): CompiledPolicy | string {
  try {
    return loadPolicy(text, 'gen.conf');
  } catch (err) {
    return (err as Error).message;
  }
}

function queries(): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  for (const s of CONTEXTS) for (const t of CONTEXTS) for (const [c, perms] of Object.entries(CLASSES)) for (const p of perms) out.push([s, t, c, p]);
  return out;
}

/** mksim's decision in libsepol's terms: 0 allowed, CONSTRAINT when a constraint removed it, else -1 (some denial). */
function ours(policy: CompiledPolicy, [s, t, c, p]: [string, string, string, string]): number {
  const d = computeAv(policy, parseContext(s)!, parseContext(t)!, c);
  if (!d.ok) return -2;
  const bit = permBit(policy.classes[policy.classIndex.get(c)!]!, p);
  if ((d.value.allowed & bit) !== 0) return ALLOWED;
  return ((d.value.constrained ?? 0) & bit) !== 0 ? CONSTRAINT : -1;
}

describe.skipIf(missing !== null)('booleans, tunables and constraints against checkpolicy and libsepol', () => {
  const samples = fc.sample(policyArb, { seed: 20261201, numRuns: 40 }) as Gen[];
  const cases = samples.map((g, i) => {
    const flipped = g.bools.map((b, k) => (k === i % 3 ? !b : k === (i + 1) % 3 ? b : !b));
    return { g, text: render(g, g.bools), flipped, flippedText: render(g, flipped), i };
  });

  it('accept and reject the same policies (tunables mixed with booleans are refused by both)', () => {
    let accepted = 0;
    for (const c of cases) {
      const real = checkpolicy(c.text, dir, `c${c.i}`);
      const m = mine(c.text);
      expect(typeof m !== 'string', `policy:\n${c.text}\ncheckpolicy: ${real.stderr}\nmksim: ${typeof m === 'string' ? m : 'accepted'}`).toBe(real.ok);
      if (real.ok) accepted++;
      else if (process.env.DEBUG_COND) console.log(c.text, real.stderr);
    }
    expect(accepted).toBeGreaterThan(cases.length / 2);
  });

  it('decide every (scontext, tcontext, class, perm) as libsepol does, at the defaults and after setting booleans', () => {
    const qs = queries();
    const jobs: DecideJob[] = [];
    const policies: CompiledPolicy[] = [];
    const texts: string[] = [];
    for (const c of cases) {
      const real = checkpolicy(c.text, dir, `d${c.i}`);
      const realFlipped = checkpolicy(c.flippedText, dir, `f${c.i}`);
      const m = mine(c.text);
      if (!real.ok || !realFlipped.ok || typeof m === 'string') continue;
      const set = withBooleans(m, new Map(c.flipped.map((v, k) => [`b${k}`, v])));
      expect(set).not.toBeNull();
      jobs.push({ bin: real.bin, queries: qs }, { bin: realFlipped.bin, queries: qs });
      policies.push(m, set!);
      texts.push(c.text, `${c.flippedText}\n(mksim: the first policy with withBooleans ${JSON.stringify(c.flipped)})`);
    }
    const results = libsepolDecide(jobs);
    let allowed = 0;
    let constrained = 0;
    let changedByBooleans = 0;
    results.forEach((codes, j) => {
      codes.forEach((real, q) => {
        const got = ours(policies[j]!, qs[q]!);
        const where = `${qs[q]!.join(' ')} in\n${texts[j]}`;
        if (real === ALLOWED) allowed++;
        if (real === CONSTRAINT) constrained++;
        expect(got === ALLOWED, where).toBe(real === ALLOWED);
        if (real === CONSTRAINT) expect(got, where).toBe(CONSTRAINT);
        if (j % 2 === 1 && (real === ALLOWED) !== (results[j - 1]![q] === ALLOWED)) changedByBooleans++;
      });
    });
    // The generator must produce allowed, constrained and boolean-dependent decisions, or the comparison proves little.
    if (process.env.DEBUG_COND) console.log({ allowed, constrained, changedByBooleans, policies: policies.length });
    expect(allowed).toBeGreaterThan(500);
    expect(constrained).toBeGreaterThan(50);
    expect(changedByBooleans).toBeGreaterThan(50);
  });
});
