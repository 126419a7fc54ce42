/*
 * The file commands of the language, as system calls to the file server,
 * made with the process's own credentials and working directory.
 *   fsCommands   name -> implementation: mkdir, rmdir, rm, write, cat, ls, stat, lstat, sync, cd, ln, mv, chmod,
 *                chown, and the descriptor commands open, read, writefd, lseek, fsync, close, pipe, lock
 *   openFlags(text)   'O_WRONLY|O_CREAT' -> the flag bits
 * Descriptors are named in the script (proc.fdsByName). Output goes to the
 * console, prefixed by the process name by `mksim boot`.
 */
import { EBADF, EINVAL } from '../../kernel/errno.js';
import * as fs from '../syscalls/fs.js';
import type { FsStat } from '../../servers/fs/protocol.js';
import type { SysGen, UserProcess } from '../user/process.js';
import type { CommandImpl } from './run.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Bytes for `write --bytes N`: a repeating, recognisable pattern. */
export function patternBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 97 + (i % 26);
  return out;
}

const OPEN_FLAGS: Readonly<Record<string, number>> = {
  O_RDONLY: fs.O_RDONLY, O_WRONLY: fs.O_WRONLY, O_RDWR: fs.O_RDWR, O_CREAT: fs.O_CREAT,
  O_EXCL: fs.O_EXCL, O_TRUNC: fs.O_TRUNC, O_APPEND: fs.O_APPEND, O_NONBLOCK: fs.O_NONBLOCK,
};

export function openFlags(text: string): number {
  let flags = 0;
  for (const f of text.split('|')) flags |= OPEN_FLAGS[f] ?? 0;
  return flags;
}

const LOCK_TYPES: Readonly<Record<string, number>> = { rd: fs.F_RDLCK, wr: fs.F_WRLCK, un: fs.F_UNLCK };

/** A command's outcome known without a system call, as the generator commands return. */
function* result(status: number): SysGen<number> { return status; }

/** The descriptor a script named, or -EBADF. */
function fdOf(proc: UserProcess, name: string): number {
  return proc.fdsByName.get(name) ?? -EBADF;
}

function printText(proc: UserProcess, bytes: Uint8Array): void {
  const text = textDecoder.decode(bytes);
  if (text.length > 0) proc.print(text.endsWith('\n') ? text.slice(0, -1) : text);
}

const textOrBytes = (c: { args: readonly string[]; flags: Readonly<Record<string, number | true>> }, at: number): Uint8Array =>
  typeof c.flags.bytes === 'number' ? patternBytes(c.flags.bytes) : textEncoder.encode(c.args[at] ?? '');

function printStat(proc: UserProcess, path: string, r: FsStat | number): number {
  if (typeof r === 'number') return r;
  const type = (r.mode & S_IFMT) === S_IFDIR ? 'directory' : (r.mode & S_IFMT) === S_IFLNK ? 'symlink' : 'file';
  proc.print(`${path}: inode ${r.ino} ${type} mode ${(r.mode & 0o7777).toString(8).padStart(4, '0')} links ${r.nlinks} uid ${r.uid} gid ${r.gid} size ${r.size}`);
  return 0;
}

export const fsCommands: Readonly<Record<string, CommandImpl>> = {
  *mkdir(proc, c) {
    return yield* fs.mkdir(proc, c.args[0]!, c.args[1] === undefined ? 0o755 : c.values[1]!);
  },
  rmdir(proc, c) { return fs.rmdir(proc, c.args[0]!); },
  rm(proc, c) { return fs.unlink(proc, c.args[0]!); },
  sync(proc) { return fs.sync(proc); },
  *write(proc, c) {
    const r = yield* fs.writeFile(proc, c.args[0]!, textOrBytes(c, 1), { append: c.flags.append === true });
    return r < 0 ? r : 0;
  },
  *cat(proc, c) {
    const r = yield* fs.readFile(proc, c.args[0]!);
    if (typeof r === 'number') return r;
    printText(proc, r);
    return 0;
  },
  *ls(proc, c) {
    const r = yield* fs.readdir(proc, c.args[0] ?? '.');
    if (typeof r === 'number') return r;
    const names = r.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
    if (names.length > 0) proc.print(names.join('  '));
    return 0;
  },
  // stat follows a symbolic link (stat(2)); lstat describes the link itself (lstat(2)).
  *stat(proc, c) { return printStat(proc, c.args[0]!, yield* fs.stat(proc, c.args[0]!)); },
  *lstat(proc, c) { return printStat(proc, c.args[0]!, yield* fs.lstat(proc, c.args[0]!)); },
  cd(proc, c) { return fs.chdir(proc, c.args[0]!); },
  *ln(proc, c) {
    const [target, name] = [c.args[0]!, c.args[1]!];
    return c.flags.s === true ? yield* fs.symlink(proc, target, name) : yield* fs.link(proc, target, name);
  },
  mv(proc, c) { return fs.rename(proc, c.args[0]!, c.args[1]!); },
  chmod(proc, c) { return fs.chmod(proc, c.args[1]!, c.values[0]!); },
  *chown(proc, c) {
    const [uid, gid] = c.args[0]!.split(':');
    return yield* fs.chown(proc, c.args[1]!, Number(uid), gid === undefined ? -1 : Number(gid));
  },
  *open(proc, c) {
    const fd = yield* fs.open(proc, c.args[1]!, openFlags(c.args[2] ?? 'O_RDONLY'), 0o644);
    if (fd >= 0) proc.fdsByName.set(c.args[0]!, fd);
    return fd;
  },
  *read(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    const want = c.values[1]!;
    if (fd < 0) return fd;
    if (want < 0) return -EINVAL;
    const buffer = new Uint8Array(want);
    const n = yield* fs.read(proc, fd, buffer);
    if (n > 0) printText(proc, buffer.subarray(0, n));
    return n;
  },
  *writefd(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    return yield* fs.writeAll(proc, fd, textOrBytes(c, 1));
  },
  // Not a generator itself: the system call's generator is the command's (one frame per call).
  lseek(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    return fd < 0 ? result(fd) : fs.lseek(proc, fd, c.values[1]!, fs.SEEK_SET);
  },
  *fsync(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    return fd < 0 ? fd : yield* fs.fsync(proc, fd);
  },
  *close(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    if (fd < 0) return fd;
    const r = yield* fs.close(proc, fd);
    if (r >= 0) proc.fdsByName.delete(c.args[0]!);
    return r;
  },
  *pipe(proc, c) {
    const r = yield* fs.pipe(proc);
    if (typeof r === 'number') return r;
    proc.fdsByName.set(c.args[0]!, r[0]);
    proc.fdsByName.set(c.args[1]!, r[1]);
    return 0;
  },
  *lock(proc, c) {
    const fd = fdOf(proc, c.args[0]!);
    const type = LOCK_TYPES[c.args[1]!];
    if (fd < 0) return fd;
    if (type === undefined) return -EINVAL;
    const start = c.values[2] ?? 0;
    const len = c.values[3] ?? 0;
    return yield* fs.lock(proc, fd, { type, whence: fs.SEEK_SET, start, len }, c.flags.wait === true);
  },
};
