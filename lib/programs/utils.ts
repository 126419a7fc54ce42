/*
 * Small file utilities as programs: ls, cat, cp. Each takes its operands
 * from argv and prints errors as `prog: path: ERRNO`.
 *   ls [PATH...], cat [PATH...], cp FROM TO
 * cat with no operand copies its standard input (fd 0: a pipe after `dup2 r 0`) until end of file.
 */
import { errnoName } from '../../kernel/errno.js';
import { read, readdir, readFile, writeFile } from '../syscalls/fs.js';
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

/** Reads of standard input cat makes at most (a bound on a writer that never closes). */
const MAX_STDIN_READS = 1 << 16;

export function* cat(proc: UserProcess): SysGen<number> {
  if (proc.ctx.args.length === 0) {
    const buffer = new Uint8Array(4096);
    let text = '';
    for (let i = 0; i < MAX_STDIN_READS; i++) {
      const n = yield* read(proc, 0, buffer);
      if (n < 0) { proc.print(`cat: standard input: ${errnoName(n)}`); return 1; }
      if (n === 0) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    if (text.length > 0) proc.print(text.endsWith('\n') ? text.slice(0, -1) : text);
    return 0;
  }
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
