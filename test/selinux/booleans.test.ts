import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { loadPolicy } from '../../servers/security/compile.js';
import { parseContext, withBooleans } from '../../servers/security/policy.js';
import { computeAv } from '../../servers/security/services.js';
import { bootWith, testPolicy } from '../servers/security/mac-helpers.js';

/*
 * Booleans at run time: setsebool commits through the security server
 * (security:setbool, as sel_write_bool + sel_commit_bools_write), the
 * policy seqno moves so every AVC drops what it cached, and the next
 * decision follows the conditional rules the new values select.
 */

const HEAD = ['disk disk0 create=2M model=ramdisk', 'fs root=disk0 cache=64', 'clock mode=tickless', 'security policy=policy.conf mode=enforcing'].join('\n') + '\n';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** testPolicy with setbool in the security class, a boolean and a conditional write rule. */
function boolPolicy(extra: readonly string[] = []): string {
  return testPolicy([
    'bool user_write_file false;',
    'if (user_write_file) { allow user_t file_t:file { write open append }; } else { dontaudit user_t file_t:file append; }',
    'allow user_t file_t:file { read open getattr };',
    'allow user_t unlabeled_t:dir { search };',
    'allow user_t dir_t:dir { search };',
    ...extra,
  ]).replace('class security { compute_av compute_create check_context load_policy setenforce }', 'class security { compute_av compute_create check_context load_policy setenforce setbool }');
}

const SCRIPT = HEAD
  + 'process init uid=0 context=system_u:system_r:init_t\n'
  + '    write /f.txt "one"\n'
  + '    setfilecon /f.txt system_u:object_r:file_t\n'
  + '    spawn user\n    wait user\n    getsebool\n'
  + 'process user uid=0 context=user_u:user_r:user_t\n'
  + '    cat /f.txt\n'
  + '    expect EACCES write /f.txt "two"\n'
  + '    getsebool user_write_file\n'
  + '    setsebool user_write_file on\n'
  + '    getsebool user_write_file\n'
  + '    write /f.txt "two"\n'
  + '    cat /f.txt\n'
  + '    setsebool user_write_file 0\n'
  + '    expect EACCES write /f.txt "three"\n';

describe('setsebool and getsebool (security:setbool; the commit flushes every AVC)', () => {
  it('a boolean turned on allows the conditional rule at once, and off denies it again, though the AVC had cached the decision', () => {
    const r = bootWith(SCRIPT, boolPolicy(['allow user_t unlabeled_t:security setbool;']));
    dirs.push(r.dir);
    expect(r.stdout).toEqual([
      'user: one', 'user: user_write_file --> off', 'user: user_write_file --> on', 'user: two',
      'init: user_write_file --> off',
    ]);
    // Both denials (before on, after off) are audited; the second shows the AVC did not keep the allow it cached while on.
    expect(r.audit.length).toBe(2);
    expect(r.audit[1]).toMatch(/avc:  denied  \{ write \} for  pid=\d+ comm="user" .*scontext=user_u:user_r:user_t tcontext=system_u:object_r:file_t tclass=file permissive=0$/);
    expect(r.code).toBe(0);
  });

  it('without security:setbool the boolean stays as it was (EACCES, audited), and a non-root caller gets EPERM', () => {
    const r = bootWith(SCRIPT.replace('    write /f.txt "two"\n    cat /f.txt\n', '    expect EACCES write /f.txt "two"\n'), boolPolicy());
    dirs.push(r.dir);
    expect(r.stdout).toContain('user: setsebool: EACCES');
    expect(r.stdout.filter((l) => l.includes('-->'))).toEqual(['user: user_write_file --> off', 'user: user_write_file --> off', 'init: user_write_file --> off']);
    expect(r.audit.some((l) => /denied  \{ setbool \} .*tclass=security/.test(l))).toBe(true);
    const nonRoot = bootWith(SCRIPT.replace('process user uid=0', 'process user uid=1000'), boolPolicy(['allow user_t unlabeled_t:security setbool;']));
    dirs.push(nonRoot.dir);
    expect(nonRoot.stdout).toContain('user: setsebool: EPERM');
  });

  it('an unknown boolean is ENOENT, and a malformed setsebool is refused before boot at file:line:column', () => {
    const r = bootWith(HEAD + 'process init uid=0 context=system_u:system_r:init_t\n    expect ENOENT setsebool nosuch 1\n    expect ENOENT getsebool nosuch\n', boolPolicy());
    dirs.push(r.dir);
    expect(r.stdout).toEqual([]);
    expect(r.code).toBe(0);
    // bootScript throws the ParseError the command line prints with exit 2.
    expect(() => bootWith(HEAD + 'process init uid=0 context=system_u:system_r:init_t\n    setsebool user_write_file maybe\n', boolPolicy()))
      .toThrow(/test\.boot:6:\d+: setsebool takes NAME VALUE pairs/);
  });
});

describe('withBooleans (security_set_bools on a compiled policy)', () => {
  it('selects the branch of each conditional and leaves the original policy as it was', () => {
    const p = loadPolicy(boolPolicy(), 'b.conf');
    const user = parseContext('user_u:user_r:user_t')!;
    const file = parseContext('system_u:object_r:file_t')!;
    const writeBit = 1 << p.classes[p.classIndex.get('file')!]!.perms.indexOf('write');
    const before = computeAv(p, user, file, 'file');
    const on = withBooleans(p, new Map([['user_write_file', true]]))!;
    const after = computeAv(on, user, file, 'file');
    expect(before.ok && (before.value.allowed & writeBit)).toBe(0);
    expect(after.ok && (after.value.allowed & writeBit)).toBe(writeBit);
    expect(p.boolValues).toEqual([false]);
    expect(on.boolValues).toEqual([true]);
    expect(withBooleans(p, new Map([['nosuch', true]]))).toBeNull();
  });
});

describe('examples/selinux-booleans.boot', () => {
  it('denies the write in /tmp before setsebool and allows it after', async () => {
    const { bootScript } = await import('../../cli/commands/boot.js');
    const out: string[] = [];
    const err: string[] = [];
    const code = bootScript('examples/selinux-booleans.boot', {}, (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(0);
    expect(out).toEqual(['init: user_write_tmp --> off', 'after: hello', 'init: user_write_tmp --> off']);
    expect(err.filter((l) => l.startsWith('type=AVC'))).toEqual([expect.stringMatching(/denied  \{ create \} for  pid=2 comm="before" .*tclass=file permissive=0$/)]);
  });
});
