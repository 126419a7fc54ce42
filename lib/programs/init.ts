/*
 * init: run /etc/rc with sh if the image has one, then reap children until
 * none are left (orphans come to init, as in MINIX).
 */
import { ECHILD } from '../../kernel/errno.js';
import { fork, waitpid } from '../syscalls/pm.js';
import { stat } from '../syscalls/fs.js';
import type { SysGen, UserProcess } from '../user/process.js';

export const RC_PATH = '/etc/rc';
export const MAX_CHILDREN_REAPED = 1 << 20;

export function* init(proc: UserProcess): SysGen<number> {
  const rc = yield* stat(proc, RC_PATH);
  if (typeof rc !== 'number') yield* fork(proc, 'sh', 'rc');
  for (let i = 0; i < MAX_CHILDREN_REAPED; i++) {
    const [pid] = yield* waitpid(proc, -1);
    if (pid === -ECHILD) break;
  }
  return 0;
}
