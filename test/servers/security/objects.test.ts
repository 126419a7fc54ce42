/*
 * Object checks of issue 14, item 5, each failing before its fix:
 * filesystem:associate on create and relabel (may_create,
 * selinux_inode_setxattr), role_transition for a file class
 * (security_compute_sid), and pipes checked as fifo_file (file_has_perm on
 * an inherited pipe end).
 */
import { describe, expect, it } from 'vitest';
import { bootWith, testPolicy } from './mac-helpers.js';

const HEAD = ['disk disk0 create=2M model=ramdisk', 'fs root=disk0 cache=64', 'clock mode=tickless', 'security policy=policy.conf mode=enforcing'].join('\n') + '\n';
const INIT = (extra: readonly string[] = []) => [
  'process init context=system_u:system_r:init_t',
  '    mkdir /d 0777',
  '    setfilecon /d system_u:object_r:dir_t',
  '    write /d/f secret',
  '    chmod 0666 /d/f',
  '    setfilecon /d/f system_u:object_r:file_t',
  ...extra.map((l) => `    ${l}`),
  '    spawn user',
  '    wait user',
].join('\n') + '\n';

/** odd_t is no file_type: the test policy lets only file types be associated with the file system. */
const ODD = ['type odd_t;'];
const CREATE = ['allow user_t dir_t:dir { search write add_name };', 'allow user_t dir_t:file { create write open getattr };', 'allow user_t odd_t:file { create write open getattr };'];

describe('filesystem:associate (may_create, selinux_inode_setxattr)', () => {
  it('a new file whose type may not be associated with the file system is refused', () => {
    const script = HEAD + INIT() + 'process user context=user_u:user_r:user_t\n    write /d/x hello\n    getfilecon /d/x\n';
    const rules = [...ODD, ...CREATE, 'type_transition user_t dir_t:file odd_t;'];
    const without = bootWith(script, testPolicy(rules));
    expect(without.stdout).toEqual(['user: write: EACCES', 'user: getfilecon: ENOENT']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ associate \} for  pid=\d+ comm="user" name="x" dev="disk0" scontext=user_u:object_r:odd_t tcontext=system_u:object_r:unlabeled_t tclass=filesystem permissive=0$/)]);
    const withRule = bootWith(script, testPolicy([...rules, 'allow odd_t unlabeled_t:filesystem associate;']));
    expect(withRule.stdout).toEqual(['user: /d/x user_u:object_r:odd_t']);
    expect(withRule.audit).toEqual([]);
  });

  it('a relabel to such a type is refused after relabelfrom and relabelto', () => {
    const script = HEAD + INIT() + 'process user uid=0 context=user_u:user_r:user_t\n    setfilecon /d/f system_u:object_r:odd_t\n    getfilecon /d/f\n';
    const rules = [...ODD, 'allow user_t dir_t:dir search;', 'allow user_t file_t:file { getattr relabelfrom };', 'allow user_t odd_t:file { getattr relabelto };'];
    const without = bootWith(script, testPolicy(rules));
    expect(without.stdout).toEqual(['user: setfilecon: EACCES', 'user: /d/f system_u:object_r:file_t']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ associate \} .*scontext=system_u:object_r:odd_t tcontext=system_u:object_r:unlabeled_t tclass=filesystem permissive=0$/)]);
    const withRule = bootWith(script, testPolicy([...rules, 'allow odd_t unlabeled_t:filesystem associate;']));
    expect(withRule.stdout).toEqual(['user: /d/f system_u:object_r:odd_t']);
  });

  it('the superblock context is the policy\'s fs_use_xattr rule for minix when it has one', () => {
    const script = HEAD + INIT() + 'process user context=user_u:user_r:user_t\n    write /d/x hello\n';
    const policy = testPolicy([...ODD, ...CREATE, 'type_transition user_t dir_t:file odd_t;', 'type fs_t;', 'allow file_type fs_t:filesystem associate;', 'allow odd_t unlabeled_t:filesystem associate;'])
      + 'fs_use_xattr minix system_u:object_r:fs_t;\n';
    const r = bootWith(script, policy);
    expect(r.stdout).toEqual(['user: write: EACCES']);
    expect(r.audit).toEqual([expect.stringMatching(/denied  \{ associate \} .*scontext=user_u:object_r:odd_t tcontext=system_u:object_r:fs_t tclass=filesystem/)]);
  });
});

