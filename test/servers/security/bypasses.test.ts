/*
 * The bypasses and wrong semantics of issue 14, each as a boot that failed
 * before the fix: setcon as setcurrent + dyntransition (the user_t block
 * that became passwd_t and wrote /etc/shadow), setexeccon, RBAC on
 * transitions, permissive mode for an invalid computed context, and the
 * descriptor checks (fd:use, revalidation after a relabel or a reload).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { ANY, receive, sendrec, systemPrivileges, type Envelope } from '../../../kernel/index.js';
import type { SecReply } from '../../../servers/security/protocol.js';
import { readlink, symlink } from '../../../lib/syscalls/fs.js';
import { userProgram } from '../../../lib/user/process.js';
import { bootWith, testPolicy } from './mac-helpers.js';

const BASE = readFileSync(new URL('../../../examples/policy/base.conf', import.meta.url), 'utf8');

const HEAD = (mode = 'enforcing') =>
  ['disk disk0 create=2M model=ramdisk', 'fs root=disk0 cache=64', 'clock mode=tickless', `security policy=policy.conf mode=${mode}`].join('\n') + '\n';

/** init makes /d (dir_t), /d/f (file_t, "secret"), /d/prog (exec_t: runs /d/cmds, which prints the context). */
const INIT = (extra: readonly string[] = []) => [
  'process init context=system_u:system_r:init_t',
  '    mkdir /d 0777',
  '    setfilecon /d system_u:object_r:dir_t',
  '    write /d/f secret',
  '    chmod 0666 /d/f',
  '    setfilecon /d/f system_u:object_r:file_t',
  '    write /d/cmds "getcon"',
  '    write /d/prog "#!mksim sh /d/cmds"',
  '    chmod 0755 /d/prog',
  '    setfilecon /d/prog system_u:object_r:exec_t',
  ...extra.map((l) => `    ${l}`),
  '    spawn user',
  '    wait user',
].join('\n') + '\n';

const avc = (perm: string, tclass: string, permissive = 0) => new RegExp(`avc:  denied  \\{ ${perm} \\} .*tclass=${tclass} permissive=${permissive}$`);

describe('setcon: process:setcurrent and process:dyntransition (selinux_setprocattr "current")', () => {
  it('a user_t process cannot start a passwd_t child and write /etc/shadow through it (the base policy)', () => {
    const script = HEAD() + [
      'process init context=system_u:system_r:init_t',
      '    mkdir /etc',
      '    setfilecon /etc system_u:object_r:etc_t',
      '    write /etc/shadow "root:x:0:0:99999:7:::"',
      '    chmod 0666 /etc/shadow',
      '    setfilecon /etc/shadow system_u:object_r:shadow_t',
      '    spawn alice',
      '    wait alice',
      '    cat /etc/shadow',
      'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
      '    spawn evil',
      '    wait evil',
      'process evil context=user_u:user_r:passwd_t',
      '    write /etc/shadow "alice::0:0:99999:7:::"',
    ].join('\n') + '\n';
    const r = bootWith(script, BASE);
    expect(r.stdout).toEqual(['evil: cannot take context user_u:user_r:passwd_t: EACCES', 'init: root:x:0:0:99999:7:::']);
    expect(r.audit).toEqual([expect.stringMatching(/avc:  denied  \{ setcurrent \} for  pid=\d+ comm="evil" scontext=user_u:user_r:user_t tcontext=user_u:user_r:user_t tclass=process permissive=0$/)]);
  });

  const USER_SETCON = (rules: readonly string[]) => testPolicy(['allow user_t self:process fork;', ...rules]);
  const SCRIPT = HEAD() + INIT() + 'process user context=user_u:user_r:user_t\n    setcon user_u:user_r:newdom_t\n    getcon\n';

  it('needs setcurrent on itself and dyntransition to the new context; transition alone is not enough', () => {
    const onlyTransition = bootWith(SCRIPT, USER_SETCON(['allow user_t newdom_t:process transition;', 'allow user_t self:process setcurrent;']));
    expect(onlyTransition.stdout).toEqual(['user: setcon: EACCES', 'user: user_u:user_r:user_t']);
    expect(onlyTransition.audit).toEqual([expect.stringMatching(avc('dyntransition', 'process'))]);
    const noSetcurrent = bootWith(SCRIPT, USER_SETCON(['allow user_t newdom_t:process dyntransition;']));
    expect(noSetcurrent.stdout).toEqual(['user: setcon: EACCES', 'user: user_u:user_r:user_t']);
    expect(noSetcurrent.audit).toEqual([expect.stringMatching(avc('setcurrent', 'process'))]);
    const both = bootWith(SCRIPT, USER_SETCON(['allow user_t newdom_t:process dyntransition;', 'allow user_t self:process setcurrent;']));
    expect(both.stdout).toEqual(['user: user_u:user_r:newdom_t']);
    expect(both.audit).toEqual([]);
  });

  it('an invalid context is EINVAL (security_context_to_sid), even with every permission', () => {
    const r = bootWith(SCRIPT.replace('setcon user_u:user_r:newdom_t', 'setcon user_u:user_r:init_t'), USER_SETCON(['allow user_t domain:process { setcurrent dyntransition };']));
    expect(r.stdout).toEqual(['user: setcon: EINVAL', 'user: user_u:user_r:user_t']);
  });
});

