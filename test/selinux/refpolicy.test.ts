/*
 * The Debian reference policy (selinux-policy-src, monolithic, non-MLS: ~3.2 M
 * lines of policy.conf) loads in mksim, and its access vectors equal what
 * checkpolicy compiled, read by setools (refpolicy-rules.py), on thousands of
 * random (source type, target type, class) triples.
 *   refpolicyConf()   policy.conf built once (`make policy.conf`), cached in the temp directory
 * Skips, saying why, without selinux-policy-src, checkpolicy or setools (.ci/run installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../kernel/random.js';
import { loadPolicy } from '../../servers/security/compile.js';
import { lookupAv, permNames, type CompiledPolicy } from '../../servers/security/policy.js';

const TARBALL = '/usr/src/selinux-policy-src.tar.zst';
const PYTHON = '/usr/bin/python3';
const RULES = join(dirname(fileURLToPath(import.meta.url)), 'refpolicy-rules.py');
/** Triples drawn uniformly, from mksim's own rules, and from setools' rules: each. */
const PER_SOURCE = 1000;
const SEED = 14;

function missing(): string | null {
  if (!existsSync(TARBALL)) return `${TARBALL} missing (apt-get install -y selinux-policy-src)`;
  for (const tool of ['checkpolicy', 'make', 'm4', 'zstd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} not installed`;
  }
  if (spawnSync(PYTHON, ['-c', 'import setools']).status !== 0) return 'python3 setools module missing (apt-get install -y setools)';
  return null;
}

/** policy.conf and checkpolicy's policy.bin, built once per installed tarball and kept in the temp directory. */
function refpolicyBuild(): { conf: string; bin: string } {
  const st = statSync(TARBALL);
  // Kept across runs: the machine's temp directory, not the run's (test/setup/tmpdir.ts).
  const dir = join(process.env.MKSIM_TEST_CACHE_DIR ?? tmpdir(), `mksim-refpolicy-${st.size}-${Math.floor(st.mtimeMs)}`);
  const conf = join(dir, 'policy.conf');
  const bin = join(dir, 'policy.bin');
  if (existsSync(conf) && existsSync(bin)) return { conf, bin };
  const work = `${dir}.tmp${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('tar', ['--zstd', '-xf', TARBALL, '-C', work]);
  const src = join(work, 'selinux-policy-src');
  // Monolithic and non-MLS, as mksim's policies are (Debian's default is modular mcs).
  const buildConf = join(src, 'build.conf');
  writeFileSync(buildConf, readFileSync(buildConf, 'utf8').replace(/^TYPE = .*$/m, 'TYPE = standard').replace(/^MONOLITHIC = .*$/m, 'MONOLITHIC = y'));
  execFileSync('make', ['-C', src, 'policy.conf'], { stdio: 'ignore' });
  execFileSync('checkpolicy', ['-o', join(src, 'policy.bin'), join(src, 'policy.conf')], { stdio: 'ignore' });
  mkdirSync(dir, { recursive: true });
  renameSync(join(src, 'policy.bin'), bin);
  renameSync(join(src, 'policy.conf'), conf);
  rmSync(work, { recursive: true, force: true });
  return { conf, bin };
}

type Answer = { allow: string[]; auditallow: string[]; dontaudit: string[] };

function mksimAnswer(policy: CompiledPolicy, s: string, t: string, c: string): Answer {
  const cls = policy.classIndex.get(c)!;
  const e = lookupAv(policy, policy.typeLookup.get(s)!, policy.typeLookup.get(t)!, cls);
  const pc = policy.classes[cls]!;
  return { allow: permNames(pc, e.allowed), auditallow: permNames(pc, e.auditallow), dontaudit: permNames(pc, e.dontaudit) };
}

const why = missing();

describe.skipIf(why !== null)('the Debian reference policy', () => {
  let policy: CompiledPolicy;
  let bin: string;

  beforeAll(() => {
    const built = refpolicyBuild();
    bin = built.bin;
    policy = loadPolicy(readFileSync(built.conf, 'utf8'), built.conf);
  }, 300_000);

  it('loads: as many types, attributes, classes, booleans and roles as checkpolicy compiled', () => {
    const info = execFileSync(PYTHON, ['-c', [
      'import setools, sys, json',
      'p = setools.SELinuxPolicy(sys.argv[1])',
      'print(json.dumps([p.type_count, p.type_attribute_count, p.class_count, p.boolean_count, p.role_count]))',
    ].join('\n'), bin], { encoding: 'utf8' });
    const [types, attributes, classes, booleans, roles] = JSON.parse(info) as number[];
    expect(policy.types.length).toBe(types);
    expect(policy.classes.length).toBe(classes);
    expect(policy.booleans.length).toBe(booleans);
    // checkpolicy counts object_r among the roles, as mksim does; attributes it did not drop (libsepol
    // removes unused ones from the binary) are a subset of mksim's.
    expect(policy.roleTypes.size).toBe(roles);
    expect(policy.attributes.size).toBeGreaterThanOrEqual(attributes!);
  });

  it('gives every role the types checkpolicy gave it (role R types ATTR sees the members of decls so far)', () => {
    const roles = JSON.parse(execFileSync(PYTHON, ['-c', [
      'import setools, sys, json',
      'p = setools.SELinuxPolicy(sys.argv[1])',
      'print(json.dumps({str(r): sorted(str(t) for t in r.types()) for r in p.roles()}))',
    ].join('\n'), bin], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, string[]>;
    const mine: Record<string, string[]> = {};
    for (const [role, types] of policy.roleTypes) mine[role] = [...types].map((t) => policy.types[t]!).sort();
    expect(mine).toEqual(roles);
  });

  it(`agrees with setools on allow, auditallow and dontaudit for ${3 * PER_SOURCE} random (source, target, class) triples`, () => {
    const prng = new Prng(SEED);
    const triples: [string, string, string][] = [];
    // Uniform: mostly nothing allowed, which must agree too.
    for (let i = 0; i < PER_SOURCE; i++) {
      triples.push([policy.types[prng.below(policy.types.length)]!, policy.types[prng.below(policy.types.length)]!, policy.classes[prng.below(policy.classes.length)]!.name]);
    }
    // From mksim's own attribute-keyed allow entries, a random member type of each key.
    const entries = [...policy.avtab].filter(([, e]) => e.allowed !== 0).map(([key]) => key);
    const attributeOfKey = new Map([...policy.attributeKeys].map(([name, key]) => [key, name]));
    const members = (key: number): readonly number[] => (key < policy.types.length ? [key] : policy.attributes.get(attributeOfKey.get(key)!)!);
    const nClasses = policy.classes.length;
    for (let n = 0; triples.length < 2 * PER_SOURCE && n < 20 * PER_SOURCE; n++) {
      const key = entries[prng.below(entries.length)]!;
      const c = key % nClasses;
      const pair = (key - c) / nClasses;
      const tk = pair % policy.keyCount;
      const sk = (pair - tk) / policy.keyCount;
      const ss = members(sk);
      const ts = members(tk);
      if (ss.length === 0 || ts.length === 0) continue;
      triples.push([policy.types[ss[prng.below(ss.length)]!]!, policy.types[ts[prng.below(ts.length)]!]!, policy.classes[c]!.name]);
    }
    const out = execFileSync(PYTHON, [RULES], { input: JSON.stringify({ bin, triples, picks: PER_SOURCE, seed: SEED }), encoding: 'utf8', maxBuffer: 256 << 20 });
    const { picked, answers } = JSON.parse(out) as { picked: [string, string, string][]; answers: Answer[] };
    const all = [...triples, ...picked];
    expect(all.length).toBe(3 * PER_SOURCE);
    expect(answers.length).toBe(all.length);
    const differ: string[] = [];
    let allowedSome = 0;
    all.forEach(([s, t, c], i) => {
      const mine = mksimAnswer(policy, s, t, c);
      if (mine.allow.length > 0) allowedSome++;
      if (JSON.stringify(mine) !== JSON.stringify(answers[i])) differ.push(`${s} ${t}:${c} mksim ${JSON.stringify(mine)} setools ${JSON.stringify(answers[i])}`);
    });
    expect(differ.slice(0, 5)).toEqual([]);
    // The sample reaches real rules: at least the two thirds drawn from rules allow something.
    expect(allowedSome).toBeGreaterThanOrEqual(2 * PER_SOURCE - 50);
  }, 240_000);
});
