/*
 * fork, exit and wait (MINIX's forkexit.c).
 *   doFork      a child running the named program; FS learns of it before it runs
 *   doExit      the caller exits
 *   exitProc    any exit (also death by signal): zombie, orphans to init, wake a waiting parent
 *   doWait      reap a zombie child, or suspend the caller until one exits
 */
import { EAGAIN, ECHILD, EINVAL, kernelCall, send, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { procName } from '../../lib/getinfo.js';
import { INIT_PID, newMProc, NR_PROCS, type MProc } from './mproc.js';
import { exitStatus, NSIG, SIGCHLD, type PmExit, type PmFork, type PmWait } from './protocol.js';
import { pmReply, tellFs, tellVm, type PmState } from './state.js';
import { checkFork, tellSecurity } from './security.js';
import { sigProc } from './signal.js';
import { cancelTimers } from './time.js';
import { schedStartUser, schedStop } from './schedule.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* doFork(pm: PmState, m: Envelope<PmFork>): Gen<Message | null> {
  const parent = pm.procs.byEndpoint(m.source);
  if (parent === undefined) return pmReply(-EINVAL);
  if (typeof m.program !== 'string' || typeof m.name !== 'string') return pmReply(-EINVAL);
  if (pm.procs.size >= NR_PROCS) return pmReply(-EAGAIN);
  const denied = yield* checkFork(pm, parent);
  if (denied < 0) return pmReply(denied);
  const env = validEnv(m.env);
  if (env === null) return pmReply(-EINVAL);
  const childEp: number = yield kernelCall('sys_fork', { name: m.name, program: m.program, env });
  if (childEp < 0) return pmReply(childEp);
  const pid = pm.procs.allocPid();
  // The kernel names processes here (it makes `sh` unique as `sh.2`); MINIX's PM sets mp_name itself.
  const name = yield* procName(childEp);
  const child = newMProc({
    pid, parentPid: parent.pid, endpoint: childEp, name, program: m.program,
    uid: parent.uid, gid: parent.gid,
  }, NSIG);
  child.euid = parent.euid;
  child.egid = parent.egid;
  child.context = parent.context;
  child.prevContext = parent.prevContext;
  child.execContext = parent.execContext;
  child.blockedMask = parent.blockedMask;
  // The child runs another program, so caught signals revert to default (as after exec); ignored stay ignored.
  child.actions = parent.actions.map((a) => (a === 'catch' ? 'default' : a));
  pm.procs.add(child);
  yield* tellFs(pm, { type: 'FS_PM_FORK', parent: parent.endpoint, child: childEp, pid, uid: child.euid, gid: child.egid });
  yield* tellSecurity(pm, child);
  yield* tellVm(pm, { type: 'VM_FORK', parent: parent.endpoint, child: childEp });
  // The scheduler takes the child before it first runs (MINIX: no quantum until sched_start_user).
  yield* schedStartUser(pm, child, parent);
  yield kernelCall('sys_resume', { endpoint: childEp });
  pm.ctx.trace('proc', { op: 'fork', pid, parent: parent.pid, child: child.name, program: m.program });
  return pmReply(pid);
}

/** A fork environment: at most MAX_ENV_ENTRIES short string pairs, or null if malformed. */
const MAX_ENV_ENTRIES = 256;
export function validEnv(env: unknown): Record<string, string> | null {
  if (env === undefined) return {};
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return null;
  const entries = Object.entries(env as Record<string, unknown>);
  if (entries.length > MAX_ENV_ENTRIES) return null;
  for (const [k, v] of entries) if (typeof v !== 'string' || k.length > 256 || v.length > 4096) return null;
  return Object.fromEntries(entries) as Record<string, string>;
}

export function* doExit(pm: PmState, m: Envelope<PmExit>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined) return pmReply(-EINVAL);
  const code = typeof m.status === 'number' ? m.status : 0;
  yield* exitProc(pm, p, exitStatus(code));
  return null; // the caller is gone: no reply
}

export function* exitProc(pm: PmState, p: MProc, status: number): Gen<void> {
  if (p.zombie) return;
  cancelTimers(pm, p);
  yield* schedStop(pm, p);
  yield* tellFs(pm, { type: 'FS_PM_EXIT', endpoint: p.endpoint });
  yield* tellSecurity(pm, p, true);
  yield* tellVm(pm, { type: 'VM_EXIT', endpoint: p.endpoint });
  yield kernelCall('sys_exit', { endpoint: p.endpoint, code: status });
  p.zombie = true;
  p.exitStatus = status;
  p.waiting = null;
  pm.procs.detachEndpoint(p);
  pm.ctx.trace('proc', { op: 'exit', pid: p.pid, name: p.name, status });

  const init = pm.procs.byPid(INIT_PID);
  for (const child of pm.procs.children(p.pid)) {
    child.parentPid = init !== undefined && init !== p ? INIT_PID : 0;
    if (child.zombie) {
      if (child.parentPid === 0) pm.procs.release(child);
      else yield* tryReap(pm, child);
    }
  }
  const parent = pm.procs.byPid(p.parentPid);
  if (parent === undefined || parent.zombie) {
    pm.procs.release(p); // nobody will wait for it
    return;
  }
  if (!(yield* tryReap(pm, p))) yield* sigProc(pm, parent, SIGCHLD);
}

/** If the zombie's parent is waiting for it, complete the wait. */
function* tryReap(pm: PmState, zombie: MProc): Gen<boolean> {
  const parent = pm.procs.byPid(zombie.parentPid);
  if (parent === undefined || parent.waiting !== 'wait') return false;
  if (parent.waitPid !== -1 && parent.waitPid !== zombie.pid) return false;
  parent.waiting = null;
  pm.procs.release(zombie);
  yield send(parent.endpoint, pmReply(zombie.pid, zombie.exitStatus));
  return true;
}

export function* doWait(pm: PmState, m: Envelope<PmWait>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || typeof m.pid !== 'number') return pmReply(-EINVAL);
  const children = pm.procs.children(p.pid).filter((c) => m.pid === -1 || c.pid === m.pid);
  if (children.length === 0) return pmReply(-ECHILD);
  const zombie = children.filter((c) => c.zombie).sort((a, b) => a.pid - b.pid)[0];
  if (zombie !== undefined) {
    pm.procs.release(zombie);
    return pmReply(zombie.pid, zombie.exitStatus);
  }
  if (m.nohang === true) return pmReply(0);
  p.waiting = 'wait';
  p.waitPid = m.pid;
  return null;
}
