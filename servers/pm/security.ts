/*
 * PM as an SELinux object manager: each process's security context, and the
 * process-class checks, through an AVC (lib/avc) when a security server runs.
 *   doGetcon, doSetcon, doSetexeccon, doNewrole   the calls (PM_GETCON, PM_SETCON, PM_SETEXECCON, PM_NEWROLE),
 *                                     PM_GETCON with `prev`: the context before the last exec (getprevcon)
 *                                     checked as Linux's selinux_setprocattr ("current", "exec")
 *   checkFork(pm, p)                  process:fork on itself
 *   checkSignal(pm, from, to, sig)    process:sigkill | sigstop | sigchld | signull | signal
 *   capable(pm, p, cap)               root's privilege (kill, setuid, setgid, sys_nice) asked of the policy as
 *                                     Linux's selinux_capable: capability:cap on the process's own context
 *   execContext(pm, p, file, path)    an exec's context by execDecision: transition + entrypoint, or execute_no_trans
 *   setContext(pm, p, context, exec)  record a context and tell the file system (FS_PM_SETCON) and the security server
 *   tellSecurity(pm, p, gone?)        SEC_PM_PROC: a process's context and euid (or its exit), for the security class checks
 * Without a security server contexts are kept as given (getcon shows them)
 * and nothing is checked: the system behaves as with DAC alone.
 */
import { EACCES, EINVAL, ENOSYS, NONE, sendrec, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { Avc } from '../../lib/avc/avc.js';
import type { AuditData } from '../../lib/avc/audit.js';
import { auditSink } from '../../lib/avc/log.js';
import type { SecReply } from '../security/protocol.js';
import type { MProc } from './mproc.js';
import { SIGCHLD, SIGKILL, SIGSTOP, type PmGetcon, type PmNewrole, type PmSetcon, type PmSetexeccon } from './protocol.js';
import { pmReply, tellFs, tellVm, type PmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

export interface PmSecurity {
  readonly avc: Avc;
  /** Context of a process that has none (initial SID `kernel`). */
  readonly kernelContext: string;
}

/** `user:role:type`, each a policy identifier. */
const CONTEXT_SHAPE = /^[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z][A-Za-z0-9_.-]*$/;

function* secCall(pm: PmState, msg: Record<string, unknown> & { type: string }): Gen<SecReply | number> {
  const r: Envelope<SecReply> | number = yield sendrec(pm.ctx.endpointOf('security'), msg);
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : r;
}

/** The AVC, made when first needed; null when the system has no security server. */
function* security(pm: PmState): Gen<PmSecurity | null> {
  if (pm.security !== undefined) return pm.security;
  if (pm.ctx.endpointOf('security') === NONE) { pm.security = null; return null; }
  const r = yield* secCall(pm, { type: 'SEC_INITIAL_CONTEXT', sid: 'kernel' });
  if (typeof r === 'number' || r.context === undefined) throw new Error(`the policy gives no context for the initial SID 'kernel' (${r})`);
  pm.security = { avc: new Avc(pm.ctx, { onAudit: auditSink(pm.ctx) }), kernelContext: r.context };
  return pm.security;
}

const subject = (sec: PmSecurity, p: MProc): string => p.context ?? sec.kernelContext;

function auditOf(p: MProc, extra: AuditData = {}): AuditData {
  return { pid: p.pid, comm: p.name, ...extra };
}

export function* checkFork(pm: PmState, p: MProc): Gen<number> {
  const sec = yield* security(pm);
  if (sec === null) return 0;
  const self = subject(sec, p);
  return yield* sec.avc.hasPerm(self, self, 'process', 'fork', auditOf(p));
}

export type PmCapability = 'kill' | 'setgid' | 'setuid' | 'sys_nice';

/** include/uapi/linux/capability.h */
const CAPABILITY_NR: Readonly<Record<PmCapability, number>> = { kill: 5, setgid: 6, setuid: 7, sys_nice: 23 };

/**
 * capable(): cap_capable first (mksim: an effective uid of 0 holds every
 * capability), then cred_has_capability: capability:cap from the process's
 * context to itself. Ask only when the privilege is needed, as Linux does:
 * a denial is logged.
 */
export function* capable(pm: PmState, p: MProc, cap: PmCapability): Gen<boolean> {
  if (p.euid !== 0) return false;
  const sec = yield* security(pm);
  if (sec === null) return true;
  const self = subject(sec, p);
  return (yield* sec.avc.hasPerm(self, self, 'capability', cap, auditOf(p, { capability: CAPABILITY_NR[cap] }))) === 0;
}

function signalPerm(sig: number): string {
  if (sig === SIGKILL) return 'sigkill';
  if (sig === SIGSTOP) return 'sigstop';
  if (sig === SIGCHLD) return 'sigchld';
  return sig === 0 ? 'signull' : 'signal';
}

export function* checkSignal(pm: PmState, from: MProc, to: MProc, sig: number): Gen<number> {
  const sec = yield* security(pm);
  if (sec === null) return 0;
  return yield* sec.avc.hasPerm(subject(sec, from), subject(sec, to), 'process', signalPerm(sig), auditOf(from));
}

export function* setContext(pm: PmState, p: MProc, context: string, exec: boolean): Gen<void> {
  const from = p.context;
  p.context = context;
  if (pm.ctx.traceOn) pm.ctx.trace('proc', { op: exec ? 'exec-context' : 'setcon', pid: p.pid, from, to: context });
  yield* tellFs(pm, { type: 'FS_PM_SETCON', endpoint: p.endpoint, context, exec });
  yield* tellVm(pm, { type: 'VM_PM_SETCON', endpoint: p.endpoint, context });
  yield* tellSecurity(pm, p);
}

/**
 * The security server checks a process's own requests (setenforce,
 * load_policy...) against its credentials, which PM alone knows: told at
 * every change, as the file system is. Never the other way round (the
 * security server asks PM nothing, so the two cannot wait on each other).
 */
export function* tellSecurity(pm: PmState, p: MProc, gone = false): Gen<void> {
  const sec = yield* security(pm);
  if (sec === null) return;
  yield* secCall(pm, { type: 'SEC_PM_PROC', endpoint: p.endpoint, pid: p.pid, context: gone ? null : subject(sec, p), euid: p.euid });
}

/** What FS_PM_EXEC tells of the file: its context (with MAC), inode and device. */
export interface ExecFile { readonly context?: string | null; readonly ino?: number; readonly dev?: string }

/**
 * The context a process runs in after exec'ing a file (execDecision in the
 * security server), once every check it names has passed; -EACCES when one
 * is denied; null without MAC. file:execute is left out: the file system
 * checked it on the file, after the permission bits, as Linux orders them.
 */
export function* execContext(pm: PmState, p: MProc, file: ExecFile, path: string): Gen<string | null | number> {
  const sec = yield* security(pm);
  if (sec === null || typeof file.context !== 'string') return null;
  const d = yield* secCall(pm, {
    type: 'SEC_EXEC', scontext: subject(sec, p), fcontext: file.context, ...(p.execContext !== null ? { execcontext: p.execContext } : {}),
  });
  if (typeof d === 'number') return d;
  const name = path.split('/').filter((s) => s !== '').at(-1);
  const fileAudit = auditOf(p, { ...(name !== undefined ? { name } : {}), ...(file.dev !== undefined ? { dev: file.dev } : {}), ...(file.ino !== undefined ? { ino: file.ino } : {}) });
  for (const c of d.checks ?? []) {
    if (c.tclass === 'file' && c.perm === 'execute') continue;
    const r = yield* sec.avc.hasPerm(c.scontext, c.tcontext, c.tclass, c.perm, c.tclass === 'file' ? fileAudit : auditOf(p));
    if (r < 0) return -EACCES;
  }
  return d.context ?? null;
}

export function* doGetcon(pm: PmState, m: Envelope<PmGetcon>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined) return pmReply(-EINVAL);
  const sec = yield* security(pm);
  const context = (m.prev === true ? p.prevContext ?? p.context : p.context) ?? sec?.kernelContext;
  return context === undefined ? pmReply(-ENOSYS) : { ...pmReply(0), context };
}

/** security_context_to_sid's test: 0, or -EINVAL for a context the policy does not accept. */
function* checkContext(pm: PmState, context: string): Gen<number> {
  const r = yield* secCall(pm, { type: 'SEC_CHECK_CONTEXT', context });
  return typeof r === 'number' ? r : 0;
}

/**
 * setcon: selinux_setprocattr("current"): process:setcurrent on itself, then
 * process:dyntransition from the old context to the new (which the security
 * server masks across roles without a role allow rule). Keeping one's
 * context (init taking the one its boot block names) is a no-op here;
 * Linux would still check both permissions.
 */
export function* doSetcon(pm: PmState, m: Envelope<PmSetcon>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || typeof m.context !== 'string' || !CONTEXT_SHAPE.test(m.context)) return pmReply(-EINVAL);
  const sec = yield* security(pm);
  if (sec !== null && m.context !== p.context) {
    const self = subject(sec, p);
    let r = yield* sec.avc.hasPerm(self, self, 'process', 'setcurrent', auditOf(p));
    if (r === 0) r = yield* checkContext(pm, m.context);
    if (r === 0) r = yield* sec.avc.hasPerm(self, m.context, 'process', 'dyntransition', auditOf(p));
    if (r < 0) return pmReply(r);
  }
  yield* setContext(pm, p, m.context, false);
  return pmReply(0);
}

