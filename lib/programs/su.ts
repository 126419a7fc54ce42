/*
 * su USER [PASSWORD|- [PATH [ARGS...]]]: become USER (its uid and gid from
 * /etc/passwd) and exec PATH (default: USER's shell). Set-user-ID root like
 * util-linux su; it changes the uid, never the SELinux identity or role (the
 * seed's rule: newrole changes the role). See docs/security.md (passwd and su).
 *   su   the program
 */
import { ENOENT, errnoName } from '../../kernel/errno.js';
import { readFile } from '../syscalls/fs.js';
import { exec, getuid, setgid, setuid } from '../syscalls/pm.js';
import type { SysGen, UserProcess } from '../user/process.js';
import { callerContext, checkPasswdAccess } from './passwd-access.js';
import { readPasswd, SHADOW_PATH, type PasswdEntry } from './pwent.js';

const EXE = '/bin/su';

/**
 * pam_unix: the given password (mksim keeps the hash itself as the password)
 * equals USER's shadow field; with none, pam_rootok: a caller of real uid 0
 * whose context (with SELinux) may `passwd:rootok` on itself.
 */
function* authenticate(proc: UserProcess, uid: number, target: PasswdEntry, password: string | undefined): SysGen<string | null> {
  if (password === undefined || password === '-') {
    if (uid !== 0) return 'no password given';
    const context = yield* callerContext(proc);
    if (context !== null && (yield* checkPasswdAccess(proc, context, 'rootok', EXE)) < 0) return `${context} may not passwd:rootok`;
    return null;
  }
  const shadow = yield* readFile(proc, SHADOW_PATH);
  if (typeof shadow === 'number') return `cannot read ${SHADOW_PATH}: ${errnoName(shadow)}`;
  const line = new TextDecoder().decode(shadow).split('\n').find((l) => l.split(':')[0] === target.name);
  return line !== undefined && line.split(':')[1] === password ? null : 'wrong password';
}

export function* su(proc: UserProcess): SysGen<number> {
  const [name = 'root', password, path, ...args] = proc.ctx.args;
  const uid = yield* getuid(proc);
  const users = yield* readPasswd(proc);
  if (typeof users === 'number') {
    proc.print(`su: cannot read /etc/passwd: ${errnoName(users)}`);
    return 1;
  }
  const target = users.find((u) => u.name === name);
  if (target === undefined) {
    proc.print(`su: user ${name} does not exist`);
    return 1;
  }
  const refused = yield* authenticate(proc, uid, target, password);
  if (refused !== null) {
    proc.print(`su: Authentication failure (${refused})`);
    return 1;
  }
  // Group first: once the uid is not 0 any more, setgid would be refused.
  const g = yield* setgid(proc, target.gid);
  const u = g < 0 ? g : yield* setuid(proc, target.uid);
  if (u < 0) {
    proc.print(`su: cannot set ${g < 0 ? 'group' : 'user'} id: ${errnoName(u)}`);
    return 1;
  }
  const program = path ?? target.shell;
  const r = yield* exec(proc, program, args, proc.forkEnv());
  // Only a failed exec returns.
  proc.print(`su: failed to execute ${program}: ${errnoName(r)}`);
  return r === -ENOENT ? 127 : 126;
}