describe('RBAC: a role change needs `allow ROLE1 ROLE2;` (context_struct_compute_av)', () => {
  it('init (system_r) cannot start a user_r block without the role allow rule, with all its type rules', () => {
    const script = HEAD() + INIT() + 'process user context=user_u:user_r:user_t\n    getcon\n';
    const without = bootWith(script, testPolicy([]).replace('allow system_r { user_r staff_r };', 'allow system_r staff_r;'));
    expect(without.stdout).toEqual(['user: cannot take context user_u:user_r:user_t: EACCES']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ dyntransition \} .*scontext=system_u:system_r:init_t tcontext=user_u:user_r:user_t tclass=process permissive=0$/)]);
    const withRule = bootWith(script, testPolicy([]));
    expect(withRule.stdout).toEqual(['user: user_u:user_r:user_t']);
  });

  it('an exec whose role_transition changes the role needs the role allow rule too', () => {
    const rules = ['allow user_t dir_t:dir search;', 'allow user_t exec_t:file { execute read open };', 'allow user_t newdom_t:process transition;',
      'allow newdom_t exec_t:file entrypoint;', 'type_transition user_t exec_t:process newdom_t;', 'role_transition user_r exec_t staff_r;',
      'role staff_r types { newdom_t };', 'allow newdom_t { dir_t unlabeled_t }:dir search;', 'allow newdom_t dir_t:file { read open };'];
    const script = HEAD() + INIT() + 'process user context=user_u:user_r:user_t\n    exec /d/prog\n';
    const without = bootWith(script, testPolicy(rules));
    expect(without.stdout).toEqual(['user: exec: EACCES']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ transition \} .*tcontext=user_u:staff_r:newdom_t tclass=process permissive=0$/)]);
    const withRule = bootWith(script, testPolicy([...rules, 'allow user_r staff_r;']));
    expect(withRule.stdout).toEqual(['user: user_u:staff_r:newdom_t']);
  });
});

describe('setexeccon: process:setexec, applied at the next exec (selinux_setprocattr "exec", selinux_bprm_creds_for_exec)', () => {
  const RULES = ['allow user_t dir_t:dir search;', 'allow user_t exec_t:file { execute read open execute_no_trans };',
    'allow newdom_t { dir_t unlabeled_t }:dir search;', 'allow newdom_t dir_t:file { read open };'];
  const script = HEAD() + INIT() + 'process user context=user_u:user_r:user_t\n    setexeccon user_u:user_r:newdom_t\n    exec /d/prog\n';

  it('the next exec runs in the asked context, checked by transition and entrypoint', () => {
    const r = bootWith(script, testPolicy([...RULES, 'allow user_t self:process setexec;', 'allow user_t newdom_t:process transition;', 'allow newdom_t exec_t:file entrypoint;']));
    expect(r.stdout).toEqual(['user: user_u:user_r:newdom_t']);
    expect(r.audit).toEqual([]);
  });

  it('without setexec the call fails; without transition the exec fails', () => {
    const noSetexec = bootWith(script, testPolicy([...RULES, 'allow user_t newdom_t:process transition;', 'allow newdom_t exec_t:file entrypoint;']));
    expect(noSetexec.stdout[0]).toBe('user: setexeccon: EACCES');
    expect(noSetexec.audit[0]).toMatch(avc('setexec', 'process'));
    const noTransition = bootWith(script, testPolicy([...RULES, 'allow user_t self:process setexec;', 'allow newdom_t exec_t:file entrypoint;']));
    expect(noTransition.stdout).toEqual(['user: exec: EACCES']);
    expect(noTransition.audit).toEqual([expect.stringMatching(avc('transition', 'process'))]);
  });
});

