/*
 * The FS's per-process table, as MINIX's fproc: credentials, umask, root
 * and working directory, descriptors, and what the process is suspended on.
 *   Fproc                      one process (implements Who for path lookups)
 *   FprocTable                 by endpoint
 *   procOf(fs, endpoint)       the entry, made on first use: uid 0, gid 0, '/' (until PM says otherwise)
 *   getFd(proc, fd)            the descriptor's entry, or EBADF
 *   freeFd(proc, from)         the lowest free descriptor >= from, or EMFILE
 *   Suspension                 a pipe read/write, an F_SETLKW or a socket call waiting to be revived
 */
import { EBADF, EMFILE, type Endpoint, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';
import type { Filp } from './filp.js';
import { getInode, holdLong, type Inode } from './inode.js';
import { ROOT_INODE } from './layout.js';
import type { FsState, Who } from './state.js';
import type { UserData } from './uio.js';

/** Descriptors per process (MINIX's OPEN_MAX). */
export const OPEN_MAX = 64;

export interface FdEntry {
  readonly filp: Filp;
  cloexec: boolean;
}

export interface PipeSuspension {
  readonly kind: 'pipe';
  readonly write: boolean;
  readonly filp: Filp;
  readonly buffer: UserData;
  /** Bytes moved so far (a large write goes in pieces). */
  done: number;
}

export interface LockSuspension {
  readonly kind: 'lock';
  readonly inoNr: number;
  readonly type: number;
  readonly first: number;
  readonly last: number;
}

/** A socket call INET has not answered yet (recv, accept, connect, send): INET_DONE revives it. */
export interface SockSuspension {
  readonly kind: 'sock';
  readonly sock: number;
}

export type Suspension = PipeSuspension | LockSuspension | SockSuspension;

export class Fproc implements Who {
  uid = 0;
  gid = 0;
  pid = 0;
  umask = 0o022;
  /** Security context PM gave (null: none yet) and the creation context (/proc/self/attr/fscreate). */
  context: string | null = null;
  fscreate: string | null = null;
  readonly fds: (FdEntry | null)[] = new Array<FdEntry | null>(OPEN_MAX).fill(null);
  suspended: Suspension | null = null;
  constructor(readonly endpoint: Endpoint, public root: Inode, public cwd: Inode) {}

  get rootNr(): number { return this.root.nr; }
  get cwdNr(): number { return this.cwd.nr; }
}

export class FprocTable {
  readonly byEndpoint = new Map<Endpoint, Fproc>();
}

export function* procOf(fs: FsState, endpoint: Endpoint): Generator<KernelCall, Fproc, any> {
  const known = fs.procs.byEndpoint.get(endpoint);
  if (known !== undefined) return known;
  const root = yield* getInode(fs, ROOT_INODE);
  holdLong(root);
  const cwd = yield* getInode(fs, ROOT_INODE);
  holdLong(cwd);
  const p = new Fproc(endpoint, root, cwd);
  fs.procs.byEndpoint.set(endpoint, p);
  return p;
}

export function getFd(proc: Fproc, fd: number): FdEntry {
  const e = Number.isInteger(fd) && fd >= 0 && fd < OPEN_MAX ? proc.fds[fd] : null;
  if (e === null || e === undefined) throw new FsError(EBADF, `descriptor ${fd} is not open`);
  return e;
}

export function freeFd(proc: Fproc, from = 0): number {
  for (let fd = from; fd < OPEN_MAX; fd++) if (proc.fds[fd] === null) return fd;
  throw new FsError(EMFILE, `all ${OPEN_MAX} descriptors of the process are open`);
}
