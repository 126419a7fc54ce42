/*
 * The user database as libc reads it (getpwent.c): /etc/passwd lines
 * `name:x:uid:gid:gecos:home:shell`, and the shadow entries of /etc/shadow.
 *   readPasswd(proc)          the entries of /etc/passwd, or -errno
 *   parsePasswd(text)         the same from text (malformed lines are skipped, as getpwent skips them)
 *   validShadowField(text)    whether a name or hash can be written into a shadow line
 */
import { readFile } from '../syscalls/fs.js';
import type { SysGen, UserProcess } from '../user/process.js';

export const PASSWD_PATH = '/etc/passwd';
export const SHADOW_PATH = '/etc/shadow';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** Bound on the entries read: the file is the program's input, a huge one must not hold it forever. */
const MAX_ENTRIES = 4096;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n').slice(0, MAX_ENTRIES)) {
    const f = line.split(':');
    if (f.length < 7 || f[0] === '' || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! });
  }
  return out;
}

export function* readPasswd(proc: UserProcess): SysGen<PasswdEntry[] | number> {
  const bytes = yield* readFile(proc, PASSWD_PATH);
  return typeof bytes === 'number' ? bytes : parsePasswd(new TextDecoder().decode(bytes));
}

/** A shadow field may not hold the separators: a ':' or a newline would let the caller write other fields or lines. */
export function validShadowField(text: string): boolean {
  return text.length > 0 && text.length <= 256 && !/[:\n\r]/.test(text);
}