describe('permissive mode: an exec whose computed context is invalid (compute_sid_handle_invalid_context)', () => {
  // type_transition into init_t, which user_r is not authorised for: user_u:user_r:init_t is no valid context.
  const RULES = ['allow user_t dir_t:dir search;', 'allow user_t exec_t:file { execute read open };', 'allow user_t init_t:process transition;',
    'type_transition user_t exec_t:process init_t;'];
  const script = (mode: string) => HEAD(mode) + INIT() + 'process user context=user_u:user_r:user_t\n    exec /d/prog\n';
  const ERR = /^type=SELINUX_ERR msg=audit\(\d+\.\d{3}:\d+\): op=security_compute_sid invalid_context=user_u:user_r:init_t scontext=user_u:user_r:user_t tcontext=system_u:object_r:exec_t tclass=process$/;

  it('enforcing: the exec is denied (EACCES) and the invalid context logged', () => {
    const r = bootWith(script('enforcing'), testPolicy(RULES));
    expect(r.stdout).toEqual(['user: exec: EACCES']);
    expect(r.stderr.filter((l) => l.startsWith('type=SELINUX_ERR'))).toEqual([expect.stringMatching(ERR)]);
  });

  it('permissive: logged the same way, and the program runs in the computed context', () => {
    const r = bootWith(script('permissive'), testPolicy(RULES));
    expect(r.stdout).toEqual(['user: user_u:user_r:init_t']);
    expect(r.stderr.filter((l) => l.startsWith('type=SELINUX_ERR'))).toEqual([expect.stringMatching(ERR)]);
    expect(r.code).toBe(0);
  });
});

