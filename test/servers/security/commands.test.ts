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

  it('policy query prints sorted effective permissions with attributes expanded, nothing when none', () => {
    const r = mksim('policy', 'query', BASE, '-s', 'user_t', '-t', 'etc_t', '-c', 'file');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('allow user_t etc_t:file { getattr open read };\n');
    const none = mksim('policy', 'query', BASE, '-s', 'user_t', '-t', 'shadow_t', '-c', 'file');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    const attr = mksim('policy', 'query', BASE, '-s', 'domain', '-t', 'etc_t', '-c', 'file');
    expect(attr.code).toBe(2);
    expect(attr.stderr).toMatch(/domain is an attribute/);
  });

  it('audit2allow prints the rules for the denials of a trace', () => {
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, '{"seq":1,"t":0,"ev":"avc","decision":"denied","perms":["write"],"scontext":"user_u:user_r:user_t","tcontext":"system_u:object_r:shadow_t","tclass":"file","permissive":0}\n');
    const r = mksim('audit2allow', trace);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('#============= user_t ==============\nallow user_t shadow_t:file write;\n');
  });
});
