/*
 * The FS server's call table (MINIX's table.c): request type -> handler.
 *   fsCallTable(fs)      handlers for every FsRequest, each guarded
 *   validateRequest(m)   EINVAL for a malformed request (wrong field types)
 * A handler that throws FsError (a user's mistake or a corrupt image) gets
 * an FS_REPLY with the errno and the message; the server keeps serving.
 */
import { EINVAL, EISDIR, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { isInt, type CallTable, type Handler } from '../../lib/server.js';
import { FsError } from './errors.js';
import { isDir } from './layout.js';
import { lookup } from './path.js';
import { putInode } from './inode.js';
import { removeDir, truncatePath, unlinkFile } from './link.js';
import { createFile, makeDir } from './open.js';
import { fsReply, type FsCreate, type FsGetdents, type FsMkdir, type FsRead, type FsRequestType, type FsRmdir, type FsStatReq, type FsTruncate, type FsUnlink, type FsWrite } from './protocol.js';
import { readFile } from './read.js';
import { readDirEntries, statFs, statPath } from './stadir.js';
import { syncAll } from './super.js';
import type { FsState } from './state.js';
import { writeFile } from './write.js';

type FsHandler<M extends Message> = (m: Envelope<M>) => Generator<KernelCall, Message, any>;

function guard<M extends Message>(fs: FsState, h: FsHandler<M>): Handler<M> {
  return function* (m) {
    try {
      return yield* h(m);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      fs.cache.releaseAll();
      fs.inodes.releaseAll();
      fs.ctx?.trace('error', { call: m.type, err: err.errno, message: err.message });
      return fsReply(-err.errno, { message: err.message });
    }
  };
}

function* ioFile(fs: FsState, m: FsRead | FsWrite, write: boolean): Generator<KernelCall, Message, any> {
  const ino = yield* lookup(fs, m.path);
  try {
    if (isDir(ino.d.mode)) throw new FsError(EISDIR, `'${m.path}' is a directory`);
    const n = write ? yield* writeFile(fs, ino, m.position, m.buffer) : yield* readFile(fs, ino, m.position, m.buffer);
    return fsReply(n);
  } finally {
    yield* putInode(fs, ino);
  }
}

export function fsCallTable(fs: FsState): CallTable {
  const table: Record<FsRequestType, Handler<any>> = {
    FS_CREATE: guard(fs, function* (m: FsCreate) {
      const ino = yield* createFile(fs, m.path, m.mode, { exclusive: m.exclusive, truncate: m.truncate, uid: m.uid, gid: m.gid });
      return fsReply(0, { ino });
    }),
    FS_MKDIR: guard(fs, function* (m: FsMkdir) {
      return fsReply(0, { ino: yield* makeDir(fs, m.path, m.mode, m.uid ?? 0, m.gid ?? 0) });
    }),
    FS_READ: guard(fs, (m: FsRead) => ioFile(fs, m, false)),
    FS_WRITE: guard(fs, (m: FsWrite) => ioFile(fs, m, true)),
    FS_TRUNCATE: guard(fs, function* (m: FsTruncate) {
      yield* truncatePath(fs, m.path, m.length);
      return fsReply(0);
    }),
    FS_STAT: guard(fs, function* (m: FsStatReq) {
      return fsReply(0, { stat: yield* statPath(fs, m.path) });
    }),
    FS_UNLINK: guard(fs, function* (m: FsUnlink) {
      yield* unlinkFile(fs, m.path);
      return fsReply(0);
    }),
    FS_RMDIR: guard(fs, function* (m: FsRmdir) {
      yield* removeDir(fs, m.path);
      return fsReply(0);
    }),
    FS_GETDENTS: guard(fs, function* (m: FsGetdents) {
      const { entries, next } = yield* readDirEntries(fs, m.path, m.index, m.count);
      return fsReply(entries.length, { entries, next });
    }),
    FS_STATFS: guard(fs, function* () {
      return fsReply(0, { statfs: yield* statFs(fs) });
    }),
    FS_SYNC: guard(fs, function* () {
      const r = yield* syncAll(fs);
      return fsReply(r, r < 0 ? { message: 'a write failed during sync; the blocks stay dirty' } : {});
    }),
  };
  return table;
}

const isNat = (v: unknown): boolean => isInt(v) && (v as number) >= 0;
const isStr = (v: unknown): boolean => typeof v === 'string';
const isOptInt = (v: unknown): boolean => v === undefined || isInt(v);

/** Field checks per request type: a malformed message gets EINVAL before any handler runs. */
export function validateRequest(m: Envelope): number {
  const f = m as Envelope & Record<string, unknown>;
  const ok = ((): boolean => {
    switch (m.type) {
      case 'FS_CREATE': case 'FS_MKDIR': return isStr(f.path) && isNat(f.mode) && isOptInt(f.uid) && isOptInt(f.gid);
      case 'FS_READ': case 'FS_WRITE': return isStr(f.path) && isNat(f.position) && f.buffer instanceof Uint8Array;
      case 'FS_TRUNCATE': return isStr(f.path) && isNat(f.length);
      case 'FS_STAT': case 'FS_UNLINK': case 'FS_RMDIR': return isStr(f.path);
      case 'FS_GETDENTS': return isStr(f.path) && isNat(f.index) && isNat(f.count);
      default: return true;
    }
  })();
  return ok ? 0 : EINVAL;
}
