/*
 * Differential test: ~100 seeded random policies compiled by checkpolicy and
 * by mksim. Both accept or both refuse; for accepted ones, `policy query`'s
 * rules equal sesearch's (every rule kind), and every decision (each
 * permission of each class between every two types, process transitions
 * across every two roles) equals libsepol's (audit2why's analyze), with
 * audit2allow -w's reason for each denial.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { whyDenied, type WhyReason } from '../../servers/security/audit2allow.js';
import { compilePolicy } from '../../servers/security/compile.js';
import { parsePolicy } from '../../servers/security/parse.js';
import { loadPolicy } from '../../servers/security/compile.js';
import { permBit, type CompiledPolicy } from '../../servers/security/policy.js';
import { policyRules, RULE_KINDS, searchRules, type PolicyRules } from '../../servers/security/search.js';
import { computeAv } from '../../servers/security/services.js';
import { checkpolicy, realToolsMissing } from '../servers/security/realtools.js';
import { policyArb, type Features, type GeneratedPolicy } from './differential-gen.js';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'differential-oracle.py');
const missing = realToolsMissing()
  ?? (execFileSync('/usr/bin/python3', ['-c', 'import selinux.audit2why; print(1)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === '1' ? null : 'python3-selinux missing');
if (missing !== null) console.warn(`skipping the differential test against checkpolicy/sesearch/libsepol: ${missing}`);

/** The optional constructs this build's language accepts (a partner adds them): each is generated once it parses. */
function accepts(te: string, afterUsers = ''): boolean {
  const text = `class process\nsid kernel\nclass process { fork }\ntype t;\n${te}\nrole r;\nrole r types t;\nuser u roles r;\n${afterUsers}\nsid kernel u:r:t\n`;
  try { loadPolicy(text, 'probe.conf'); return true; } catch { return false; }
}
const features: Features = {
  booleans: accepts('bool b true;\nif (b) { allow t t:process fork; }'),
  typeChange: accepts('type_change t t:process t;\ntype_member t t:process t;'),
  constraints: accepts('', 'constrain process fork ( t1 == t2 );'),
};

const SEED = 20261201;
const RUNS = 100;
const dir = mkdtempSync(join(tmpdir(), 'mksim-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Ours = { ok: true; policy: CompiledPolicy; rules: PolicyRules } | { ok: false; error: string };

function ours(text: string): Ours {
  try {
    const ast = parsePolicy(text, 'gen.conf');
    const policy = compilePolicy(ast, text);
    return { ok: true, policy, rules: policyRules(ast, policy) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

interface OracleResult { rules: Record<string, string[]>; decisions: Record<string, [number, [string, number][]]> }

/** audit2why's codes (libselinux audit2why.c). */
const CODE: Record<WhyReason['kind'], number> = { allowed: 0, dontaudit: 1, terule: 2, boolean: 3, constraint: 4, rbac: 5, unknown: -1 };

const reproduce = (g: GeneratedPolicy): string => `\n--- policy (seed ${SEED}) ---\n${g.text}---`;

describe.skipIf(missing !== null)('random policies: mksim against checkpolicy, sesearch and libsepol', () => {
  const samples = fc.sample(policyArb(features), { seed: SEED, numRuns: RUNS });
  const compiled = samples.map((g, i) => ({ g, real: checkpolicy(g.text, dir, `p${i}`), mine: ours(g.text) }));
  const both = compiled.filter((c) => c.real.ok && c.mine.ok);

  it('accept and refuse the same policies', () => {
    for (const c of compiled) {
      expect(c.mine.ok, `checkpolicy: ${c.real.ok ? 'accepted' : c.real.stderr}\nmksim: ${c.mine.ok ? 'accepted' : c.mine.error}${reproduce(c.g)}`).toBe(c.real.ok);
    }
    expect(both.length).toBeGreaterThan(RUNS / 3);
    expect(both.length).toBeLessThan(RUNS);
  });

  const oracle = (): OracleResult[] => {
    const jobs = both.map((c) => ({ bin: c.real.bin, user: 'uu', types: c.g.types, roles: c.g.roles, classes: c.g.classes }));
    return JSON.parse(execFileSync('/usr/bin/python3', [ORACLE], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 256 << 20 })) as OracleResult[];
  };
  let results: OracleResult[] | null = null;
  const answers = (): OracleResult[] => (results ??= oracle());

  it('policy query prints what sesearch prints, for every rule kind', () => {
    const got = answers();
    let lines = 0;
    both.forEach((c, i) => {
      if (!c.mine.ok) return;
      for (const kind of RULE_KINDS) {
        const r = searchRules(c.mine.policy, c.mine.rules, { kinds: new Set([kind]) });
        expect(r.ok).toBe(true);
        const want = got[i]!.rules[kind]!;
        lines += want.length;
        expect(r.ok ? r.lines : [], `sesearch --${kind}${reproduce(c.g)}`).toEqual(want);
      }
    });
    expect(lines).toBeGreaterThan(both.length * 4);
  });

  it('every decision equals libsepol\'s, and audit2allow -w gives audit2why\'s reason for each denial', () => {
    const got = answers();
    const seen = new Map<number, number>();
    both.forEach((c, i) => {
      if (!c.mine.ok) return;
      const policy = c.mine.policy;
      for (const [key, [code, bools]] of Object.entries(got[i]!.decisions)) {
        const [s, t, cls, perm, r1, r2] = key.split(' ') as [string, string, string, string, string, string];
        const scon = { user: 'uu', role: r1, type: s };
        const tcon = { user: 'uu', role: r2, type: t };
        const av = computeAv(policy, scon, tcon, cls);
        const bit = permBit(policy.classes[policy.classIndex.get(cls)!]!, perm);
        const allowed = av.ok && (av.value.allowed & bit) === bit;
        expect(allowed, `${key}: libsepol says ${code === 0 ? 'allowed' : `denied (${code})`}${reproduce(c.g)}`).toBe(code === 0);
        const why = whyDenied(policy, { stype: s, ttype: t, tclass: cls, perms: [perm], scontext: scon, tcontext: tcon });
        expect(CODE[why.kind], `audit2why reason for ${key}: ${JSON.stringify(why)}${reproduce(c.g)}`).toBe(code);
        if (why.kind === 'boolean') expect(why.bools.map(([b, v]) => [b, v ? 1 : 0]), `booleans for ${key}${reproduce(c.g)}`).toEqual(bools);
        seen.set(code, (seen.get(code) ?? 0) + 1);
      }
    });
    // Every outcome must occur, or the comparison proves little (booleans and constraints once the language has them).
    const codes = [0, 1, 2, 5, ...(features.booleans ? [3] : []), ...(features.constraints ? [4] : [])];
    for (const code of codes) expect(seen.get(code) ?? 0, `decisions with audit2why code ${code}`).toBeGreaterThan(10);
  });

  it('the sesearch command line agrees with policy query on sampled policies', () => {
    for (const c of both.slice(0, 3)) {
      if (!c.mine.ok) continue;
      const real = execFileSync('sesearch', ['-A', '-s', 'ty0_t', c.real.bin], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
      const mine = searchRules(c.mine.policy, c.mine.rules, { kinds: new Set(['allow']), source: 'ty0_t' });
      expect(mine.ok ? mine.lines : [], reproduce(c.g)).toEqual(real);
    }
  });
});
