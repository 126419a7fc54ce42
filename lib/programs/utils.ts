/*
 * Small file utilities as programs: ls, cat, cp. Each takes its operands
 * from argv and prints errors as `prog: path: ERRNO`.
 *   ls [PATH...], cat PATH..., cp FROM TO
 */
import { errnoName } from '../../kernel/errno.js';
import { readdir, readFile, writeFile } from '../syscalls/fs.js';
import type { SysGen, UserProcess } from '../user/process.js';

export function* ls(proc: UserProcess): SysGen<number> {
  const paths = proc.ctx.args.length > 0 ? proc.ctx.args : ['.'];
  let status = 0;
  for (const path of paths) {
    const r = yield* readdir(proc, path);
    if (typeof r === 'number') { proc.print(`ls: ${path}: ${errnoName(r)}`); status = 1; continue; }
    proc.print(r.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort().join('  '));
  }
  return status;
}

export function* cat(proc: UserProcess): SysGen<number> {
  let status = 0;
  for (const path of proc.ctx.args) {
    const r = yield* readFile(proc, path);
    if (typeof r === 'number') { proc.print(`cat: ${path}: ${errnoName(r)}`); status = 1; continue; }
    const text = new TextDecoder().decode(r);
    if (text.length > 0) proc.print(text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  return status;
}

export function* cp(proc: UserProcess): SysGen<number> {
  const [from, to] = proc.ctx.args;
  if (from === undefined || to === undefined) { proc.print('usage: cp FROM TO'); return 2; }
  const r = yield* readFile(proc, from);
  if (typeof r === 'number') { proc.print(`cp: ${from}: ${errnoName(r)}`); return 1; }
  const w = yield* writeFile(proc, to, r);
  if (w < 0) { proc.print(`cp: ${to}: ${errnoName(w)}`); return 1; }
  return 0;
}
