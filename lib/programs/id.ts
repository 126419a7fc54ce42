/*
 * id: print the caller's real and effective ids and security context, as
 * coreutils' `id` (user names from /etc/passwd; no /etc/group: gid as a number;
 * `euid=` only when it differs from the real uid; `context=` when SELinux runs).
 *   id   the program
 */
import { errnoName } from '../../kernel/errno.js';
import { NONE } from '../../kernel/index.js';
import { getcon } from '../syscalls/security.js';
import type { SysGen, UserProcess } from '../user/process.js';
import { readPasswd } from './pwent.js';

export function* id(proc: UserProcess): SysGen<number> {
  const r = yield* proc.call('pm', { type: 'PM_GETUID' });
  if (typeof r === 'number' || r.status < 0) {
    proc.print(`id: ${errnoName(typeof r === 'number' ? r : r.status)}`);
    return 1;
  }
  const uid = r.status;
  const euid = typeof r.value === 'number' ? r.value : uid;
  const gid = typeof r.value2 === 'number' ? r.value2 : 0;
  const users = yield* readPasswd(proc);
  const nameOf = (n: number): string => {
    const u = typeof users === 'number' ? undefined : users.find((e) => e.uid === n);
    return u === undefined ? String(n) : `${n}(${u.name})`;
  };
  const context = proc.ctx.endpointOf('security') === NONE ? -1 : yield* getcon(proc);
  proc.print([
    `uid=${nameOf(uid)}`, `gid=${gid}`, ...(euid !== uid ? [`euid=${nameOf(euid)}`] : []),
    ...(typeof context === 'string' ? [`context=${context}`] : []),
  ].join(' '));
  return 0;
}
