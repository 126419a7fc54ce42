/*
 * Root in a confined domain (issue 14, item 5): uid 0 gets past the
 * permission bits, changes owners, uids and other users' processes only
 * with the policy's `capability` rules, as Linux's capable() asks SELinux
 * (selinux_capable -> cred_has_capability: capability:CAP from the process's
 * context to itself). Each case failed before: root bypassed the policy.
 */
import { describe, expect, it } from 'vitest';
import { bootWith, testPolicy } from './mac-helpers.js';

const HEAD = ['disk disk0 create=2M model=ramdisk', 'fs root=disk0 cache=64', 'clock mode=tickless', 'security policy=policy.conf mode=enforcing'].join('\n') + '\n';

/** init makes /d (dir_t, 0777) and /d/f (file_t, alice's, mode 0600, "secret"), then runs `root` as uid 0 in user_t. */
const INIT = [
  'process init context=system_u:system_r:init_t',
  '    mkdir /d 0777',
  '    setfilecon /d system_u:object_r:dir_t',
  '    write /d/f secret',
  '    chmod 0600 /d/f',
  '    chown 1000:1000 /d/f',
  '    setfilecon /d/f system_u:object_r:file_t',
  '    spawn root',
  '    wait root',
].join('\n') + '\n';

const FILE_RULES = ['allow user_t dir_t:dir search;', 'allow user_t file_t:file { read write open getattr setattr };', 'allow user_t self:process fork;'];
const capDenied = (perm: string, nr: number) =>
  new RegExp(`avc:  denied  \\{ ${perm} \\} for  pid=\\d+ comm="\\w+" capability=${nr}  scontext=user_u:user_r:user_t tcontext=user_u:user_r:user_t tclass=capability permissive=0$`);

describe('capability: root in a confined domain (selinux_capable)', () => {
  const READ = HEAD + INIT + 'process root uid=0 context=user_u:user_r:user_t\n    cat /d/f\n';

  it('reading a file the mode bits refuse needs dac_read_search (or dac_override), as generic_permission asks', () => {
    const none = bootWith(READ, testPolicy(FILE_RULES));
    expect(none.stdout).toEqual(['root: cat: EACCES']);
    // Linux asks dac_read_search first, then dac_override: both denials are logged.
    expect(none.audit).toEqual([expect.stringMatching(capDenied('dac_read_search', 2)), expect.stringMatching(capDenied('dac_override', 1))]);
    const readSearch = bootWith(READ, testPolicy([...FILE_RULES, 'allow user_t self:capability dac_read_search;']));
    expect(readSearch.stdout).toEqual(['root: secret']);
    expect(readSearch.audit).toEqual([]);
  });

  it('writing needs dac_override; dac_read_search is not asked for a write', () => {
    const script = HEAD + INIT + 'process root uid=0 context=user_u:user_r:user_t\n    write /d/f new\n    cat /d/f\n';
    const readOnly = bootWith(script, testPolicy([...FILE_RULES, 'allow user_t self:capability dac_read_search;']));
    expect(readOnly.stdout).toEqual(['root: write: EACCES', 'root: secret']);
    expect(readOnly.audit).toEqual([expect.stringMatching(capDenied('dac_override', 1))]);
    const override = bootWith(script, testPolicy([...FILE_RULES, 'allow user_t self:capability dac_override;']));
    expect(override.stdout).toEqual(['root: new']);
  });

  it('bits that allow need no capability (none asked, none logged)', () => {
    const script = HEAD + INIT.replace('chmod 0600 /d/f', 'chmod 0666 /d/f') + 'process root uid=0 context=user_u:user_r:user_t\n    cat /d/f\n';
    const r = bootWith(script, testPolicy(FILE_RULES));
    expect(r.stdout).toEqual(['root: secret']);
    expect(r.audit).toEqual([]);
  });

  it('chown needs capability:chown, chmod of another user\'s file fowner', () => {
    const script = HEAD + INIT + 'process root uid=0 context=user_u:user_r:user_t\n    chown 0:0 /d/f\n    chmod 0644 /d/f\n    stat /d/f\n';
    const none = bootWith(script, testPolicy(FILE_RULES));
    expect(none.stdout.slice(0, 2)).toEqual(['root: chown: EPERM', 'root: chmod: EPERM']);
    expect(none.stdout[2]).toBe('root: /d/f: inode 4 file mode 0600 links 1 uid 1000 gid 1000 size 6');
    expect(none.audit).toEqual([expect.stringMatching(capDenied('chown', 0)), expect.stringMatching(capDenied('fowner', 3))]);
    const both = bootWith(script, testPolicy([...FILE_RULES, 'allow user_t self:capability { chown fowner };']));
    expect(both.stdout).toEqual(['root: /d/f: inode 4 file mode 0644 links 1 uid 0 gid 0 size 6']);
    expect(both.audit).toEqual([]);
  });

  it('a child taking another uid needs capability:setuid; signalling another user\'s process capability:kill', () => {
    const script = HEAD + INIT + [
      'process root uid=0 context=user_u:user_r:user_t',
      '    spawn child',
      '    sleep 1ms',
      '    kill child SIGKILL',
      '    wait child',
      'process child uid=1000',
      '    pause',
    ].join('\n') + '\n';
    const rules = [...FILE_RULES, 'allow user_t self:process { sigkill sigchld };'];
    const none = bootWith(script, testPolicy(rules));
    expect(none.stdout).toEqual(['child: cannot take uid 1000 gid -: EPERM', 'root: kill: ESRCH']);
    expect(none.audit).toEqual([expect.stringMatching(capDenied('setuid', 7))]);
    const setuid = bootWith(script, testPolicy([...rules, 'allow user_t self:capability setuid;']));
    expect(setuid.stdout[0]).toBe('root: kill: EPERM');
    expect(setuid.audit).toEqual([expect.stringMatching(capDenied('kill', 5))]);
    const kill = bootWith(script, testPolicy([...rules, 'allow user_t self:capability { setuid kill };']));
    expect(kill.stdout).toEqual([]);
    expect(kill.audit).toEqual([]);
    expect(kill.stderr.join('\n')).toMatch(/child ended with killed by SIGKILL/);
  });
});

