import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mksim } from '../../support/mksim.js';

const BASE = join(process.cwd(), 'examples', 'policy', 'base.conf');
const dir = mkdtempSync(join(tmpdir(), 'mksim-policy-cli-'));


describe('mksim policy and audit2allow', () => {

  it('policy check accepts the base policy (exit 0)', () => {
    const r = mksim('policy', 'check', BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 13 classes, 17 types/);
  });

  it('policy check refuses a broken policy with file:line:column and no stack (exit 2)', () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, readFileSync(BASE, 'utf8').replace('allow user_t passwd_t:process transition;', 'allow user_t nosuch_t:process transition;'));
    const r = mksim('policy', 'check', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^mksim: ${bad.replace(/[.]/g, '\\.')}:\\d+:14: unknown type nosuch_t\\n`));
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('policy query prints the matching rules as sesearch does (attributes as written), --effective the expanded permissions', () => {
    const r = mksim('policy', 'query', BASE, '-s', 'user_t', '-t', 'etc_t', '-c', 'file');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('allow domain etc_t:file { getattr open read };\n');
    const eff = mksim('policy', 'query', BASE, '--effective', '-s', 'user_t', '-t', 'etc_t', '-c', 'file');
    expect(eff.stdout).toBe('allow user_t etc_t:file { getattr open read };\n');
    const none = mksim('policy', 'query', BASE, '-s', 'user_t', '-t', 'shadow_t', '-c', 'file');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    const attr = mksim('policy', 'query', BASE, '--effective', '-s', 'domain', '-t', 'etc_t', '-c', 'file');
    expect(attr.code).toBe(2);
    expect(attr.stderr).toMatch(/domain is an attribute/);
    const unknown = mksim('policy', 'query', BASE, '-s', 'nosuch_t');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nosuch_t is not a valid type or attribute\n$/);
  });

  it('policy query -b: the sesearch filter on conditional rules (printed with their condition), or NAME=VALUE to answer with booleans set', () => {
    const conf = join(dir, 'bools.conf');
    writeFileSync(conf, readFileSync(BASE, 'utf8').replace('# passwd: user_t runs', 'bool use_tmp false;\nbool user_rw true;\nif (!use_tmp && user_rw) { allow user_t shadow_t:file read; } else { allow user_t shadow_t:file getattr; }\n# passwd: user_t runs'));
    const rules = mksim('policy', 'query', conf, '-A', '-b', 'user_rw');
    expect(rules.code).toBe(0);
    // checkpolicy's RPN is use_tmp ! user_rw &&; setools prints the right operand first.
    expect(rules.stdout).toBe('allow user_t shadow_t:file getattr; [ user_rw && ! use_tmp ]:False\nallow user_t shadow_t:file read; [ user_rw && ! use_tmp ]:True\n');
    expect(mksim('policy', 'query', conf, '-s', 'user_t', '-t', 'shadow_t', '-c', 'file', '-b', 'use_tmp=0').stdout).toBe('allow user_t shadow_t:file { read };\n');
    expect(mksim('policy', 'query', conf, '-s', 'user_t', '-t', 'shadow_t', '-c', 'file', '-b', 'use_tmp=1').stdout).toBe('allow user_t shadow_t:file { getattr };\n');
    const bad = mksim('policy', 'query', conf, '-A', '-b', 'nosuch');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nosuch is not a valid boolean/);
  });

  it('policy compile writes a file that queries read; a corrupt or other-version file is refused (exit 2)', () => {
    const out = join(dir, 'base.mkpol');
    expect(mksim('policy', 'compile', BASE, '-o', out).code).toBe(0);
    const fromText = mksim('policy', 'query', BASE, '-A', '-T', '--role_allow');
    const fromFile = mksim('policy', 'query', out, '-A', '-T', '--role_allow');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(fromText.stdout);
    expect(fromFile.stdout.split('\n').length).toBeGreaterThan(10);
    const text = readFileSync(out, 'utf8');
    const cut = join(dir, 'cut.mkpol');
    writeFileSync(cut, text.slice(0, text.length / 2));
    const r = mksim('policy', 'query', cut, '-A');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mksim: ${cut}: corrupt compiled policy: checksum mismatch (truncated or edited)\n`);
    const old = join(dir, 'old.mkpol');
    writeFileSync(old, text.replace(/^mksim-policy \d+ /, 'mksim-policy 0 '));
    expect(mksim('policy', 'query', old, '-A').stderr).toMatch(/format version 0, but this mksim reads version 1: recompile it/);
  });

  it('policy query --batch runs one search per line, each after its header; a bad line is file:line:column', () => {
    const batch = join(dir, 'q.txt');
    writeFileSync(batch, '# searches\n-A -s user_t -t etc_t -c file\n\n--role_allow -s system_r\n');
    const r = mksim('policy', 'query', BASE, '--batch', batch);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      '# -A -s user_t -t etc_t -c file', 'allow domain etc_t:file { getattr open read };',
      '# --role_allow -s system_r', ...mksim('policy', 'query', BASE, '--role_allow', '-s', 'system_r').stdout.trim().split('\n'), '',
    ].join('\n'));
    writeFileSync(batch, '-A\n-A -c nosuch\n');
    const bad = mksim('policy', 'query', BASE, '--batch', batch);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^mksim: ${batch.replace(/[.]/g, '\\.')}:2:7: nosuch is not a valid class\n`));
  });

  it('audit2allow prints the rules for the denials of a trace', () => {
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, '{"seq":1,"t":0,"ev":"avc","decision":"denied","perms":["write"],"scontext":"user_u:user_r:user_t","tcontext":"system_u:object_r:shadow_t","tclass":"file","permissive":0}\n');
    const r = mksim('audit2allow', trace);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('#============= user_t ==============\nallow user_t shadow_t:file write;\n');
  });

  it('audit2allow reads audit.log lines (mksim --audit and the kernel, MLS ranges too), skips other records and grants, writes self', () => {
    const log = join(dir, 'audit.log');
    writeFileSync(log, [
      'type=AVC msg=audit(0.000:1): avc:  denied  { write } for  pid=2 comm="alice" name="shadow" dev="disk0" ino=4 scontext=user_u:user_r:user_t tcontext=system_u:object_r:shadow_t tclass=file permissive=0',
      'type=SYSCALL msg=audit(1700000000.123:45): arch=c000003e syscall=2 success=no exit=-13',
      'type=AVC msg=audit(1700000000.123:45): avc:  denied  { read } for pid=811 comm="cat" scontext=user_u:user_r:user_t:s0 tcontext=user_u:user_r:user_t:s0 tclass=file permissive=0',
      'type=AVC msg=audit(1700000000.124:46): avc:  denied  { getattr read } for pid=811 comm="cat" scontext=user_u:user_r:user_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=1',
      'type=AVC msg=audit(0.000:3): avc:  granted  { write } for  pid=3 comm="pw" scontext=user_u:user_r:passwd_t tcontext=system_u:object_r:shadow_t tclass=file',
      '',
    ].join('\n'));
    const r = mksim('audit2allow', log);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('#============= user_t ==============\nallow user_t self:file read;\nallow user_t shadow_t:file { getattr read write };\n');
    writeFileSync(log, 'type=AVC msg=audit(0.000:1): avc:  denied  { write } for scontext=user_u:user_r:user_t tclass=file\nnot a record\n');
    const bad = mksim('audit2allow', log);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^mksim: ${log.replace(/[.]/g, '\\.')}:1:\\d+: avc record needs tcontext=\\n`));
  });

  it('audit2allow -w says why each denial happened: a missing TE rule, a role pair, dontaudit, or now allowed', () => {
    const policy = join(dir, 'why.conf');
    writeFileSync(policy, readFileSync(BASE, 'utf8').replace('allow user_r system_r;', ''));
    const log = join(dir, 'why.log');
    const rec = (perms: string, s: string, t: string, c: string) => `type=AVC msg=audit(0.000:1): avc:  denied  { ${perms} } for  pid=2 comm="a" scontext=${s} tcontext=${t} tclass=${c} permissive=0`;
    writeFileSync(log, [
      rec('write', 'user_u:user_r:user_t', 'system_u:object_r:shadow_t', 'file'),
      rec('transition', 'user_u:user_r:user_t', 'user_u:system_r:passwd_t', 'process'),
      rec('getattr', 'user_u:user_r:user_t', 'system_u:object_r:shadow_t', 'file'),
      rec('read', 'user_u:user_r:user_t', 'system_u:object_r:etc_t', 'file'),
    ].join('\n') + '\n');
    expect(mksim('audit2allow', '-w', log).code).toBe(2);
    const r = mksim('audit2allow', '-w', '-p', policy, log);
    expect(r.code).toBe(0);
    const causes = r.stdout.split('\n').filter((l) => l.startsWith('\t\t') && !l.startsWith('\t\t\t')).map((l) => l.trim()).filter((l) => l !== '');
    expect(causes).toEqual([
      'Missing type enforcement (TE) allow rule.',
      'You can use audit2allow to generate a rule to allow this access: allow user_t shadow_t:file write;',
      'Missing role allow rule.',
      'Add an allow rule for the role pair: allow user_r system_r;',
      "Unknown - should be dontaudit'd by active policy",
      'Possible mismatch between this policy and the one under which the audit message was generated.',
      'Unknown - would be allowed by active policy',
      'Possible mismatch between this policy and the one under which the audit message was generated.',
    ]);
  });
});

