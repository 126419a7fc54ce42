/*
 * Mandatory access control in the FS (an SELinux object manager), asked
 * after the Unix permission bits have allowed an operation (DAC, then MAC).
 *   initMac(fs, ctx, config)          at mount: an AVC when a security server runs (else no MAC)
 *   macCheck(fs, who, ino, perm, name)   yield*: 0 or EACCES, through the AVC (file or dir class)
 *   macCreate(fs, who, dir, name, mode)  yield*: the new object's context (fscreate, or compute_create), create and associate checked
 *   macAssociate(fs, who, context, nr, name, what)   yield*: filesystem:associate of a label with the superblock's context
 *   labelOf(fs, ino)                  yield*: an inode's context: the mount's context=, its label, or the policy default
 *   macFileOpened(fs, who, filp)      after open's checks: remember who opened, the label and the AVC generation
 *   macFilePerm(fs, who, filp, perms, what)   yield*: file_has_perm: fd:use across domains, then perms on the inode
 *   macFileRevalidate(fs, who, filp, write, what)   yield*: selinux_file_permission on read/write of a descriptor (pipes: fifo_file)
 *   macPipeOpened(fs, who, ends)      a pipe's ends: labelled with the creator's context
 *   macCheckContext(...), validContext(fs, context), secCall(ctx, ep, msg)   helpers for the label calls
 *   classOf(mode), MacPerm, FsMac
 */
