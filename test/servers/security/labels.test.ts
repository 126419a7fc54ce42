/*
 * Labels and contexts on a booted system: create labels (parent's type,
 * type_transition, the named form), the exec transition's new context,
 * newrole, labels persisting across remount on an image fsck.minix -f
 * passes, the context= mount option, the hidden label file, the system
 * without a security line, AVC hit/miss/flush, and permissive logging once.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { ANY, receive, sendrec, systemPrivileges, type TraceRecord } from '../../../kernel/index.js';
import { EACCES, EINVAL } from '../../../kernel/errno.js';
import { writeFile } from '../../../lib/syscalls/fs.js';
import { setfscreatecon } from '../../../lib/syscalls/security.js';
import { userProgram } from '../../../lib/user/process.js';
import { bootWith, testPolicy } from './mac-helpers.js';

const HEAD = (fs = 'fs root=disk0 cache=64', disk = 'disk disk0 create=2M model=ramdisk') =>
  [disk, fs, 'clock mode=tickless', 'security policy=policy.conf mode=enforcing'].join('\n') + '\n';

const INIT_D = [
  'process init context=system_u:system_r:init_t',
  '    mkdir /d 0777',
  '    setfilecon /d system_u:object_r:dir_t',
  '    spawn user',
  '    wait user',
].join('\n') + '\n';

const USER_CREATES = ['allow user_t dir_t:dir { search write add_name };', 'allow user_t { dir_t new_t named_t }:file { create getattr };', 'allow user_t dir_t:dir { create getattr };'];

describe('labels of new files (compute_create)', () => {
  it('a new file takes the parent directory type, the creator\'s user and object_r', () => {
    const r = bootWith(HEAD() + INIT_D + 'process user context=user_u:user_r:user_t\n    write /d/a x\n    mkdir /d/sub\n    getfilecon /d/a\n    getfilecon /d/sub\n', testPolicy(USER_CREATES));
    expect(r.stdout).toContain('user: /d/a user_u:object_r:dir_t');
    expect(r.stdout).toContain('user: /d/sub user_u:object_r:dir_t');
    expect(r.code).toBe(0);
  });

  it('type_transition gives the new type, and its named form wins for that name', () => {
    const rules = [...USER_CREATES, 'type_transition user_t dir_t:file new_t;', 'type_transition user_t dir_t:file named_t "special";'];
    const r = bootWith(HEAD() + INIT_D + 'process user context=user_u:user_r:user_t\n    write /d/a x\n    write /d/special x\n    mkdir /d/sub\n    getfilecon /d/a\n    getfilecon /d/special\n    getfilecon /d/sub\n', testPolicy(rules));
    expect(r.stdout).toEqual(expect.arrayContaining(['user: /d/a user_u:object_r:new_t', 'user: /d/special user_u:object_r:named_t', 'user: /d/sub user_u:object_r:dir_t']));
    expect(r.code).toBe(0);
  });
});

describe('the creation context (fscreate)', () => {
  it('files a process creates take its fscreate context (checked: setfscreate, create on it); null goes back to the policy', () => {
    const rules = [...USER_CREATES, 'allow user_t self:process { fork setfscreate };'];
    const { dir } = bootWith('', testPolicy(rules));
    const path = join(dir, 'fscreate.boot');
    const script = HEAD() + INIT_D + 'process user context=user_u:user_r:user_t\n    spawn mkf\n    wait mkf\n    getfilecon /d/a\n    getfilecon /d/b\n';
    writeFileSync(path, script);
    const results: (number | string)[] = [];
    const mkf = userProgram(function* (proc) {
      results.push(yield* setfscreatecon(proc, 'user_u:object_r:new_t'));
      results.push(yield* writeFile(proc, '/d/a', new TextEncoder().encode('x')));
      results.push(yield* setfscreatecon(proc, 'user_u:object_r:exec_t'));
      results.push(yield* setfscreatecon(proc, null));
      results.push(yield* writeFile(proc, '/d/b', new TextEncoder().encode('y')));
      return 0;
    });
    // Registered before the image loads: `spawn mkf` is checked against the program table then.
    const system = buildSystem(parseBootScript(script, path), { seed: 1, scriptPath: path }, (k) => k.programs.set('mkf', mkf));
    system.kernel.run();
    system.close();
    // Setting a context is checked by setfscreate alone; create on it is checked when a file is made.
    expect(results).toEqual([0, 1, 0, 0, 1]);
    expect(system.report.output).toEqual(['user: /d/a user_u:object_r:new_t', 'user: /d/b user_u:object_r:dir_t']);
  });

  it('setfscreatecon needs process:setfscreate and a valid context', () => {
    const { dir } = bootWith('', testPolicy([...USER_CREATES, 'allow user_t self:process fork;']));
    const path = join(dir, 'fscreate.boot');
    const script = HEAD() + INIT_D + 'process user context=user_u:user_r:user_t\n    spawn mkf\n    wait mkf\n';
    writeFileSync(path, script);
    const results: number[] = [];
    const mkf = userProgram(function* (proc) {
      results.push(yield* setfscreatecon(proc, 'user_u:object_r:new_t'));
      results.push(yield* setfscreatecon(proc, 'user_u:object_r:no_such_t'));
      return 0;
    });
    const system = buildSystem(parseBootScript(script, path), { seed: 1, scriptPath: path }, (k) => k.programs.set('mkf', mkf));
    system.kernel.run();
    system.close();
    expect(results).toEqual([-EACCES, -EINVAL]);
  });
});

describe('process contexts', () => {
  it('exec of an entrypoint moves the process into the type_transition domain; a child inherits its parent\'s context', () => {
    const rules = ['allow user_t dir_t:dir search;', 'allow user_t exec_t:file { execute read open };', 'allow user_t newdom_t:process transition;',
      'allow newdom_t exec_t:file entrypoint;', 'type_transition user_t exec_t:process newdom_t;', 'allow user_t self:process fork;',
      'allow newdom_t { dir_t unlabeled_t }:dir search;', 'allow newdom_t dir_t:file { read open };'];
    const script = HEAD() + [
      'process init context=system_u:system_r:init_t',
      '    mkdir /d',
      '    setfilecon /d system_u:object_r:dir_t',
      '    write /d/cmds "getcon"',
      '    write /d/prog "#!mksim sh /d/cmds"',
      '    chmod 0755 /d/prog',
      '    setfilecon /d/prog system_u:object_r:exec_t',
      '    spawn user',
      '    wait user',
      'process user context=user_u:user_r:user_t',
      '    spawn kid',
      '    wait kid',
      '    exec /d/prog',
      'process kid',
      '    getcon',
    ].join('\n') + '\n';
    const r = bootWith(script, testPolicy(rules));
    expect(r.stdout).toEqual(['kid: user_u:user_r:user_t', 'user: user_u:user_r:newdom_t']);
    expect(r.code).toBe(0);
  });

  it('a block whose context the policy does not let its parent enter fails to start', () => {
    const r = bootWith(HEAD() + 'process init context=system_u:system_r:init_t\n    spawn user\n    wait user\nprocess user context=user_u:user_r:user_t\n    echo never\n',
      testPolicy([]).replace('allow init_t domain:process *;', 'allow init_t domain:process fork;'));
    expect(r.stdout).toEqual(['user: cannot take context user_u:user_r:user_t: EACCES']);
    expect(r.code).toBe(1);
  });

  it('newrole changes the role when a role allow rule permits it, and is refused otherwise', () => {
    const script = HEAD() + 'process init context=system_u:system_r:init_t\n    spawn user\n    wait user\nprocess user context=user_u:user_r:user_t\n    newrole staff_r\n    getcon\n';
    // As Linux's newrole (an exec with a new exec context): process:transition, which the role change masks without `allow user_r staff_r;`.
    const allowed = bootWith(script, testPolicy(['allow user_t self:process transition;', 'allow user_r staff_r;']));
    expect(allowed.stdout).toEqual(['user: user_u:staff_r:user_t']);
    const denied = bootWith(script, testPolicy(['allow user_t self:process transition;']));
    expect(denied.stdout).toEqual(['user: newrole: EACCES', 'user: user_u:user_r:user_t']);
    expect(denied.audit).toEqual([expect.stringMatching(/avc:  denied  \{ transition \} for  pid=\d+ comm="user" scontext=user_u:user_r:user_t tcontext=user_u:staff_r:user_t tclass=process permissive=0$/)]);
    // Permissive: the same denial is logged (permissive=1) and the role changes.
    const permissive = bootWith(script.replace('mode=enforcing', 'mode=permissive'), testPolicy(['allow user_t self:process transition;']));
    expect(permissive.stdout).toEqual(['user: user_u:staff_r:user_t']);
    expect(permissive.audit).toEqual([expect.stringMatching(/avc:  denied  \{ transition \} .*tcontext=user_u:staff_r:user_t tclass=process permissive=1$/)]);
    // A role the user is not authorised for is no context at all: EINVAL, in either mode.
    const invalid = bootWith(script.replace('newrole staff_r', 'newrole system_r').replace('mode=enforcing', 'mode=permissive'), testPolicy(['allow user_t self:process transition;', 'allow user_r system_r;']));
    expect(invalid.stdout).toEqual(['user: newrole: EINVAL', 'user: user_u:user_r:user_t']);
  });
});

describe('label storage', () => {
  it('labels survive unmount and remount, the label file stays hidden, and the image passes fsck.minix -f', () => {
    const first = bootWith(HEAD('fs root=disk0 cache=64', 'disk disk0 image=root.img create=2M model=ramdisk') + [
      'process init context=system_u:system_r:init_t',
      '    mkdir /d',
      '    setfilecon /d system_u:object_r:dir_t',
      '    write /d/f hello',
      '    setfilecon /d/f system_u:object_r:file_t',
      '    write /d/g temporary',
      '    setfilecon /d/g system_u:object_r:new_t',
      '    rm /d/g',
      '    sync',
    ].join('\n') + '\n', testPolicy([]));
    expect(first.code).toBe(0);
    const second = bootWith(HEAD('fs root=disk0 cache=64', 'disk disk0 image=root.img model=ramdisk') + [
      'process init context=system_u:system_r:init_t',
      '    getfilecon /d',
      '    getfilecon /d/f',
      '    write /d/g again',
      '    getfilecon /d/g',
      '    getfilecon /',
      '    ls /',
      '    expect ENOENT cat /.security.selinux',
      '    expect EPERM write /.security.selinux x',
    ].join('\n') + '\n', null, { dir: first.dir });
    // /d/g reuses the freed inode: it gets its parent's type, not the old file's label.
    expect(second.stdout).toEqual([
      'init: /d system_u:object_r:dir_t', 'init: /d/f system_u:object_r:file_t', 'init: /d/g system_u:object_r:dir_t',
      'init: / system_u:object_r:unlabeled_t', 'init: d',
    ]);
    expect(second.code).toBe(0);
    const fsck = spawnSync('fsck.minix', ['-f', join(first.dir, 'root.img')], { encoding: 'utf8' });
    expect(fsck.stdout + fsck.stderr).not.toMatch(/error|bad|unused/i);
    expect(fsck.status).toBe(0);
  });

  it('a context= mount labels every inode alike and refuses relabelling', () => {
    const r = bootWith(HEAD('fs root=disk0 cache=64 context=system_u:object_r:mnt_t') + [
      'process init context=system_u:system_r:init_t',
      '    write /f x',
      '    getfilecon /f',
      '    getfilecon /',
      '    expect EPERM setfilecon /f system_u:object_r:file_t',
      // The superblock's context is the context= one too: a new file's label must be associated with it.
    ].join('\n') + '\n', testPolicy(['allow mnt_t self:filesystem associate;']));
    expect(r.stdout).toEqual(['init: /f system_u:object_r:mnt_t', 'init: / system_u:object_r:mnt_t']);
    expect(r.code).toBe(0);
  });

  it('without a security line nothing is enforced: contexts are kept as given, files have none (ENOSYS)', () => {
    const r = bootWith('disk disk0 create=2M model=ramdisk\nfs root=disk0\nclock mode=tickless\n' + [
      'process init context=system_u:system_r:init_t',
      '    getcon',
      '    write /f x',
      '    expect ENOSYS getfilecon /f',
      '    expect ENOSYS setfilecon /f system_u:object_r:file_t',
      '    expect ENOSYS newrole staff_r',
    ].join('\n') + '\n', null);
    expect(r.stdout).toEqual(['init: system_u:system_r:init_t']);
    expect(r.code).toBe(0);
  });
});

describe('the AVC on a booted system', () => {
  const script = HEAD() + [
    'process init context=system_u:system_r:init_t',
    '    write /f x',
    '    setfilecon /f system_u:object_r:file_t',
    '    chmod 0666 /f',
    '    spawn user',
    '    wait user',
    'process user uid=1000 gid=1000 context=user_u:user_r:user_t',
    '    expect EACCES write /f denied',
    '    expect EACCES write /f again',
    '    sleep 2ms',
    '    expect ok write /f permissive',
  ].join('\n') + '\n';

  it('misses once per (source, target, class), then hits; a mode change notifies the object managers, which flush', () => {
    const { dir } = bootWith('', testPolicy(['allow user_t self:process fork;']));
    const path = join(dir, 'avc.boot');
    writeFileSync(path, script);
    const system = buildSystem(parseBootScript(script, path), { seed: 1, scriptPath: path });
    const kernel = system.kernel;
    const records: TraceRecord[] = [];
    kernel.trace.trace$.subscribe((r) => records.push(r));
    // An administrator (a system process) switches to permissive at 1 ms, as `setenforce 0` would.
    const admin = kernel.spawn({
      name: 'admin', priority: 4, privileges: systemPrivileges(),
      program: function* () {
        yield receive(ANY);
        yield sendrec(kernel.procByName('security')!.endpoint, { type: 'SEC_SET_ENFORCE', enforcing: false });
      },
    });
    kernel.schedule(1_000_000, () => kernel.raiseIrq(admin.endpoint, 1));
    kernel.run();
    system.close();
    expect(system.report.expectationFailures).toEqual([]);
    expect(system.report.expectationsHeld).toBe(3);
    const avc = records.filter((r) => r.ev === 'cache' && r.cache === 'avc');
    const userOnFile = avc.filter((r) => r.scontext === 'user_u:user_r:user_t' && r.tcontext === 'system_u:object_r:file_t');
    // write denied (miss); write denied again (hit); after the flush: write (miss), then open (hit).
    expect(userOnFile.map((r) => r.op)).toEqual(['miss', 'hit', 'miss', 'hit']);
    expect(avc.filter((r) => r.op === 'flush' && r.reason === 'notify').map((r) => r.proc ?? r.actor)).toEqual(expect.arrayContaining(['fs']));
    expect(records.some((r) => r.ev === 'send' && r.type === 'SEC_COMPUTE_AV' && r.src === 'fs')).toBe(true);
    expect(records.some((r) => r.ev === 'state' && r.machine === 'selinux-mode' && r.to === 'permissive')).toBe(true);
  });

  it('in permissive mode a denial is logged once per cache entry (permissive=1) and allowed', () => {
    const r = bootWith(script.replace('expect EACCES write /f denied', 'expect ok write /f one').replace('expect EACCES write /f again', 'expect ok write /f two'),
      testPolicy([]), { set: ['security.mode=permissive'] });
    expect(r.code).toBe(0);
    const writes = r.audit.filter((l) => l.includes('{ write }'));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^type=AVC msg=audit\(\d+\.\d{3}:\d+\): avc: {2}denied {2}\{ write \} for {2}pid=\d+ comm="user" name="f" dev="disk0" ino=\d+ scontext=user_u:user_r:user_t tcontext=system_u:object_r:file_t tclass=file permissive=1$/);
  });
});

describe('examples/selinux-passwd.boot', () => {
  it('enforcing: alice may not write the shadow file, passwd (in passwd_t) may; exit 0', () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = bootScript('examples/selinux-passwd.boot', {}, (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(0);
    expect(out).toEqual([
      'init: system_u:system_r:init_t',
      'init: /etc/shadow system_u:object_r:shadow_t',
      'init: /usr/bin/passwd system_u:object_r:passwd_exec_t',
      'alice: user_u:user_r:user_t',
      'alice: /home/alice/notes.txt user_u:object_r:home_t',
      'alice: remember to change the password',
      'pw: user_u:user_r:user_t',
      'pw: passwd: password for alice changed',
      'init: root:$mksim$0:0:0:99999:7:::',
      'init: alice:$mksim$1000:0:0:99999:7:::',
      'init: /etc/shadow system_u:object_r:shadow_t',
    ]);
    const audit = err.filter((l) => l.startsWith('type=AVC'));
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatch(/denied {2}\{ write \} for {2}pid=\d+ comm="alice" name="shadow" .*scontext=user_u:user_r:user_t tcontext=system_u:object_r:shadow_t tclass=file permissive=0$/);
    expect(audit[2]).toMatch(/granted {2}\{ write \} for {2}pid=\d+ comm="pw" name="shadow" .*scontext=user_u:user_r:passwd_t /);
  });

  it('permissive (--set security.mode=permissive): the same denials are logged with permissive=1 and allowed', () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = bootScript('examples/selinux-passwd.boot', { set: ['security.mode=permissive'] }, (l) => out.push(l), (l) => err.push(l));
    // The script's `expect EACCES` lines describe enforcing mode: here they fail, which is the point.
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/expected EACCES, got ok/);
    const audit = err.filter((l) => l.startsWith('type=AVC'));
    expect(audit.some((l) => /denied {2}\{ write \}.*comm="alice" name="shadow".*permissive=1$/.test(l))).toBe(true);
    expect(audit.filter((l) => l.includes('permissive=0'))).toEqual([]);
  });
});
