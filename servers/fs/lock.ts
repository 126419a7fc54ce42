/*
 * Advisory record locks, as MINIX's lock.c: fcntl F_GETLK, F_SETLK, F_SETLKW.
 *   LockTable                        the locks (at most NR_LOCKS: ENOLCK) and the processes waiting in F_SETLKW
 *   doLock(fs, proc, filp, cmd, fl)  a reply, or null when the caller waits (with MAC: file:lock first, as selinux_file_fcntl)
 *   releaseLocks(fs, owner, inoNr)   drop a process's locks (on one inode: close; all: exit), then wake waiters
 *   cancelLockWait(fs, proc)         take a waiting process off the queue (signal, exit)
 * Locks belong to processes (endpoints), not descriptors. A lock never
 * overlaps another of its owner: setting one first clears the owner's
 * range. Waiters retry in arrival order after every release, so they are
 * woken in the order they asked.
 */
import { EAGAIN, EBADF, EDEADLK, EINVAL, ENOLCK, send, type Endpoint, type KernelCall, type Message } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { mayRead, mayWrite, type Filp } from './filp.js';
import type { Fproc, LockSuspension } from './fproc.js';
import { macFilePerm } from './mac.js';
import { F_GETLK, F_RDLCK, F_SETLKW, F_UNLCK, F_WRLCK, fsReply, SEEK_CUR, SEEK_END, SEEK_SET, type FsFlock } from './protocol.js';
import type { FsState } from './state.js';

export const NR_LOCKS = 64;
/** The last byte a lock may cover ("to the end of the file and beyond"). */
export const LOCK_END = Number.MAX_SAFE_INTEGER;

export interface Lock {
  readonly type: number;
  readonly owner: Endpoint;
  readonly pid: number;
  readonly inoNr: number;
  readonly first: number;
  readonly last: number;
}

export class LockTable {
  locks: Lock[] = [];
  readonly waiters: Fproc[] = [];
  constructor(readonly slots = NR_LOCKS) {}
}

const overlaps = (l: Lock, inoNr: number, first: number, last: number): boolean => l.inoNr === inoNr && l.first <= last && first <= l.last;

function conflicts(fs: FsState, owner: Endpoint, req: { inoNr: number; type: number; first: number; last: number }): Lock[] {
  return fs.locks.locks.filter((l) => l.owner !== owner && overlaps(l, req.inoNr, req.first, req.last) && (l.type === F_WRLCK || req.type === F_WRLCK));
}

/** Would `proc` waiting for the holders of `blocking` close a cycle of waiters? */
function deadlocks(fs: FsState, proc: Fproc, blocking: readonly Lock[]): boolean {
  const seen = new Set<Endpoint>();
  const stack = blocking.map((l) => l.owner);
  while (stack.length > 0) {
    const ep = stack.pop()!;
    if (ep === proc.endpoint) return true;
    if (seen.has(ep)) continue;
    seen.add(ep);
    const w = fs.procs.byEndpoint.get(ep);
    const s = w?.suspended;
    if (s?.kind === 'lock') for (const l of conflicts(fs, ep, s)) stack.push(l.owner);
  }
  return false;
}

/** Clear owner's locks over [first, last], splitting those that stick out. */
function clearRange(fs: FsState, owner: Endpoint, inoNr: number, first: number, last: number): Lock[] {
  const out: Lock[] = [];
  for (const l of fs.locks.locks) {
    if (l.owner !== owner || !overlaps(l, inoNr, first, last)) { out.push(l); continue; }
    if (l.first < first) out.push({ ...l, last: first - 1 });
    if (l.last > last) out.push({ ...l, first: last + 1 });
  }
  return out;
}

/** Set (or clear, F_UNLCK) owner's lock; ENOLCK when the table would overflow. */
function apply(fs: FsState, proc: Fproc, req: { inoNr: number; type: number; first: number; last: number }): void {
  const next = clearRange(fs, proc.endpoint, req.inoNr, req.first, req.last);
  if (req.type !== F_UNLCK) next.push({ type: req.type, owner: proc.endpoint, pid: proc.pid, inoNr: req.inoNr, first: req.first, last: req.last });
  if (next.length > fs.locks.slots) throw new FsError(ENOLCK, `lock table full: ${fs.locks.slots} locks`);
  fs.locks.locks = next.sort((a, b) => a.inoNr - b.inoNr || a.first - b.first);
}