/**
 * setexeccon: selinux_setprocattr("exec"): process:setexec on itself and a
 * valid context; the next exec runs in it (selinux_bprm_creds_for_exec
 * takes exec_sid, still checking transition + entrypoint). null clears it.
 */
export function* doSetexeccon(pm: PmState, m: Envelope<PmSetexeccon>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || (m.context !== null && (typeof m.context !== 'string' || !CONTEXT_SHAPE.test(m.context)))) return pmReply(-EINVAL);
  const sec = yield* security(pm);
  if (sec === null) return pmReply(-ENOSYS);
  const self = subject(sec, p);
  let r = yield* sec.avc.hasPerm(self, self, 'process', 'setexec', auditOf(p));
  if (r === 0 && m.context !== null) r = yield* checkContext(pm, m.context);
  if (r < 0) return pmReply(r);
  p.execContext = m.context;
  return pmReply(0);
}

export function* doNewrole(pm: PmState, m: Envelope<PmNewrole>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || typeof m.role !== 'string') return pmReply(-EINVAL);
  const sec = yield* security(pm);
  if (sec === null) return pmReply(-ENOSYS);
  const self = subject(sec, p);
  const r = yield* secCall(pm, { type: 'SEC_NEWROLE', scontext: self, role: m.role });
  if (typeof r === 'number') return pmReply(r);
  if (r.context === undefined) return pmReply(-EACCES);
  // Linux's newrole sets the exec context and runs a shell: the kernel checks process:transition
  // (masked across roles without a role allow rule). mksim changes the caller at once, by the same check,
  // so a permissive system logs the denial and lets it through.
  const t = yield* sec.avc.hasPerm(self, r.context, 'process', 'transition', auditOf(p));
  if (t < 0) return pmReply(t);
  yield* setContext(pm, p, r.context, false);
  return { ...pmReply(0), context: r.context };
}
