/*
 * What the process manager tells the FS, as MINIX's VFS pm_fork, pm_exit,
 * pm_setuid, pm_exec and unpause. Only pm may send these (EPERM otherwise).
 *   pmFork(fs, m)     the child: the parent's credentials given, umask, directories and filps (shared: one position)
 *   pmExit(fs, m)     close every descriptor, drop locks and directories, forget a suspension, drop the entry
 *   pmSetuid(fs, m)   new effective uid and gid
 *   pmExec(fs, m)     search permission on the path, execute permission on a regular file, then (MAC) read + open
 *                     as the exec's open of the file; its first line (and context)
 *   pmUnpause(fs, m)  a signal for a process suspended in FS: it gets EINTR (or the bytes a write had moved);
 *                     a socket call is cancelled in INET, whose answer the process gets
 */
import { EACCES, EINTR, send, type KernelCall, type Message } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { procOf, type Fproc } from './fproc.js';
import { getInode, holdLong, putInode, putLong } from './inode.js';
import { isReg } from './layout.js';
import { cancelLockWait, releaseLocks } from './lock.js';
import { closeFd } from './open.js';
import { labelOf, macCheckContext } from './mac.js';
import { lookup } from './path.js';
import { cancelPipeWait } from './pipe.js';
import { cancelSocketCall } from './socket.js';
import { auditName, need, S_ISGID, S_ISUID, X_BIT } from './protect.js';
import { fsReply, type FsPmExec, type FsPmExit, type FsPmFork, type FsPmSetuid, type FsPmUnpause } from './protocol.js';
import { readFile } from './read.js';
import type { FsState } from './state.js';

/** The bytes of a file exec looks at for its `#!` line. */
export const FIRST_LINE_MAX_BYTES = 256;

/** Off any wait queue; returns the bytes a suspended write had moved. */
function cancelWait(fs: FsState, proc: Fproc): number {
  const s = proc.suspended;
  if (s === null) return 0;
  if (s.kind === 'lock') { cancelLockWait(fs, proc); return 0; }
  if (s.kind === 'sock') return 0;
  return cancelPipeWait(proc);
}

export function* pmFork(fs: FsState, m: FsPmFork): Generator<KernelCall, Message, any> {
  const parent = yield* procOf(fs, m.parent);
  if (fs.procs.byEndpoint.has(m.child)) yield* dropProc(fs, fs.procs.byEndpoint.get(m.child)!);
  const root = yield* getInode(fs, parent.rootNr);
  holdLong(root);
  const cwd = yield* getInode(fs, parent.cwdNr);
  holdLong(cwd);
  const child = yield* procOf(fs, m.child);
  yield* putLong(fs, child.root);
  yield* putLong(fs, child.cwd);
  child.root = root;
  child.cwd = cwd;
  child.uid = m.uid;
  child.gid = m.gid;
  child.pid = m.pid;
  child.umask = parent.umask;
  // The child runs in its parent's domain until PM says otherwise (setcon, exec).
  child.context = parent.context;
  child.fscreate = parent.fscreate;
  for (let fd = 0; fd < parent.fds.length; fd++) {
    const e = parent.fds[fd];
    if (e === null || e === undefined) continue;
    e.filp.count++;
    child.fds[fd] = { filp: e.filp, cloexec: e.cloexec };
  }
  return fsReply(0);
}

function* dropProc(fs: FsState, proc: Fproc): Generator<KernelCall, void, any> {
  // A call waiting on a socket another process shares would outlive its caller.
  yield* cancelSocketCall(fs, proc);
  cancelWait(fs, proc);
  for (let fd = 0; fd < proc.fds.length; fd++) if (proc.fds[fd] !== null) yield* closeFd(fs, proc, fd);
  yield* releaseLocks(fs, proc.endpoint, null);
  yield* putLong(fs, proc.root);
  yield* putLong(fs, proc.cwd);
  fs.procs.byEndpoint.delete(proc.endpoint);
}

export function* pmExit(fs: FsState, m: FsPmExit): Generator<KernelCall, Message, any> {
  const proc = fs.procs.byEndpoint.get(m.endpoint);
  if (proc !== undefined) yield* dropProc(fs, proc);
  return fsReply(0);
}

export function* pmSetuid(fs: FsState, m: FsPmSetuid): Generator<KernelCall, Message, any> {
  const proc = yield* procOf(fs, m.endpoint);
  proc.uid = m.uid;
  proc.gid = m.gid;
  return fsReply(0);
}

export function* pmExec(fs: FsState, m: FsPmExec): Generator<KernelCall, Message, any> {
  const proc = yield* procOf(fs, m.endpoint);
  const ino = yield* lookup(fs, m.path, proc);
  try {
    if (!isReg(ino.d.mode)) throw new FsError(EACCES, `exec '${m.path}': not a regular file`);
    yield* need(fs, proc, ino, X_BIT, `exec '${m.path}'`);
    // Linux opens the file for exec read-only (do_open_execat): may_open's inode_permission checks
    // file:execute (above), then selinux_file_open checks open_file_to_av: read and open, in one decision.
    if (fs.mac !== undefined && (yield* macCheckContext(fs, proc, yield* labelOf(fs, ino), 'file', ['read', 'open'], ino.nr, auditName(`'${m.path}'`))) !== 0) {
      throw new FsError(EACCES, `exec '${m.path}': read and open denied by policy (inode ${ino.nr})`);
    }
    const buf = new Uint8Array(Math.min(FIRST_LINE_MAX_BYTES, ino.d.size));
    const n = yield* readFile(fs, ino, 0, buf);
    const text = new TextDecoder().decode(buf.subarray(0, n));
    const nl = text.indexOf('\n');
    const firstLine = nl < 0 ? text : text.slice(0, nl);
    // Set-user-ID and set-group-ID files: PM gives the process the file's owner or group as effective id.
    const ids = { ...((ino.d.mode & S_ISUID) !== 0 ? { setuid: ino.d.uid } : {}), ...((ino.d.mode & S_ISGID) !== 0 ? { setgid: ino.d.gid } : {}) };
    // PM decides the domain transition from the file's context (servers/pm/security.ts).
    if (fs.mac === undefined) return fsReply(0, { firstLine, ...ids });
    return fsReply(0, { firstLine, ...ids, context: yield* labelOf(fs, ino), ino: ino.nr, dev: fs.mac.devName });
  } finally {
    yield* putInode(fs, ino);
  }
}

export function* pmUnpause(fs: FsState, m: FsPmUnpause): Generator<KernelCall, Message, any> {
  const proc = fs.procs.byEndpoint.get(m.endpoint);
  if (proc !== undefined && proc.suspended?.kind === 'sock') {
    fs.ctx?.trace('unpause', { proc: proc.endpoint, sock: proc.suspended.sock });
    yield* cancelSocketCall(fs, proc);
  } else if (proc !== undefined && proc.suspended !== null) {
    const done = cancelWait(fs, proc);
    fs.ctx?.trace('unpause', { proc: proc.endpoint, done });
    yield send(proc.endpoint, fsReply(done > 0 ? done : -EINTR));
  }
  return fsReply(0);
}
