/*
 * What the reference policy needed beyond the language tests, each accepted or
 * refused as checkpolicy does, and the attribute-keyed avtab: rules kept as
 * written (one entry for an attribute rule), decisions through the attributes,
 * neverallow reporting every violation.
 *   (vitest cases only)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../servers/security/compile.js';
import { lookupAv, permNames, type CompiledPolicy } from '../../servers/security/policy.js';
import { checkpolicy, toolsMissing } from './libsepol.js';

const missing = toolsMissing();

function policy(te: string, opts: { sid?: string; portcon?: string } = {}): string {
  return [
    'class file', 'class dir', 'class process', 'sid kernel',
    'class file { read write getattr }', 'class dir { search }', 'class process { transition }',
    'bool b true;',
    'type ta;', 'type tb;', 'type tc;', 'attribute at;', 'typeattribute ta at;', 'typeattribute tb at;', 'typeattribute tc at;',
    'role r;', 'role r types { ta tc };',
    te,
    'user u roles r;',
    `sid kernel ${opts.sid ?? 'u:r:ta'}`,
    opts.portcon ?? '',
    '',
  ].join('\n');
}

function ours(text: string): string | null {
  try { loadPolicy(text, 'rp.conf'); return null; } catch (err) { return (err as Error).message; }
}

const dir = mkdtempSync(join(tmpdir(), 'mksim-refpol-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: [string, string, { sid?: string; portcon?: string }, string?][] = [
  ['require inside an if branch (the reference policy\'s interfaces in tunable blocks)', 'if (b) { require { type tb; } allow ta tb:file read; }', {}],
  ['an unmet require inside a top-level if: the global block\'s requirement', 'if (b) { require { type zz; } allow ta ta:file read; }', {}, "global block's requirements are not met: type zz"],
  ['an unmet require inside an if inside an optional drops the block', 'optional { if (b) { require { type zz; } allow ta zz:file read; } }', {}],
  ['portcon for sctp and dccp', '', { portcon: 'portcon sctp 1024-65535 u:r:ta\nportcon dccp 5 u:r:ta\nportcon tcp 22 u:r:ta' }],
  ['a quoted file name with spaces and dots', 'type_transition ta tb:file tc "a b.c~+:";', {}],
  ['a quoted file name with a slash', 'type_transition ta tb:file tc "a/b";', {}, "may not contain '/'"],
  ['every violation counted, at most 50 listed', 'type t1a; type t1b; type t1c; type t1d; type t1e; type t1f; type t1g; typeattribute t1a at; typeattribute t1b at; typeattribute t1c at; typeattribute t1d at; typeattribute t1e at; typeattribute t1f at; typeattribute t1g at;\nallow at at:file read;\nneverallow at at:file read;', {}, '100 neverallow failures occurred (the first 50 shown)'],
];

describe.skipIf(missing !== null)('reference policy constructs, as checkpolicy decides', () => {
  it.each(CASES.map((c, i) => [c[0], c, i] as const))('%s', (_name, [, te, opts, message], i) => {
    const text = policy(te, opts);
    const real = checkpolicy(text, dir, `c${i}`);
    const mine = ours(text);
    expect(mine === null, `policy:\n${text}\ncheckpolicy: ${real.stderr}\nmksim: ${mine}`).toBe(real.ok);
    if (message !== undefined) expect(mine).toContain(message);
    if (mine !== null) expect(mine).toMatch(/^rp\.conf:\d+:\d+: /);
  });
});

describe('the attribute-keyed avtab', () => {
  const av = (p: CompiledPolicy, s: string, t: string, c: string): string[] => {
    const cls = p.classIndex.get(c)!;
    return permNames(p.classes[cls]!, lookupAv(p, p.typeLookup.get(s)!, p.typeLookup.get(t)!, cls).allowed);
  };

  it('keeps a rule on attributes as one entry, as libsepol\'s avtab does, and decides through the attributes', () => {
    const p = loadPolicy(policy('allow at at:file read;\nallow ta tb:file write;\nallow at self:dir search;'), 'rp.conf');
    // at x at: one entry (not 3 x 3); ta tb: one; self: one per member type.
    expect(p.avtab.size).toBe(1 + 1 + 3);
    expect(av(p, 'ta', 'tb', 'file')).toEqual(['read', 'write']);
    expect(av(p, 'tc', 'ta', 'file')).toEqual(['read']);
    expect(av(p, 'ta', 'ta', 'dir')).toEqual(['search']);
    expect(av(p, 'ta', 'tb', 'dir')).toEqual([]);
  });

  it('ORs the conditional rules the booleans enable over the same keys', () => {
    const p = loadPolicy(policy('if (b) { allow at tb:file getattr; } else { allow ta at:file write; }'), 'rp.conf');
    expect(av(p, 'tc', 'tb', 'file')).toEqual(['getattr']);
    expect(av(p, 'ta', 'tc', 'file')).toEqual([]);
  });
});
