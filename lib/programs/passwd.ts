/*
 * passwd: change a user's password entry in /etc/shadow (for the security
 * lab: run from user_t it must transition to passwd_t to be allowed to
 * write the shadow file). argv: [USER] [HASH].
 */
import { errnoName } from '../../kernel/errno.js';
import { readFile, writeFile } from '../syscalls/fs.js';
import { getuid } from '../syscalls/pm.js';
import type { SysGen, UserProcess } from '../user/process.js';

export const SHADOW_PATH = '/etc/shadow';

export function* passwd(proc: UserProcess): SysGen<number> {
  const uid = yield* getuid(proc);
  const user = proc.ctx.args[0] ?? `uid${uid}`;
  const hash = proc.ctx.args[1] ?? `$mksim$${uid}`;
  const old = yield* readFile(proc, SHADOW_PATH);
  const lines = typeof old === 'number' ? [] : new TextDecoder().decode(old).split('\n').filter((l) => l.length > 0);
  const entry = `${user}:${hash}:0:0:99999:7:::`;
  const i = lines.findIndex((l) => l.startsWith(`${user}:`));
  if (i >= 0) lines[i] = entry; else lines.push(entry);
  const w = yield* writeFile(proc, SHADOW_PATH, new TextEncoder().encode(lines.join('\n') + '\n'));
  if (w < 0) {
    proc.print(`passwd: cannot write ${SHADOW_PATH}: ${errnoName(w)}`);
    return 1;
  }
  proc.print(`passwd: password for ${user} changed`);
  return 0;
}