describe('descriptors: fd:use and revalidation (file_has_perm, selinux_file_permission)', () => {
  it('a descriptor inherited from another domain needs fd:use on the opener\'s context', () => {
    const script = HEAD() + INIT(['open fd /d/f O_RDONLY']) + 'process user context=user_u:user_r:user_t\n    read fd 100\n';
    const base = ['allow user_t file_t:file read;'];
    const without = bootWith(script, testPolicy(base));
    expect(without.stdout).toEqual(['user: read: EACCES']);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ use \} .*scontext=user_u:user_r:user_t tcontext=system_u:system_r:init_t tclass=fd permissive=0$/)]);
    const withUse = bootWith(script, testPolicy([...base, 'allow user_t init_t:fd use;']));
    expect(withUse.stdout).toEqual(['user: secret']);
    expect(withUse.audit).toEqual([]);
    // fd:use allowed, but the new domain must still have read on the file itself.
    const noRead = bootWith(script, testPolicy(['allow user_t init_t:fd use;']));
    expect(noRead.stdout).toEqual(['user: read: EACCES']);
    expect(noRead.audit).toEqual([expect.stringMatching(avc('read', 'file'))]);
  });

  it('reads and writes on an open descriptor are checked again after the file is relabelled', () => {
    const rules = ['allow user_t dir_t:dir search;', 'allow user_t file_t:file { open read write append relabelfrom };', 'allow user_t new_t:file relabelto;'];
    const script = HEAD() + INIT() + [
      'process user uid=0 context=user_u:user_r:user_t',
      '    open r /d/f O_RDONLY',
      '    open a /d/f O_WRONLY|O_APPEND',
      '    read r 3',
      '    setfilecon /d/f system_u:object_r:new_t',
      '    read r 3',
      '    writefd a more',
    ].join('\n') + '\n';
    const r = bootWith(script, testPolicy(rules));
    expect(r.stdout).toEqual(['user: sec', 'user: read: EACCES', 'user: writefd: EACCES']);
    expect(r.audit).toEqual([
      expect.stringMatching(/avc:  denied  \{ read \} .*tcontext=system_u:object_r:new_t tclass=file permissive=0$/),
      // An O_APPEND descriptor is revalidated as append (selinux_revalidate_file_permission).
      expect.stringMatching(/avc:  denied  \{ append \} .*tcontext=system_u:object_r:new_t tclass=file permissive=0$/),
    ]);
    const allowed = bootWith(script, testPolicy([...rules, 'allow user_t new_t:file { read append };']));
    expect(allowed.stdout).toEqual(['user: sec', 'user: ret']);
  });

  it('after a policy reload (a new seqno), a read on an open descriptor is decided by the new policy', () => {
    const rules = ['allow user_t dir_t:dir search;', 'allow user_t file_t:file open;'];
    const script = HEAD() + INIT() + [
      'process user context=user_u:user_r:user_t',
      '    open r /d/f O_RDONLY',
      '    expect ok read r 3',
      '    sleep 2ms',
      '    expect EACCES read r 3',
    ].join('\n') + '\n';
    const { dir } = bootWith('', testPolicy([...rules, 'allow user_t file_t:file read;']));
    const path = join(dir, 'reload.boot');
    writeFileSync(path, script);
    const system = buildSystem(parseBootScript(script, path), { seed: 1, scriptPath: path });
    const kernel = system.kernel;
    const statuses: number[] = [];
    // An administrator (a system process) loads a policy without the read rule at 1 ms, as load_policy would.
    const admin = kernel.spawn({
      name: 'admin', priority: 4, privileges: systemPrivileges(),
      program: function* () {
        yield receive(ANY);
        const r: Envelope<SecReply> = yield sendrec(kernel.procByName('security')!.endpoint, { type: 'SEC_LOAD_POLICY', text: testPolicy(rules), path: 'new.conf' });
        statuses.push(r.status, r.seqno);
      },
    });
    kernel.schedule(1_000_000, () => kernel.raiseIrq(admin.endpoint, 1));
    kernel.run();
    system.close();
    expect(statuses).toEqual([0, 2]);
    expect(system.report.output).toEqual(['user: sec']);
    expect(system.report.expectationFailures).toEqual([]);
    expect(system.report.expectationsHeld).toBe(2);
  });
});

describe('file classes by inode type (inode_mode_to_security_class)', () => {
  function run(rules: readonly string[]) {
    const script = HEAD() + INIT() + 'process user context=user_u:user_r:user_t\n    spawn mk\n    wait mk\n';
    const { dir } = bootWith('', testPolicy(['allow user_t self:process fork;', 'allow user_t dir_t:dir { search write add_name };', 'allow user_t dir_t:file { create read };', ...rules]));
    const path = join(dir, 'classes.boot');
    writeFileSync(path, script);
    const results: (number | string)[] = [];
    const mk = userProgram(function* (proc) {
      results.push(yield* symlink(proc, '/d/f', '/d/l'));
      results.push(yield* readlink(proc, '/d/l'));
      return 0;
    });
    // Registered before the image loads: `spawn mk` is checked against the program table then.
    const system = buildSystem(parseBootScript(script, path), { seed: 1, scriptPath: path }, (k) => k.programs.set('mk', mk));
    const audit: string[] = [];
    system.kernel.log.subscribe('audit', (e) => audit.push(e.text));
    system.kernel.run();
    system.close();
    return { results, audit };
  }

  it('a symbolic link is lnk_file: file rules do not cover it', () => {
    const without = run([]);
    // EACCES, and readlink finds no link (ENOENT).
    expect(without.results).toEqual([-13, -2]);
    expect(without.audit).toEqual([expect.stringMatching(/avc:  denied  \{ create \} .*tcontext=user_u:object_r:dir_t tclass=lnk_file permissive=0$/)]);
    const withRule = run(['allow user_t dir_t:lnk_file { create read };']);
    expect(withRule.results).toEqual([0, '/d/f']);
    expect(withRule.audit).toEqual([]);
  });
});