import { EACCES, EINVAL, EPERM, NONE, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { Avc, type AuditSource } from '../../lib/avc/avc.js';
import type { AuditData } from '../../lib/avc/audit.js';
import { auditSink } from '../../lib/avc/log.js';
import { getProc } from '../../lib/getinfo.js';
import type { SecReply } from '../security/protocol.js';
import { FsError } from './errors.js';
import type { Inode } from './inode.js';
import { readLabel } from './label.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFSOCK } from './layout.js';
import type { Filp } from './filp.js';
import { O_APPEND } from './protocol.js';
import type { FsConfig, FsState, Who } from './state.js';

export type MacPerm =
  | 'read' | 'write' | 'append' | 'execute' | 'search' | 'getattr' | 'setattr' | 'open'
  | 'create' | 'link' | 'unlink' | 'rename' | 'add_name' | 'remove_name' | 'reparent' | 'rmdir' | 'lock'
  | 'relabelfrom' | 'relabelto';

export interface FsMac {
  readonly avc: Avc;
  /** The `context=` mount option, or null. */
  readonly mountContext: string | null;
  /** The policy's context for files without a label (initial SID `file`). */
  readonly defaultContext: string;
  /** Context of callers PM has not described (tools, a process before its first setcon): initial SID `kernel`. */
  readonly kernelContext: string;
  /** The device name audit lines show as dev=. */
  readonly devName: string;
  /** The superblock's context (sbsec->sid): context= if given, else the policy's for a minix file system (SEC_FS_USE). */
  readonly sbContext: string;
}

/** The file system type the policy's fs_use_* / genfscon rules name. */
export const FS_TYPE = 'minix';

export type FileClass = 'file' | 'dir' | 'lnk_file' | 'chr_file' | 'blk_file' | 'fifo_file' | 'sock_file';

/** Security class of an inode by its type, as Linux's inode_mode_to_security_class. */
export function classOf(mode: number): FileClass {
  switch (mode & S_IFMT) {
    case S_IFDIR: return 'dir';
    case S_IFLNK: return 'lnk_file';
    case S_IFCHR: return 'chr_file';
    case S_IFBLK: return 'blk_file';
    case S_IFIFO: return 'fifo_file';
    case S_IFSOCK: return 'sock_file';
    default: return 'file';
  }
}

/** A request to the security server: its reply, or a negative errno. */
export function* secCall(ctx: ActorContext, security: number, msg: Record<string, unknown> & { type: string }): Generator<KernelCall, SecReply | number, any> {
  const r: Envelope<SecReply> | number = yield sendrec(security, msg);
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : r;
}

function* initialContext(ctx: ActorContext, security: number, sid: string): Generator<KernelCall, string, any> {
  const r = yield* secCall(ctx, security, { type: 'SEC_INITIAL_CONTEXT', sid });
  if (typeof r === 'number' || r.context === undefined) throw new Error(`the policy gives no context for the initial SID '${sid}' (${r})`);
  return r.context;
}

/** With a security server: the AVC and the default contexts. Without one the FS keeps DAC only. */
export function* initMac(fs: FsState, ctx: ActorContext, config: FsConfig): Generator<KernelCall, void, any> {
  const security = ctx.endpointOf('security');
  if (security === NONE) return;
  const defaultContext = yield* initialContext(ctx, security, 'file');
  const kernelContext = yield* initialContext(ctx, security, 'kernel');
  const mountContext = config.context ?? null;
  if (mountContext !== null) {
    const r = yield* secCall(ctx, security, { type: 'SEC_CHECK_CONTEXT', context: mountContext });
    if (typeof r === 'number') throw new Error(`fs context=${mountContext}: not a valid context in the policy`);
  }
  // selinux_set_mnt_opts: a context= mount is the superblock's context too (no fscontext= here).
  let sbContext = mountContext;
  if (sbContext === null) {
    const r = yield* secCall(ctx, security, { type: 'SEC_FS_USE', fstype: FS_TYPE });
    if (typeof r === 'number' || r.context === undefined) throw new Error(`the policy gives no context for a ${FS_TYPE} file system (${r})`);
    sbContext = r.context;
  }
  fs.mac = {
    avc: new Avc(ctx, { onAudit: auditSink(ctx) }),
    mountContext, defaultContext, kernelContext, devName: config.driver, sbContext,
  };
}

/** Does the policy accept this context (user authorised for the role, role for the type)? */
export function* validContext(fs: FsState, context: string): Generator<KernelCall, boolean, any> {
  if (fs.ctx === null) return false;
  const r = yield* secCall(fs.ctx, fs.ctx.endpointOf('security'), { type: 'SEC_CHECK_CONTEXT', context });
  return typeof r !== 'number';
}

export function* labelOf(fs: FsState, ino: Inode): Generator<KernelCall, string, any> {
  const mac = fs.mac;
  if (mac === undefined) return '';
  if (mac.mountContext !== null) return mac.mountContext;
  return (yield* readLabel(fs, fs.labels, ino.nr)) ?? mac.defaultContext;
}

export function subjectOf(fs: FsState, who: Who): string {
  return who.context ?? fs.mac?.kernelContext ?? '';
}

/** The audit fields of a check, built only when the AVC writes a line: the process name (comm) costs a kernel call. */
function auditOf(fs: FsState, who: Who, nr: number, name: string | undefined, extra: AuditData = {}): AuditSource {
  return function* () {
    const info = who.endpoint >= 0 && fs.ctx !== null ? yield* getProc(who.endpoint) : null;
    const comm = info !== null && typeof info !== 'number' ? info.name : undefined;
    return {
      ...(who.pid !== undefined && who.pid > 0 ? { pid: who.pid } : {}),
      ...(comm !== undefined ? { comm } : {}),
      ...extra,
      // A capability names no file; a pipe's extra data names its own (pipefs) file.
      ...(extra.capability === undefined && extra.path === undefined ? {
        ...(name !== undefined ? { name } : {}),
        dev: fs.mac!.devName,
        ...(nr > 0 ? { ino: nr } : {}),
      } : {}),
    };
  };
}

/** One AVC check from the caller on a context; EACCES for a denial or a context the policy refuses. */
export function* macCheckContext(fs: FsState, who: Who, tcontext: string, cls: string, perms: string | readonly string[], nr: number, name?: string, extra?: AuditData): Generator<KernelCall, number, any> {
  const mac = fs.mac;
  if (mac === undefined) return 0;
  const r = yield* mac.avc.hasPerm(subjectOf(fs, who), tcontext, cls, perms, auditOf(fs, who, nr, name, extra));
  return r === 0 ? 0 : EACCES;
}

export function* macCheck(fs: FsState, who: Who, ino: Inode, perm: MacPerm, name?: string): Generator<KernelCall, number, any> {
  if (fs.mac === undefined) return 0;
  return yield* macCheckContext(fs, who, yield* labelOf(fs, ino), classOf(ino.d.mode), perm, ino.nr, name);
}

/**
 * The context a new inode named `name` in `dir` gets, and the check that
 * the caller may create it (SELinux's may_create: create on the new
 * context). The process's fscreate context wins over the policy's
 * type_transition / parent-type rule; a context= mount fixes every label.
 * Returns null without MAC.
 */
export function* macCreate(fs: FsState, who: Who & { fscreate?: string | null }, dir: Inode, name: string, mode: number): Generator<KernelCall, string | null, any> {
  const mac = fs.mac;
  if (mac === undefined || fs.ctx === null) return null;
  const cls = classOf(mode);
  let context = mac.mountContext ?? who.fscreate ?? null;
  if (context === null) {
    const r = yield* secCall(fs.ctx, fs.ctx.endpointOf('security'), {
      type: 'SEC_COMPUTE_CREATE', scontext: subjectOf(fs, who), tcontext: yield* labelOf(fs, dir), tclass: cls, name,
    });
    if (typeof r === 'number' || r.context === undefined) {
      throw new FsError(r === -EINVAL ? EINVAL : EACCES, `'${name}': the policy gives no context for a new ${cls} in inode ${dir.nr} (${typeof r === 'number' ? r : 'none'})`);
    }
    context = r.context;
  }
  const denied = yield* macCheckContext(fs, who, context, cls, 'create', 0, name);
  if (denied !== 0) throw new FsError(denied, `'${name}': create of a ${cls} labelled ${context} denied by policy`);
  yield* macAssociate(fs, who, context, 0, name, `'${name}': create`);
  return context;
}

/**
 * filesystem:associate: a label may exist on this file system only if the
 * policy lets the label's type be associated with the superblock's context
 * (may_create and selinux_inode_setxattr ask it, the new context as source).
 */
export function* macAssociate(fs: FsState, who: Who, context: string, nr: number, name: string | undefined, what: string): Generator<KernelCall, void, any> {
  const mac = fs.mac;
  if (mac === undefined) return;
  const r = yield* mac.avc.hasPerm(context, mac.sbContext, 'filesystem', 'associate', auditOf(fs, who, nr, name));
  if (r !== 0) throw new FsError(EACCES, `${what}: ${context} may not be associated with the file system (${mac.sbContext}) by policy`);
}

/**
 * security_validate_transition after a relabel's checks (selinux_inode_setxattr):
 * the policy's validatetrans for the class, old -> new context, this caller
 * the task; EPERM when the security server refuses (enforcing mode).
 */
export function* macValidateTrans(fs: FsState, who: Who, oldcontext: string, newcontext: string, cls: string, what: string): Generator<KernelCall, void, any> {
  if (fs.mac === undefined || fs.ctx === null) return;
  const r = yield* secCall(fs.ctx, fs.ctx.endpointOf('security'), { type: 'SEC_VALIDATE_TRANS', oldcontext, newcontext, taskcontext: subjectOf(fs, who), tclass: cls });
  if (typeof r === 'number') throw new FsError(r === -EPERM ? EPERM : EACCES, `${what}: ${oldcontext} -> ${newcontext} refused by the policy's validatetrans`);
}

/** selinux_file_open's bookkeeping: what a later read or write compares against. */
export function* macFileOpened(fs: FsState, who: Who, filp: Filp): Generator<KernelCall, void, any> {
  const mac = fs.mac;
  if (mac === undefined || filp.ino === null) return;
  filp.sec = { sid: subjectOf(fs, who), isid: yield* labelOf(fs, filp.ino), pseqno: mac.avc.generation };
}

/**
 * file_has_perm (Linux security/selinux/hooks.c): a descriptor opened by
 * another domain needs fd:use on the opener's context first; then `perms`
 * (if any) on the inode's current label. Throws FsError(EACCES) naming `what`.
 */
export function* macFilePerm(fs: FsState, who: Who, filp: Filp, perms: readonly MacPerm[], what: string): Generator<KernelCall, void, any> {
  const mac = fs.mac;
  const ino = filp.ino;
  if (mac === undefined || filp.sec === null || (ino === null && filp.pipe === null)) return;
  const nr = ino?.nr ?? 0;
  const self = subjectOf(fs, who);
  if (self !== filp.sec.sid && (yield* macCheckContext(fs, who, filp.sec.sid, 'fd', 'use', nr)) !== 0) {
    throw new FsError(EACCES, `${what}: fd:use of a descriptor opened by ${filp.sec.sid} denied by policy`);
  }
  if (perms.length === 0) return;
  // A pipe's label is its creator's context for good (pipefs is fs_use_task; nothing relabels it).
  const label = ino === null ? filp.sec.isid : yield* labelOf(fs, ino);
  const cls = ino === null ? 'fifo_file' : classOf(ino.d.mode);
  const audit = ino === null && filp.pipe !== null ? { path: `pipe:[${filp.pipe.id}]`, dev: 'pipefs', ino: filp.pipe.id } : undefined;
  if ((yield* macCheckContext(fs, who, label, cls, perms, nr, undefined, audit)) !== 0) {
    throw new FsError(EACCES, `${what}: ${perms.join(' ')} denied by policy (${ino === null ? 'a pipe' : `inode ${nr}`})`);
  }
}

/**
 * selinux_file_permission: nothing to check while the caller, the inode's
 * label and the policy are those of the open; otherwise
 * selinux_revalidate_file_permission: read, or for a write append (O_APPEND)
 * or write, through file_has_perm. Pipes too, as fifo_file: a pipe end
 * passed to another domain needs fd:use and fifo_file read or write.
 */
export function* macFileRevalidate(fs: FsState, who: Who, filp: Filp, write: boolean, what: string): Generator<KernelCall, void, any> {
  const mac = fs.mac;
  if (mac === undefined || filp.sec === null || (filp.ino === null && filp.pipe === null)) return;
  const isid = filp.ino === null ? filp.sec.isid : yield* labelOf(fs, filp.ino);
  if (subjectOf(fs, who) === filp.sec.sid && isid === filp.sec.isid && mac.avc.generation === filp.sec.pseqno) return;
  const perm: MacPerm = !write ? 'read' : (filp.flags & O_APPEND) !== 0 ? 'append' : 'write';
  yield* macFilePerm(fs, who, filp, [perm], what);
}

/**
 * A new pipe's two ends: the pipe is labelled with its creator's context
 * (pipefs's fs_use_task) and both ends remember it, as selinux_file_alloc_security
 * and inode_doinit_with_dentry do; pipe(2) itself checks nothing.
 */
export function macPipeOpened(fs: FsState, who: Who, ends: readonly Filp[]): void {
  const mac = fs.mac;
  if (mac === undefined) return;
  const self = subjectOf(fs, who);
  for (const filp of ends) filp.sec = { sid: self, isid: self, pseqno: mac.avc.generation };
}