describe('set-user-ID programs (bprm_fill_uid): the uid changes, the domain is the policy\'s', () => {
  const script = HEAD + [
    'process init context=system_u:system_r:init_t',
    '    mkdir /d 0777',
    '    setfilecon /d system_u:object_r:dir_t',
    '    write /d/rootonly classified',
    '    chmod 0600 /d/rootonly',
    '    setfilecon /d/rootonly system_u:object_r:file_t',
    '    write /d/bobs private',
    '    chmod 0600 /d/bobs',
    '    chown 2000:2000 /d/bobs',
    '    setfilecon /d/bobs system_u:object_r:file_t',
    '    write /d/cmds "cat /d/rootonly\\ncat /d/bobs"',
    '    write /d/prog "#!mksim sh /d/cmds"',
    '    chmod 04755 /d/prog',
    '    setfilecon /d/prog system_u:object_r:exec_t',
    '    spawn user',
    '    wait user',
    'process user uid=1000 gid=1000 context=user_u:user_r:user_t',
    '    exec /d/prog',
  ].join('\n') + '\n';
  const rules = ['allow user_t dir_t:dir search;', 'allow user_t exec_t:file { execute read open execute_no_trans };',
    'allow user_t dir_t:file { read open };', 'allow user_t file_t:file { read open };'];

  it('a setuid-root program reads root\'s file by the owner bits, but in user_t its root has no dac_read_search for another user\'s', () => {
    const r = bootWith(script, testPolicy(rules));
    expect(r.stdout).toEqual(['user: classified', 'user: cat: EACCES']);
    expect(r.audit).toEqual([expect.stringMatching(capDenied('dac_read_search', 2)), expect.stringMatching(capDenied('dac_override', 1))]);
  });

  it('without the set-user-ID bit the same program runs as uid 1000', () => {
    const r = bootWith(script.replace('chmod 04755 /d/prog', 'chmod 0755 /d/prog'), testPolicy(rules));
    expect(r.stdout).toEqual(['user: cat: EACCES', 'user: cat: EACCES']);
    expect(r.audit).toEqual([]);
  });
});
