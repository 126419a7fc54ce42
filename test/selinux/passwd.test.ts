/*
 * Issue 14 item 6, the seed's SELinux: passwd is no confused deputy (the
 * caller's uid and SELinux identity decide whose entry it changes, asked of
 * the security server in the userspace class passwd), su changes the uid
 * but never the identity, and a set-user-ID program runs only where the
 * policy allows its transition. Each boot checks the shadow file's bytes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootWith } from '../servers/security/mac-helpers.js';

const BASE = readFileSync(new URL('../../examples/policy/base.conf', import.meta.url), 'utf8');

const SHADOW = ['root:$mksim$0:0:0:99999:7:::', 'alice:$mksim$1000:0:0:99999:7:::'];

/** The policy with `rule` (one whole line of base.conf) taken out. */
function without(rule: string): string {
  const lines = BASE.split('\n');
  const i = lines.indexOf(rule);
  expect(i, rule).toBeGreaterThanOrEqual(0);
  return [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
}

const q = (text: string): string => JSON.stringify(text);

/**
 * init builds /etc (passwd, shadow 0600 root), /usr/bin/passwd and /bin/su
 * (set-user-ID root, their own types), /usr/bin/id and /usr/bin/asroot (bin_t:
 * the script a su'd alice runs), prints the shadow file before and after
 * running `alice` (and what initTail adds), whose blocks follow.
 */
function script(asroot: readonly string[], blocks: string, mode = 'enforcing', initTail: readonly string[] = []): string {
  return [
    'disk disk0 create=2M model=ramdisk',
    'fs root=disk0 cache=64',
    'clock mode=tickless',
    `security policy=policy.conf mode=${mode}`,
    'process init uid=0 context=system_u:system_r:init_t',
    '    mkdir /etc',
    '    setfilecon /etc system_u:object_r:etc_t',
    `    write /etc/passwd ${q('root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh')}`,
    `    write /etc/shadow ${q(SHADOW.join('\n'))}`,
    '    chmod 0600 /etc/shadow',
    '    setfilecon /etc/shadow system_u:object_r:shadow_t',
    '    mkdir /usr',
    '    mkdir /usr/bin',
    '    setfilecon /usr/bin system_u:object_r:bin_t',
    '    write /usr/bin/passwd "#!mksim passwd"',
    '    chmod 04755 /usr/bin/passwd',
    '    setfilecon /usr/bin/passwd system_u:object_r:passwd_exec_t',
    '    mkdir /bin',
    '    write /bin/su "#!mksim su"',
    '    chmod 04755 /bin/su',
    '    setfilecon /bin/su system_u:object_r:su_exec_t',
    '    write /usr/bin/su2 "#!mksim su"',
    '    chmod 04755 /usr/bin/su2',
    '    setfilecon /usr/bin/su2 system_u:object_r:bin_t',
    '    write /usr/bin/id "#!mksim id"',
    '    chmod 0755 /usr/bin/id',
    '    setfilecon /usr/bin/id system_u:object_r:bin_t',
    `    write /usr/bin/asroot ${q(['#!mksim sh /usr/bin/asroot', ...asroot].join('\n'))}`,
    '    chmod 0755 /usr/bin/asroot',
    '    setfilecon /usr/bin/asroot system_u:object_r:bin_t',
    '    cat /etc/shadow',
    '    spawn alice',
    '    wait alice',
    ...initTail.map((l) => `    ${l}`),
    '    cat /etc/shadow',
    blocks,
  ].join('\n') + '\n';
}

/** init's two `cat /etc/shadow`: before and after. */
function shadowReads(stdout: readonly string[]): [string[], string[]] {
  const lines = stdout.filter((l) => l.startsWith('init: ')).map((l) => l.slice('init: '.length));
  const half = lines.length / 2;
  return [lines.slice(0, half), lines.slice(half)];
}

const userAvc = (stderr: readonly string[]): string[] => stderr.filter((l) => l.startsWith('type=USER_AVC'));

describe('passwd is not a confused deputy', () => {
  it('user_t (uid 1000) asking passwd, which runs in passwd_t, for root\'s entry is refused; shadow is byte-identical', () => {
    const r = bootWith(script([], [
      'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
      '    spawn pw',
      '    wait pw',
      'process pw',
      '    getcon',
      '    exec /usr/bin/passwd root "$mksim$evil"',
    ].join('\n')), BASE);
    expect(r.stdout).toContain('pw: passwd: You may not view or modify password information for root.');
    const [before, after] = shadowReads(r.stdout);
    expect(before).toEqual(SHADOW);
    expect(after).toEqual(before);
  });

  it('a hash holding a newline cannot add a root line to shadow', () => {
    const r = bootWith(script([], [
      'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
      `    exec /usr/bin/passwd alice ${q('x\nroot::0:0:99999:7:::')}`,
    ].join('\n')), BASE);
    expect(r.stdout).toContain('alice: passwd: a name or hash may not hold ":" or a newline');
    const [before, after] = shadowReads(r.stdout);
    expect(after).toEqual(before);
  });

  it('alice still changes her own entry, and only that field', () => {
    const r = bootWith(script([], [
      'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
      '    exec /usr/bin/passwd',
    ].join('\n')), BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alice: passwd: password for alice changed');
    expect(shadowReads(r.stdout)[1]).toEqual(SHADOW);
    const changed = bootWith(script([], 'process alice uid=1000 gid=1000 context=user_u:user_r:user_t\n    exec /usr/bin/passwd alice "$mksim$new"'), BASE);
    expect(shadowReads(changed.stdout)[1]).toEqual([SHADOW[0], 'alice:$mksim$new:0:0:99999:7:::']);
  });
});

describe('su changes the uid, never the SELinux identity', () => {
  const SU_ROOT = (program: string, context = 'user_u:user_r:user_t') => [
    `process alice uid=1000 gid=1000 context=${context}`,
    '    spawn s',
    '    wait s',
    'process s',
    `    exec /bin/su root "$mksim$0" ${program}`,
  ].join('\n');

  it('after su root, id shows uid 0 and the same user_u:user_r:user_t', () => {
    const r = bootWith(script([], SU_ROOT('/usr/bin/id')), BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('s: uid=0(root) gid=0 context=user_u:user_r:user_t');
  });

  it('root in user_t still cannot write /etc/shadow, and passwd refuses it root\'s entry by the policy (tclass=passwd)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-passwd-'));
    const r = bootWith(script(['getcon', 'expect EACCES write /etc/shadow "root::0:0:99999:7:::"', 'exec /usr/bin/passwd root "$mksim$evil"'], SU_ROOT('/usr/bin/asroot'), 'enforcing'), BASE, { dir, trace: join(dir, 'trace.jsonl') });
    expect(r.stdout).toContain('s: user_u:user_r:user_t');
    expect(r.stdout).not.toContain(expect.stringMatching(/expectation failed/));
    expect(r.stdout).toContain('s: passwd: SELinux denying access due to security policy (user_u:user_r:user_t may not change the password of root).');
    expect(r.audit).toEqual([expect.stringMatching(/avc:  denied  \{ write \} for  pid=\d+ comm="s" name="shadow" .*scontext=user_u:user_r:user_t tcontext=system_u:object_r:shadow_t tclass=file permissive=0$/)]);
    expect(userAvc(r.stderr)).toEqual([expect.stringMatching(
      /^type=USER_AVC msg=audit\(\d+\.\d{3}:\d+\): pid=\d+ uid=0 msg='avc:  denied  \{ passwd \} for  scontext=user_u:user_r:user_t tcontext=user_u:user_r:user_t tclass=passwd permissive=0 exe="\/usr\/bin\/passwd"'$/)]);
    const [before, after] = shadowReads(r.stdout);
    expect(after).toEqual(before);
    // The decision is the security server's: passwd (in passwd_t) sent it a compute_av on class passwd.
    const trace = readFileSync(join(r.dir, 'trace.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"SEC_COMPUTE_AV"') && l.includes('"ev":"send"'));
    expect(trace.some((l) => l.includes('"src":"s"') && l.includes('"tclass":"passwd"'))).toBe(true);
  });

  it('in permissive mode the same refusal is logged (permissive=1) and allowed', () => {
    const r = bootWith(script(['exec /usr/bin/passwd root "$mksim$evil"'], SU_ROOT('/usr/bin/asroot'), 'permissive'), BASE);
    expect(userAvc(r.stderr)).toEqual([expect.stringMatching(/denied  \{ passwd \} .*tclass=passwd permissive=1 /)]);
    expect(shadowReads(r.stdout)[1]).toEqual(['root:$mksim$evil:0:0:99999:7:::', SHADOW[1]]);
  });

  it('root whose identity is alice may change alice\'s entry (spasswd), not root\'s', () => {
    const own = bootWith(script(['exec /usr/bin/passwd alice "$mksim$own"'], SU_ROOT('/usr/bin/asroot', 'alice:user_r:user_t')), BASE);
    expect(own.code).toBe(0);
    expect(userAvc(own.stderr)).toEqual([]);
    expect(shadowReads(own.stdout)[1]).toEqual([SHADOW[0], 'alice:$mksim$own:0:0:99999:7:::']);
    const rootEntry = bootWith(script(['exec /usr/bin/passwd root "$mksim$evil"'], SU_ROOT('/usr/bin/asroot', 'alice:user_r:user_t')), BASE);
    expect(userAvc(rootEntry.stderr)).toEqual([expect.stringMatching(/denied  \{ passwd \} .*scontext=alice:user_r:user_t .*tclass=passwd permissive=0 /)]);
    expect(shadowReads(rootEntry.stdout)[1]).toEqual(SHADOW);
  });

  it('root in user_t cannot su without a password: passwd:rootok is denied', () => {
    const r = bootWith(script(['exec /bin/su alice - /usr/bin/id'], SU_ROOT('/usr/bin/asroot')), BASE);
    expect(r.stdout).toContain('s: su: Authentication failure (user_u:user_r:user_t may not passwd:rootok)');
    expect(userAvc(r.stderr)).toEqual([expect.stringMatching(/denied  \{ rootok \} .*tclass=passwd permissive=0 exe="\/bin\/su"'$/)]);
  });

  it('a wrong password is refused', () => {
    const r = bootWith(script([], SU_ROOT('/usr/bin/id').replace('"$mksim$0"', '"$mksim$1000"')), BASE);
    expect(r.stdout).toContain('s: su: Authentication failure (wrong password)');
    expect(r.stdout.some((l) => l.includes('uid=0'))).toBe(false);
  });
});

describe('the administrator (sysadm_t) may change any password: passwd:passwd in the policy', () => {
  const ADMIN = [
    'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
    '    echo alice',
    'process admin uid=0 context=root:sysadm_r:sysadm_t',
    '    exec /usr/bin/passwd alice "$mksim$reset"',
  ].join('\n');
  const adminScript = (mode = 'enforcing') => script([], ADMIN, mode, ['spawn admin', 'wait admin']);

  it('allowed by `allow sysadm_t self:passwd`: alice\'s entry is reset', () => {
    const r = bootWith(adminScript(), BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('admin: passwd: password for alice changed');
    expect(r.stdout.at(-1)).toBe('init: alice:$mksim$reset:0:0:99999:7:::');
  });

  it('without the rule the same root is refused (the decision is the policy\'s, not the uid\'s)', () => {
    const r = bootWith(adminScript(), without('allow sysadm_t self:passwd { passwd chfn chsh rootok crontab };'));
    expect(r.stdout).toContain('admin: passwd: SELinux denying access due to security policy (root:sysadm_r:sysadm_t may not change the password of alice).');
    expect(userAvc(r.stderr)).toEqual([expect.stringMatching(/denied  \{ passwd \} .*scontext=root:sysadm_r:sysadm_t .*tclass=passwd permissive=0 /)]);
    expect(r.stdout.at(-1)).toBe(`init: ${SHADOW[1]}`);
  });
});

describe('a set-user-ID program runs only where the policy allows its transition', () => {
  const RUN = (path: string) => [
    'process alice uid=1000 gid=1000 context=user_u:user_r:user_t',
    '    spawn s',
    '    wait s',
    'process s',
    `    expect EACCES exec ${path} root "$mksim$0" /usr/bin/id`,
    '    getcon',
  ].join('\n');

  it('with user_t -> su_t allowed, /bin/su runs as root (the base policy)', () => {
    const r = bootWith(script([], RUN('/bin/su').replace('expect EACCES exec', 'exec')), BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('s: uid=0(root) gid=0 context=user_u:user_r:user_t');
  });

  it('without `allow user_t su_t:process transition` the exec fails (EACCES): the uid never changes', () => {
    const r = bootWith(script([], RUN('/bin/su')), without('allow user_t su_t:process transition;'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('s: user_u:user_r:user_t');
    expect(r.stdout.some((l) => l.includes('uid=0'))).toBe(false);
    expect(r.audit).toEqual([expect.stringMatching(/avc:  denied  \{ transition \} for  pid=\d+ comm="s" scontext=user_u:user_r:user_t tcontext=user_u:user_r:su_t tclass=process permissive=0$/)]);
  });

  it('the same program labelled bin_t runs in user_t as euid 0, where root may not read shadow', () => {
    const r = bootWith(script([], RUN('/usr/bin/su2').replace('expect EACCES exec', 'exec')), BASE);
    expect(r.stdout).toContain('s: su: Authentication failure (cannot read /etc/shadow: EACCES)');
    expect(r.audit).toEqual([expect.stringMatching(/denied  \{ read \} .*name="shadow" .*scontext=user_u:user_r:user_t .*tclass=file permissive=0$/)]);
  });
});