export function* doLock(fs: FsState, proc: Fproc, filp: Filp, cmd: number, fl: FsFlock): Generator<KernelCall, Message | null, any> {
  const ino = filp.ino;
  if (ino === null) throw new FsError(EINVAL, 'cannot lock a pipe');
  // selinux_file_fcntl: F_GETLK, F_SETLK and F_SETLKW all need file:lock, through file_has_perm (fd:use first).
  yield* macFilePerm(fs, proc, filp, ['lock'], `lock inode ${ino.nr}`);
  if (![F_RDLCK, F_WRLCK, F_UNLCK].includes(fl.type)) throw new FsError(EINVAL, `bad lock type ${fl.type}`);
  const base = fl.whence === SEEK_SET ? 0 : fl.whence === SEEK_CUR ? filp.pos : fl.whence === SEEK_END ? ino.d.size : NaN;
  if (Number.isNaN(base)) throw new FsError(EINVAL, `bad whence ${fl.whence}`);
  let first = base + fl.start;
  let last = fl.len === 0 ? LOCK_END : first + fl.len - 1;
  if (fl.len < 0) { last = first - 1; first += fl.len; }
  if (first < 0 || last < first) throw new FsError(EINVAL, `lock range [${first}, ${last}] is invalid`);
  const req = { inoNr: ino.nr, type: fl.type, first, last };
  if (cmd === F_GETLK) {
    const c = conflicts(fs, proc.endpoint, req)[0];
    const lock: FsFlock = c === undefined ? { ...fl, type: F_UNLCK }
      : { type: c.type, whence: SEEK_SET, start: c.first, len: c.last === LOCK_END ? 0 : c.last - c.first + 1, pid: c.pid };
    return fsReply(0, { lock });
  }
  if (fl.type === F_RDLCK && !mayRead(filp)) throw new FsError(EBADF, 'read lock on a descriptor not open for reading');
  if (fl.type === F_WRLCK && !mayWrite(filp)) throw new FsError(EBADF, 'write lock on a descriptor not open for writing');
  if (fl.type === F_UNLCK) {
    apply(fs, proc, req);
    yield* wakeWaiters(fs);
    return fsReply(0);
  }
  const blocking = conflicts(fs, proc.endpoint, req);
  if (blocking.length === 0) {
    apply(fs, proc, req);
    // Shrinking or downgrading one's own lock may let a waiter in.
    yield* wakeWaiters(fs);
    return fsReply(0);
  }
  if (cmd !== F_SETLKW) throw new FsError(EAGAIN, `bytes ${first}..${last} of inode ${ino.nr} are locked by endpoint ${blocking[0]!.owner}`);
  if (deadlocks(fs, proc, blocking)) throw new FsError(EDEADLK, `waiting for inode ${ino.nr} bytes ${first}..${last} would deadlock`);
  proc.suspended = { kind: 'lock', ...req };
  fs.locks.waiters.push(proc);
  fs.ctx?.trace('lock', { op: 'wait', proc: proc.endpoint, ino: ino.nr, first, last, type: fl.type });
  return null;
}

/** Every waiter retries, oldest first; those still in conflict keep their place. */
function* wakeWaiters(fs: FsState): Generator<KernelCall, void, any> {
  const q = fs.locks.waiters;
  for (let i = 0; i < q.length;) {
    const w = q[i]!;
    const s = w.suspended as LockSuspension;
    if (conflicts(fs, w.endpoint, s).length > 0) { i++; continue; }
    q.splice(i, 1);
    w.suspended = null;
    let status = 0;
    try {
      apply(fs, w, s);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      status = -err.errno;
    }
    fs.ctx?.trace('lock', { op: 'granted', proc: w.endpoint, ino: s.inoNr, first: s.first, last: s.last, status });
    yield send(w.endpoint, fsReply(status));
  }
}

export function* releaseLocks(fs: FsState, owner: Endpoint, inoNr: number | null): Generator<KernelCall, void, any> {
  const before = fs.locks.locks.length;
  fs.locks.locks = fs.locks.locks.filter((l) => l.owner !== owner || (inoNr !== null && l.inoNr !== inoNr));
  if (fs.locks.locks.length !== before) yield* wakeWaiters(fs);
}

export function cancelLockWait(fs: FsState, proc: Fproc): void {
  const i = fs.locks.waiters.indexOf(proc);
  if (i >= 0) fs.locks.waiters.splice(i, 1);
  if (proc.suspended?.kind === 'lock') proc.suspended = null;
}
