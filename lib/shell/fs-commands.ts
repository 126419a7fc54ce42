/*
 * The file commands of the language, as system calls to the file server.
 *   fsCommands   name -> implementation (mkdir, rmdir, rm, write, cat, ls, stat, sync, cd)
 * Output goes to the console, prefixed by the process name by `mksim boot`.
 */
import { ENOTDIR } from '../../kernel/errno.js';
import * as fs from '../syscalls/fs.js';
import type { CommandImpl } from './run.js';
import { parseMode } from './values.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Bytes for `write --bytes N`: a repeating, recognisable pattern. */
export function patternBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 97 + (i % 26);
  return out;
}

export const fsCommands: Readonly<Record<string, CommandImpl>> = {
  *mkdir(proc, c) {
    return yield* fs.mkdir(proc, c.args[0]!, c.args[1] === undefined ? 0o755 : parseMode(c.args[1])!);
  },
  *rmdir(proc, c) { return yield* fs.rmdir(proc, c.args[0]!); },
  *rm(proc, c) { return yield* fs.unlink(proc, c.args[0]!); },
  *sync(proc) { return yield* fs.sync(proc); },
  *write(proc, c) {
    const bytes = typeof c.flags.bytes === 'number' ? patternBytes(c.flags.bytes) : textEncoder.encode(c.args[1] ?? '');
    const r = yield* fs.writeFile(proc, c.args[0]!, bytes, { append: c.flags.append === true });
    return r < 0 ? r : 0;
  },
  *cat(proc, c) {
    const r = yield* fs.readFile(proc, c.args[0]!);
    if (typeof r === 'number') return r;
    const text = textDecoder.decode(r);
    if (text.length > 0) proc.print(text.endsWith('\n') ? text.slice(0, -1) : text);
    return 0;
  },
  *ls(proc, c) {
    const r = yield* fs.readdir(proc, c.args[0] ?? '.');
    if (typeof r === 'number') return r;
    const names = r.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
    proc.print(names.join('  '));
    return 0;
  },
  *stat(proc, c) {
    const r = yield* fs.stat(proc, c.args[0]!);
    if (typeof r === 'number') return r;
    const type = (r.mode & S_IFMT) === S_IFDIR ? 'directory' : 'file';
    proc.print(`${c.args[0]}: inode ${r.ino} ${type} mode ${(r.mode & 0o7777).toString(8).padStart(4, '0')} links ${r.nlinks} uid ${r.uid} gid ${r.gid} size ${r.size}`);
    return 0;
  },
  *cd(proc, c) {
    const r = yield* fs.stat(proc, c.args[0]!);
    if (typeof r === 'number') return r;
    if ((r.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
    fs.setCwd(proc, c.args[0]!);
    return 0;
  },
};
