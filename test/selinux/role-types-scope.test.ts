/*
 * `role R types ATTR` expands ATTR by the members added so far in libsepol's decl order: the global block's,
 * and those of the optional blocks up to the statement's own; a global statement sees only the global
 * block's. Each case is compiled by checkpolicy and read back with seinfo; mksim must give R the same types.
 * (The reference policy showed it: webadm_r got the httpd_script_domains members of later optional blocks.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../servers/security/compile.js';

const tools = ['checkpolicy', 'seinfo'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'mksim-role-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'class process\nclass file\nsid kernel\nclass process { fork transition }\nclass file { read }\n'
  + 'attribute A;\ntype k_t;\ntype g_t, A;\nallow k_t k_t:file read;\n';
const TAIL = 'role r;\nrole r types k_t;\nuser u roles { r R };\nsid kernel u:r:k_t\n';

const CASES: readonly (readonly [string, string])[] = [
  ['global statement, member added in an optional block', 'role R;\nrole R types A;\noptional { require { attribute A; } type o_t, A; }\n'],
  ['statement and member in the same optional block', 'role R;\noptional { require { attribute A; role R; } type o_t, A; role R types A; }\n'],
  ['member in an earlier optional block', 'role R;\noptional { require { attribute A; } type o_t, A; }\noptional { require { attribute A; role R; } role R types A; }\n'],
  ['member in a later optional block', 'role R;\noptional { require { attribute A; role R; } role R types A; }\noptional { require { attribute A; } type o_t, A; }\n'],
  ['typeattribute of a global type in an optional block', 'type h_t;\nrole R;\nrole R types A;\noptional { require { attribute A; type h_t; } typeattribute h_t A; }\n'],
  ['global typeattribute after the optional statement', 'type h_t;\nrole R;\noptional { require { attribute A; role R; } role R types A; }\ntypeattribute h_t A;\n'],
  ['global statement, global member declared later', 'role R;\nrole R types A;\ntype h_t, A;\n'],
];

describe.skipIf(!tools)('role types of an attribute, scoped by optional blocks as libsepol expands them', () => {
  it.each(CASES.map((c, i) => [c[0], c[1], i] as const))('%s', (_name, te, i) => {
    const text = `${HEAD}${te}${TAIL}`;
    const conf = join(dir, `c${i}.conf`);
    const bin = join(dir, `c${i}.bin`);
    writeFileSync(conf, text);
    execFileSync('checkpolicy', ['-o', bin, conf], { stdio: 'ignore' });
    const line = execFileSync('seinfo', ['-r', 'R', '-x', bin], { encoding: 'utf8' });
    const theirs = /role R types (\{[^}]*\}|\S+);/.exec(line)![1]!.replace(/[{}]/g, ' ').trim().split(/\s+/).sort();
    const p = loadPolicy(text, conf);
    expect([...p.roleTypes.get('R')!].map((t) => p.types[t]).sort()).toEqual(theirs);
  });
});
