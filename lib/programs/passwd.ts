/*
 * passwd [USER] [HASH]: set USER's hash in /etc/shadow (default: the caller's
 * entry, `$mksim$UID`). It runs in passwd_t, the one domain that writes shadow_t,
 * so it decides who may change what, as shadow-utils' passwd with Red Hat's
 * check_selinux_access (the seed's spasswd): see docs/security.md (passwd and su).
 *   passwd   the program
 */
import { ENOENT, errnoName } from '../../kernel/errno.js';
import { readFile, writeFile } from '../syscalls/fs.js';
import { getuid } from '../syscalls/pm.js';
import type { SysGen, UserProcess } from '../user/process.js';
import { callerContext, checkPasswdAccess, identityOf } from './passwd-access.js';
import { readPasswd, SHADOW_PATH, validShadowField } from './pwent.js';

export { SHADOW_PATH } from './pwent.js';

const EXE = '/usr/bin/passwd';

/** E_NOPERM of shadow-utils' passwd: the caller may not change this entry. */
const E_NOPERM = 1;

export function* passwd(proc: UserProcess): SysGen<number> {
  const uid = yield* getuid(proc);
  const users = yield* readPasswd(proc);
  if (typeof users === 'number') {
    proc.print(`passwd: cannot read /etc/passwd: ${errnoName(users)}`);
    return 1;
  }
  const name = proc.ctx.args[0] ?? users.find((u) => u.uid === uid)?.name;
  const target = users.find((u) => u.name === name);
  if (name === undefined || target === undefined) {
    proc.print(`passwd: user '${name ?? uid}' does not exist`);
    return 1;
  }
  const hash = proc.ctx.args[1] ?? `$mksim$${target.uid}`;
  if (!validShadowField(target.name) || !validShadowField(hash)) {
    proc.print('passwd: a name or hash may not hold ":" or a newline');
    return 2;
  }
  // shadow-utils: without root, only one's own entry (by real uid, whatever the effective one).
  if (uid !== 0 && target.uid !== uid) {
    proc.print(`passwd: You may not view or modify password information for ${target.name}.`);
    return E_NOPERM;
  }
  // check_selinux_access, asked only of root: uid 0 alone is not enough to change another's password.
  if (uid === 0) {
    const context = yield* callerContext(proc);
    const own = context !== null && identityOf(context) === target.name && target.uid !== 0;
    if (context !== null && !own && (yield* checkPasswdAccess(proc, context, 'passwd', EXE)) < 0) {
      proc.print(`passwd: SELinux denying access due to security policy (${context} may not change the password of ${target.name}).`);
      return E_NOPERM;
    }
  }
  const old = yield* readFile(proc, SHADOW_PATH);
  if (typeof old === 'number' && old !== -ENOENT) {
    proc.print(`passwd: cannot read ${SHADOW_PATH}: ${errnoName(old)}`);
    return 1;
  }
  const lines = typeof old === 'number' ? [] : new TextDecoder().decode(old).split('\n').filter((l) => l.length > 0);
  const i = lines.findIndex((l) => l.split(':')[0] === target.name);
  // The other fields (aging) stay as they were; a user with no shadow entry gets one (pwd_to_spwd).
  const fields = i >= 0 ? lines[i]!.split(':') : [target.name, '', '0', '0', '99999', '7', '', '', ''];
  fields[1] = hash;
  const entry = fields.join(':');
  if (i >= 0) lines[i] = entry; else lines.push(entry);
  const w = yield* writeFile(proc, SHADOW_PATH, new TextEncoder().encode(lines.join('\n') + '\n'));
  if (w < 0) {
    proc.print(`passwd: cannot write ${SHADOW_PATH}: ${errnoName(w)}`);
    return 1;
  }
  proc.print(`passwd: password for ${target.name} changed`);
  return 0;
}
