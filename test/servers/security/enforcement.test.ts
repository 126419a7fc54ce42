/*
 * Every enforcement point denies without its rule and allows with it: each
 * case boots a system whose user block (uid 0, so the mode bits never stand
 * in the way) runs in user_t, once with the policy minus the rule under
 * test (EACCES, and an audit line naming the permission) and once with it.
 */
import { describe, expect, it } from 'vitest';
import { bootWith, testPolicy } from './mac-helpers.js';

const SEARCH_D = 'allow user_t dir_t:dir search;';
/** What exec's open of the file needs besides execute (selinux_file_open: read, open). */
const EXEC_OPEN = 'allow user_t exec_t:file { read open };';

interface Case {
  readonly perm: string;
  /** Rules present in both runs. */
  readonly base: readonly string[];
  /** The rule under test. */
  readonly rule: string;
  /** The command the user runs (its name is what a failure prints). */
  readonly cmd: string;
  /** Extra commands for init before it spawns the user (as root, in init_t). */
  readonly setup?: readonly string[];
  /** Printed when the command succeeded (exec has no return to check). */
  readonly okLine?: string;
  /** The command whose EACCES the denied run prints, when cmd is several lines. */
  readonly name?: string;
}

const CASES: readonly Case[] = [
  { perm: 'read', base: [SEARCH_D, 'allow user_t file_t:file open;'], rule: 'allow user_t file_t:file read;', cmd: 'cat /d/f', okLine: 'user: secret' },
  { perm: 'open', base: [SEARCH_D, 'allow user_t file_t:file read;'], rule: 'allow user_t file_t:file open;', cmd: 'cat /d/f', okLine: 'user: secret' },
  { perm: 'write', base: [SEARCH_D, 'allow user_t file_t:file open;'], rule: 'allow user_t file_t:file write;', cmd: 'write /d/f changed' },
  { perm: 'search', base: ['allow user_t file_t:file { read open };'], rule: SEARCH_D, cmd: 'cat /d/f', okLine: 'user: secret' },
  { perm: 'create', base: [SEARCH_D, 'allow user_t dir_t:dir { write add_name };'], rule: 'allow user_t dir_t:file create;', cmd: 'write /d/g new' },
  { perm: 'add_name', base: [SEARCH_D, 'allow user_t dir_t:dir write;', 'allow user_t dir_t:file create;'], rule: 'allow user_t dir_t:dir add_name;', cmd: 'write /d/g new' },
  { perm: 'unlink', base: [SEARCH_D, 'allow user_t dir_t:dir { write remove_name };'], rule: 'allow user_t file_t:file unlink;', cmd: 'rm /d/f' },
  { perm: 'remove_name', base: [SEARCH_D, 'allow user_t dir_t:dir write;', 'allow user_t file_t:file unlink;'], rule: 'allow user_t dir_t:dir remove_name;', cmd: 'rm /d/f' },
  { perm: 'rmdir', base: [SEARCH_D, 'allow user_t dir_t:dir { write remove_name };'], rule: 'allow user_t dir_t:dir rmdir;', cmd: 'rmdir /d/sub', setup: ['mkdir /d/sub'] },
  { perm: 'getattr', base: [SEARCH_D], rule: 'allow user_t file_t:file getattr;', cmd: 'stat /d/f', okLine: 'user: /d/f: inode' },
  { perm: 'setattr', base: [SEARCH_D], rule: 'allow user_t file_t:file setattr;', cmd: 'chmod 0600 /d/f' },
  { perm: 'relabelfrom', base: [SEARCH_D, 'allow user_t new_t:file relabelto;'], rule: 'allow user_t file_t:file relabelfrom;', cmd: 'setfilecon /d/f system_u:object_r:new_t' },
  { perm: 'relabelto', base: [SEARCH_D, 'allow user_t file_t:file relabelfrom;'], rule: 'allow user_t new_t:file relabelto;', cmd: 'setfilecon /d/f system_u:object_r:new_t' },
  {
    perm: 'execute', base: [SEARCH_D, EXEC_OPEN, 'allow user_t exec_t:file execute_no_trans;', 'allow user_t dir_t:dir { read open };'],
    rule: 'allow user_t exec_t:file execute;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  {
    perm: 'execute_no_trans', base: [SEARCH_D, EXEC_OPEN, 'allow user_t exec_t:file execute;', 'allow user_t dir_t:dir { read open };'],
    rule: 'allow user_t exec_t:file execute_no_trans;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  {
    perm: 'entrypoint',
    base: [SEARCH_D, EXEC_OPEN, 'allow user_t exec_t:file execute;', 'allow user_t newdom_t:process transition;', 'type_transition user_t exec_t:process newdom_t;',
      'allow newdom_t { dir_t unlabeled_t }:dir { search read open };'],
    rule: 'allow newdom_t exec_t:file entrypoint;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  {
    perm: 'transition',
    base: [SEARCH_D, EXEC_OPEN, 'allow user_t exec_t:file execute;', 'allow newdom_t exec_t:file entrypoint;', 'type_transition user_t exec_t:process newdom_t;',
      'allow newdom_t { dir_t unlabeled_t }:dir { search read open };'],
    rule: 'allow user_t newdom_t:process transition;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  // exec opens the file read-only: selinux_file_open's read and open, after may_open's execute.
  {
    perm: 'read', base: [SEARCH_D, 'allow user_t exec_t:file { execute open execute_no_trans };', 'allow user_t dir_t:dir { read open };'],
    rule: 'allow user_t exec_t:file read;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  {
    perm: 'open', base: [SEARCH_D, 'allow user_t exec_t:file { execute read execute_no_trans };', 'allow user_t dir_t:dir { read open };'],
    rule: 'allow user_t exec_t:file open;', cmd: 'exec /d/prog', okLine: 'user: f  prog',
  },
  // open_file_to_av: a write-only open with O_APPEND is file:append, not write.
  { perm: 'append', base: [SEARCH_D, 'allow user_t file_t:file { open write };'], rule: 'allow user_t file_t:file append;', cmd: 'write --append /d/f more' },
  // selinux_file_fcntl: F_SETLK needs file:lock.
  {
    perm: 'lock', base: [SEARCH_D, 'allow user_t file_t:file { open read };'], rule: 'allow user_t file_t:file lock;',
    cmd: 'open fd /d/f O_RDONLY\n    lock fd rd', name: 'lock',
  },
  { perm: 'fork', base: [], rule: 'allow user_t self:process fork;', cmd: 'spawn child' },
  { perm: 'sigkill', base: ['allow user_t self:process fork;'], rule: 'allow user_t self:process sigkill;', cmd: 'kill child SIGKILL', setup: [] },
  { perm: 'signal', base: ['allow user_t self:process fork;'], rule: 'allow user_t self:process signal;', cmd: 'kill child SIGUSR1', setup: [] },
];

function script(c: Case): string {
  const signals = c.perm === 'sigkill' || c.perm === 'signal';
  return [
    'disk disk0 create=2M model=ramdisk',
    'fs root=disk0 cache=64',
    'clock mode=tickless',
    'security policy=policy.conf mode=enforcing',
    'process init context=system_u:system_r:init_t',
    '    mkdir /d',
    '    setfilecon /d system_u:object_r:dir_t',
    '    write /d/f secret',
    '    setfilecon /d/f system_u:object_r:file_t',
    '    write /d/prog "#!mksim ls /d"',
    '    chmod 0755 /d/prog',
    '    setfilecon /d/prog system_u:object_r:exec_t',
    ...(c.setup ?? []).map((s) => `    ${s}`),
    '    spawn user',
    '    wait user',
    'process user context=user_u:user_r:user_t',
    ...(signals ? ['    spawn child'] : []),
    `    ${c.cmd}`,
    ...(signals ? ['    wait child'] : []),
    'process child',
    '    trap SIGUSR1',
    '    sleep 1ms',
  ].join('\n') + '\n';
}

describe('MAC enforcement points (FS and PM)', () => {
  for (const c of CASES) {
    it(`${c.perm} (${c.cmd.split('\n')[0]}): denied (EACCES, audited) without \`${c.rule}\`, allowed with it`, () => {
      const name = c.name ?? c.cmd.split(' ')[0]!;
      const denied = bootWith(script(c), testPolicy(c.base));
      expect(denied.stdout).toContain(`user: ${name}: EACCES`);
      expect(denied.code).toBe(1);
      expect(denied.audit.some((l) => new RegExp(`avc:  denied  \\{ [a-z_ ]*\\b${c.perm}\\b[a-z_ ]* \\}.*permissive=0$`).test(l))).toBe(true);

      const allowed = bootWith(script(c), testPolicy([...c.base, c.rule]));
      expect(allowed.stdout.filter((l) => l.includes('EACCES'))).toEqual([]);
      if (c.okLine !== undefined) expect(allowed.stdout.some((l) => l.startsWith(c.okLine!))).toBe(true);
      expect(allowed.audit).toEqual([]);
      // A child killed by SIGKILL makes the run fail: that is the allowed outcome here.
      if (c.perm === 'sigkill') expect(allowed.stderr.join('\n')).toMatch(/child ended with killed by SIGKILL/);
      else expect(allowed.code).toBe(0);
    });
  }
});
