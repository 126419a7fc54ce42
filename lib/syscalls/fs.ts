/*
 * System calls served by the file system, as generator functions over a
 * UserProcess: `const r = yield* mkdir(proc, '/home/alice', 0o755)`.
 *   mkdir, rmdir, unlink, stat, readdir, sync
 *   writeFile(path, bytes, { append }), readFile(path)   whole-file helpers the commands use
 * Each returns its result or -errno. Relative paths are taken from the
 * process's working directory, kept here until the file server keeps one
 * per process (the descriptor layer).
 */
import type { FsDirent, FsReply, FsStat } from '../../servers/fs/protocol.js';
import type { SysGen, UserProcess } from '../user/process.js';

/** Bytes moved per FS_READ / FS_WRITE request. */
export const IO_CHUNK_BYTES = 64 * 1024;
/** A bound on a file read whole by readFile (the `cat` of a simulator, not a pager). */
export const MAX_READ_FILE_BYTES = 16 * 1024 * 1024;

const cwdOf = new WeakMap<UserProcess, string>();

export function absolute(proc: UserProcess, path: string): string {
  if (path.startsWith('/')) return normalize(path);
  return normalize(`${cwdOf.get(proc) ?? '/'}/${path}`);
}

/** Collapse '.', '..' and repeated slashes, as a lookup from the root would. */
export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

function* fsCall(proc: UserProcess, msg: { type: string; [k: string]: unknown }): SysGen<FsReply | number> {
  const r = yield* proc.call('fs', msg);
  if (typeof r === 'number') return r;
  return r as unknown as FsReply;
}

function* fsStatus(proc: UserProcess, msg: { type: string; [k: string]: unknown }): SysGen<number> {
  const r = yield* fsCall(proc, msg);
  return typeof r === 'number' ? r : r.status;
}

export function* mkdir(proc: UserProcess, path: string, mode: number, owner?: { uid: number; gid: number }): SysGen<number> {
  return yield* fsStatus(proc, { type: 'FS_MKDIR', path: absolute(proc, path), mode, ...owner });
}

export function* rmdir(proc: UserProcess, path: string): SysGen<number> {
  return yield* fsStatus(proc, { type: 'FS_RMDIR', path: absolute(proc, path) });
}

export function* unlink(proc: UserProcess, path: string): SysGen<number> {
  return yield* fsStatus(proc, { type: 'FS_UNLINK', path: absolute(proc, path) });
}

export function* sync(proc: UserProcess): SysGen<number> {
  return yield* fsStatus(proc, { type: 'FS_SYNC' });
}

export function* stat(proc: UserProcess, path: string): SysGen<FsStat | number> {
  const r = yield* fsCall(proc, { type: 'FS_STAT', path: absolute(proc, path) });
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : r.stat!;
}

/** Every entry of a directory, '.' and '..' included. */
export function* readdir(proc: UserProcess, path: string): SysGen<FsDirent[] | number> {
  const entries: FsDirent[] = [];
  const abs = absolute(proc, path);
  for (let index = 0, rounds = 0; index >= 0; rounds++) {
    if (rounds > 1 << 20) return -40; // ELOOP: a directory that never ends
    const r = yield* fsCall(proc, { type: 'FS_GETDENTS', path: abs, index, count: 64 });
    if (typeof r === 'number') return r;
    if (r.status < 0) return r.status;
    entries.push(...(r.entries ?? []));
    index = r.next ?? -1;
  }
  return entries;
}

/** Create (or truncate, or append to) a file and write `bytes`. Returns the bytes written or -errno. */
export function* writeFile(proc: UserProcess, path: string, bytes: Uint8Array, opts: { append?: boolean; mode?: number; owner?: { uid: number; gid: number } } = {}): SysGen<number> {
  const abs = absolute(proc, path);
  const created = yield* fsCall(proc, { type: 'FS_CREATE', path: abs, mode: opts.mode ?? 0o644, truncate: !opts.append, ...opts.owner });
  if (typeof created === 'number') return created;
  if (created.status < 0) return created.status;
  let position = 0;
  if (opts.append) {
    const st = yield* stat(proc, abs);
    if (typeof st === 'number') return st;
    position = st.size;
  }
  let written = 0;
  while (written < bytes.length) {
    const piece = bytes.subarray(written, Math.min(bytes.length, written + IO_CHUNK_BYTES));
    const n = yield* fsStatus(proc, { type: 'FS_WRITE', path: abs, position: position + written, buffer: piece });
    if (n < 0) return n;
    if (n === 0) return -28; // ENOSPC: the server accepted nothing
    written += n;
  }
  return written;
}

/** A whole file, or -errno. */
export function* readFile(proc: UserProcess, path: string): SysGen<Uint8Array | number> {
  const abs = absolute(proc, path);
  const chunks: Uint8Array[] = [];
  let position = 0;
  for (;;) {
    if (position > MAX_READ_FILE_BYTES) return -27; // EFBIG
    const buffer = new Uint8Array(IO_CHUNK_BYTES);
    const n = yield* fsStatus(proc, { type: 'FS_READ', path: abs, position, buffer });
    if (n < 0) return n;
    if (n === 0) break;
    chunks.push(buffer.subarray(0, n));
    position += n;
  }
  const out = new Uint8Array(position);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

export function setCwd(proc: UserProcess, path: string): void {
  cwdOf.set(proc, absolute(proc, path));
}
