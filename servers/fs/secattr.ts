/*
 * The security-label calls (SELinux's getxattr/setxattr of security.selinux
 * and /proc/self/attr/fscreate), and the context PM gives a process.
 *   getFileCon(fs, proc, path)            a file's context (getattr on it)
 *   setFileCon(fs, proc, path, context)   relabel: owner or root (fowner), valid context, relabelfrom + relabelto + filesystem:associate, validatetrans
 *   setFsCreate(fs, proc, context)        the caller's creation context (process:setfscreate); the old one
 *   pmSetcon(fs, m)                       FS_PM_SETCON: PM's word on a process's context
 * Without a security server these fail with ENOSYS: files have no contexts.
 */
import { EACCES, EINVAL, ENOSYS, EPERM, type KernelCall, type Message } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { procOf, type Fproc } from './fproc.js';
import { putInode } from './inode.js';
import { writeLabel } from './label.js';
import { classOf, labelOf, macAssociate, macCheckContext, macValidateTrans, subjectOf, validContext, type FsMac } from './mac.js';
import { lookup } from './path.js';
import { auditName, isOwner, needMac } from './protect.js';
import { fsReply, type FsPmSetcon } from './protocol.js';
import { checkWritable, type FsState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

function macOf(fs: FsState, what: string): FsMac {
  if (fs.mac === undefined) throw new FsError(ENOSYS, `${what}: no security server, so files have no security contexts`);
  return fs.mac;
}

function* needValid(fs: FsState, context: string, what: string): Gen<void> {
  if (!(yield* validContext(fs, context))) throw new FsError(EINVAL, `${what}: '${context}' is not a valid context in the policy`);
}

export function* getFileCon(fs: FsState, proc: Fproc, path: string): Gen<string> {
  macOf(fs, `getfilecon '${path}'`);
  const ino = yield* lookup(fs, path, proc);
  try {
    yield* needMac(fs, proc, ino, 'getattr', `'${path}'`);
    return yield* labelOf(fs, ino);
  } finally {
    yield* putInode(fs, ino);
  }
}

export function* setFileCon(fs: FsState, proc: Fproc, path: string, context: string): Gen<void> {
  const what = `setfilecon '${path}'`;
  const mac = macOf(fs, what);
  if (mac.mountContext !== null) throw new FsError(EPERM, `${what}: the file system is mounted with context=${mac.mountContext}; its labels cannot change`);
  const ino = yield* lookup(fs, path, proc);
  try {
    checkWritable(fs, what);
    // As setxattr: only the owner (or root with fowner: inode_owner_or_capable) may change the label at all; then the policy decides.
    if (!(yield* isOwner(fs, proc, ino))) throw new FsError(EPERM, `${what}: owner ${ino.d.uid}, caller ${proc.uid}`);
    yield* needValid(fs, context, what);
    const old = yield* labelOf(fs, ino);
    const cls = classOf(ino.d.mode);
    const name = auditName(`'${path}'`);
    if ((yield* macCheckContext(fs, proc, old, cls, 'relabelfrom', ino.nr, name)) !== 0) throw new FsError(EACCES, `${what}: relabelfrom ${old} denied by policy`);
    if ((yield* macCheckContext(fs, proc, context, cls, 'relabelto', ino.nr, name)) !== 0) throw new FsError(EACCES, `${what}: relabelto ${context} denied by policy`);
    yield* macAssociate(fs, proc, context, ino.nr, name, what);
    yield* macValidateTrans(fs, proc, old, context, cls, what);
    yield* writeLabel(fs, fs.labels, ino.nr, context);
  } finally {
    yield* putInode(fs, ino);
  }
}

export function* setFsCreate(fs: FsState, proc: Fproc, context: string | null): Gen<string | null> {
  const what = 'setfscreatecon';
  macOf(fs, what);
  if (context !== null) yield* needValid(fs, context, what);
  const self = subjectOf(fs, proc);
  if ((yield* macCheckContext(fs, proc, self, 'process', 'setfscreate', 0)) !== 0) throw new FsError(EACCES, `${what}: process:setfscreate denied by policy for ${self}`);
  const old = proc.fscreate;
  proc.fscreate = context;
  return old;
}

export function* pmSetcon(fs: FsState, m: FsPmSetcon): Gen<Message> {
  const proc = yield* procOf(fs, m.endpoint);
  proc.context = m.context;
  // As Linux on execve: the creation context does not survive into the new program.
  if (m.exec === true) proc.fscreate = null;
  return fsReply(0);
}
