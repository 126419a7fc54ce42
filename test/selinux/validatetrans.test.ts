import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { bootWith, testPolicy } from '../servers/security/mac-helpers.js';

/*
 * validatetrans on a relabel (selinux_inode_setxattr -> security_validate_transition):
 * after relabelfrom, relabelto and filesystem:associate pass, the policy's
 * validatetrans for the class must hold for (old, new, task), else EPERM in
 * enforcing mode with a SELINUX_ERR record, and the label stays.
 */

const HEAD = ['disk disk0 create=2M model=ramdisk', 'fs root=disk0 cache=64', 'clock mode=tickless', 'security policy=policy.conf mode=MODE'].join('\n') + '\n';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function policy(validatetrans: string): string {
  return testPolicy([
    'allow user_t file_t:file { relabelfrom getattr };',
    'allow user_t new_t:file { relabelto getattr };',
    'allow user_t dir_t:dir search;',
  ]).replace('sid kernel system_u:system_r:kernel_t', `${validatetrans}\nsid kernel system_u:system_r:kernel_t`);
}

const SCRIPT = 'process init uid=0 context=system_u:system_r:init_t\n'
  + '    write /a.txt "a"\n    write /b.txt "b"\n'
  + '    setfilecon /a.txt system_u:object_r:file_t\n    setfilecon /b.txt system_u:object_r:file_t\n'
  + '    setfilecon /a.txt system_u:object_r:new_t\n'
  + '    spawn user\n    wait user\n    getfilecon /a.txt\n    getfilecon /b.txt\n'
  + 'process user uid=0 context=user_u:user_r:user_t\n'
  + '    setfilecon /b.txt system_u:object_r:new_t\n';

describe('validatetrans on setfilecon', () => {
  it('only the task the expression names may make the transition; another gets EPERM and a SELINUX_ERR record', () => {
    const r = bootWith(HEAD.replace('MODE', 'enforcing') + SCRIPT, policy('validatetrans file t3 == init_t or t1 == t2;'));
    dirs.push(r.dir);
    expect(r.stdout).toEqual(['user: setfilecon: EPERM', 'init: /a.txt system_u:object_r:new_t', 'init: /b.txt system_u:object_r:file_t']);
    expect(r.audit).toEqual([]);
    expect(r.stderr.filter((l) => l.includes('SELINUX_ERR'))).toEqual([
      expect.stringMatching(/op=security_validate_transition seresult=denied oldcontext=system_u:object_r:file_t newcontext=system_u:object_r:new_t taskcontext=user_u:user_r:user_t tclass=file/),
    ]);
  });

  it('in permissive mode the failure is logged and the relabel happens; without validatetrans nothing is logged', () => {
    const permissive = bootWith(HEAD.replace('MODE', 'permissive') + SCRIPT, policy('validatetrans file t3 == init_t;'));
    dirs.push(permissive.dir);
    expect(permissive.stdout).toEqual(['init: /a.txt system_u:object_r:new_t', 'init: /b.txt system_u:object_r:new_t']);
    expect(permissive.stderr.filter((l) => l.includes('security_validate_transition')).length).toBe(1);
    const none = bootWith(HEAD.replace('MODE', 'enforcing') + SCRIPT, policy(''));
    dirs.push(none.dir);
    expect(none.stdout).toEqual(['init: /a.txt system_u:object_r:new_t', 'init: /b.txt system_u:object_r:new_t']);
    expect(none.stderr.filter((l) => l.includes('SELINUX_ERR'))).toEqual([]);
  });
});

describe('a constraint denial at run time', () => {
  it('denies what the TE rules allow, and the trace record names the constraint (audit2why: "constraint violation")', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = testPolicy(['allow user_t file_t:file { read write open getattr append };', 'allow user_t dir_t:dir search;'])
      .replace('sid kernel system_u:system_r:kernel_t', 'constrain file { write append } u1 == u2 or t1 == init_t;\nsid kernel system_u:system_r:kernel_t');
    const script = HEAD.replace('MODE', 'enforcing') + 'process init uid=0 context=system_u:system_r:init_t\n'
      + '    write /own.txt "a"\n    setfilecon /own.txt user_u:object_r:file_t\n'
      + '    write /sys.txt "b"\n    setfilecon /sys.txt system_u:object_r:file_t\n    spawn user\n    wait user\n'
      + 'process user uid=0 context=user_u:user_r:user_t\n'
      + '    cat /sys.txt\n    write --append /own.txt "c"\n    expect EACCES write --append /sys.txt "d"\n';
    const r = bootWith(script, text, { trace: 'trace.jsonl' });
    dirs.push(r.dir);
    expect(r.stdout).toEqual(['user: b']);
    expect(r.code).toBe(0);
    expect(r.audit).toEqual([expect.stringMatching(/avc:  denied  \{ append \} for .* scontext=user_u:user_r:user_t tcontext=system_u:object_r:file_t tclass=file permissive=0$/)]);
    const path = [join(r.dir, 'trace.jsonl'), 'trace.jsonl'].find((p) => { try { readFileSync(p); return true; } catch { return false; } })!;
    const avcs = readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"ev":"avc"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(avcs.map((a) => [a.perms, a.reason, a.constraint])).toEqual([[['append'], 'constraint', expect.stringMatching(/policy\.conf:65$/)]]);
  });
});
