/*
 * Mandatory access control in the FS (an SELinux object manager), asked
 * after the Unix permission bits have allowed an operation (DAC, then MAC).
 *   initMac(fs, ctx, config)          at mount: an AVC when a security server runs (else no MAC)
 *   macCheck(fs, who, ino, perm, name)   yield*: 0 or EACCES, through the AVC (file or dir class)
 *   macCreate(fs, who, dir, name, mode)  yield*: the new object's context (fscreate, or compute_create), create checked
 *   labelOf(fs, ino)                  yield*: an inode's context: the mount's context=, its label, or the policy default
 *   macCheckContext(...), validContext(fs, context), secCall(ctx, ep, msg)   helpers for the label calls
 *   classOf(mode), MacPerm, FsMac
 */
import { EACCES, EINVAL, NONE, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { Avc, type AuditSource } from '../../lib/avc/avc.js';
import { auditSink } from '../../lib/avc/log.js';
import { getProc } from '../../lib/getinfo.js';
import type { SecReply } from '../security/protocol.js';
import { FsError } from './errors.js';
import type { Inode } from './inode.js';
import { readLabel } from './label.js';
import { S_IFDIR, S_IFMT } from './layout.js';
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
}

/** Security class of an inode: the base policy knows file and dir. */
export function classOf(mode: number): 'file' | 'dir' {
  return (mode & S_IFMT) === S_IFDIR ? 'dir' : 'file';
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
  fs.mac = {
    avc: new Avc(ctx, { onAudit: auditSink(ctx) }),
    mountContext, defaultContext, kernelContext, devName: config.driver,
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
function auditOf(fs: FsState, who: Who, nr: number, name: string | undefined): AuditSource {
  return function* () {
    const info = who.endpoint >= 0 && fs.ctx !== null ? yield* getProc(who.endpoint) : null;
    const comm = info !== null && typeof info !== 'number' ? info.name : undefined;
    return {
      ...(who.pid !== undefined && who.pid > 0 ? { pid: who.pid } : {}),
      ...(comm !== undefined ? { comm } : {}),
      ...(name !== undefined ? { name } : {}),
      dev: fs.mac!.devName,
      ...(nr > 0 ? { ino: nr } : {}),
    };
  };
}

/** One AVC check from the caller on a context; EACCES for a denial or a context the policy refuses. */
export function* macCheckContext(fs: FsState, who: Who, tcontext: string, cls: string, perms: string | readonly string[], nr: number, name?: string): Generator<KernelCall, number, any> {
  const mac = fs.mac;
  if (mac === undefined) return 0;
  const r = yield* mac.avc.hasPerm(subjectOf(fs, who), tcontext, cls, perms, auditOf(fs, who, nr, name));
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
  return context;
}