describe('role_transition for a file class (security_compute_sid)', () => {
  it('a new file in dir_t takes the role the rule names instead of object_r', () => {
    const script = HEAD + INIT() + 'process user context=user_u:user_r:user_t\n    write /d/x hello\n    getfilecon /d/x\n';
    const r = bootWith(script, testPolicy([...ODD, ...CREATE, 'role staff_r types { dir_t };', 'role_transition user_r dir_t:file staff_r;']));
    expect(r.stdout).toEqual(['user: /d/x user_u:staff_r:dir_t']);
    expect(r.audit).toEqual([]);
  });
});

describe('pipes as fifo_file (file_has_perm on an inherited end)', () => {
  const script = HEAD + INIT(['pipe r w', 'writefd w hello']) + 'process user context=user_u:user_r:user_t\n    read r 5\n';

  it('reading a pipe end inherited from init needs fd:use on init and fifo_file read on the pipe (labelled init_t)', () => {
    const none = bootWith(script, testPolicy([]));
    expect(none.stdout).toEqual(['user: read: EACCES']);
    expect(none.audit).toEqual([expect.stringMatching(/denied  \{ use \} .*scontext=user_u:user_r:user_t tcontext=system_u:system_r:init_t tclass=fd permissive=0$/)]);
    const use = bootWith(script, testPolicy(['allow user_t init_t:fd use;']));
    expect(use.stdout).toEqual(['user: read: EACCES']);
    expect(use.audit).toEqual([expect.stringMatching(/denied  \{ read \} for  pid=\d+ comm="user" path="pipe:\[1\]" dev="pipefs" ino=1 scontext=user_u:user_r:user_t tcontext=system_u:system_r:init_t tclass=fifo_file permissive=0$/)]);
    const both = bootWith(script, testPolicy(['allow user_t init_t:fd use;', 'allow user_t init_t:fifo_file read;']));
    expect(both.stdout).toEqual(['user: hello']);
    expect(both.audit).toEqual([]);
  });

  it('the creator reads and writes its own pipe without any rule (nothing changed since it was made)', () => {
    const own = HEAD + 'process init context=system_u:system_r:init_t\n    spawn user\n    wait user\nprocess user context=user_u:user_r:user_t\n    pipe r w\n    writefd w hi\n    read r 2\n';
    const r = bootWith(own, testPolicy([]));
    expect(r.stdout).toEqual(['user: hi']);
    expect(r.audit).toEqual([]);
  });
});

describe('the security class (selinuxfs: sel_write_enforce, sel_write_load)', () => {
  const script = HEAD + 'process init context=system_u:system_r:init_t\n    spawn user\n    wait user\n    getenforce\n'
    + 'process user uid=0 context=user_u:user_r:user_t\n    setenforce 0\n    getenforce\n';

  it('root in user_t switches the mode only with security:setenforce on the security SID', () => {
    const without = bootWith(script, testPolicy([]));
    expect(without.stdout).toEqual(['user: setenforce: EACCES', 'user: Enforcing', 'init: Enforcing']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ setenforce \} for  pid=2 comm="user" scontext=user_u:user_r:user_t tcontext=system_u:object_r:unlabeled_t tclass=security permissive=0$/)]);
    const withRule = bootWith(script, testPolicy(['allow user_t unlabeled_t:security setenforce;']));
    expect(withRule.stdout).toEqual(['user: Permissive', 'init: Permissive']);
    expect(withRule.audit).toEqual([]);
  });

  it('a user other than root cannot, whatever the policy (the file is root\'s)', () => {
    const r = bootWith(script.replace('process user uid=0', 'process user uid=1000'), testPolicy(['allow user_t unlabeled_t:security setenforce;']));
    expect(r.stdout).toEqual(['user: setenforce: EPERM', 'user: Enforcing', 'init: Enforcing']);
    expect(r.audit).toEqual([]);
  });
});
