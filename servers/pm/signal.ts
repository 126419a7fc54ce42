/*
 * Signals (MINIX's signal.c): generation, disposition, masks, delivery.
 *   doKill, doSigaction, doSigprocmask, doSigsuspend   the calls
 *   doFsSignal    FS_SIGNAL from the file system (SIGPIPE), sent asynchronously: no reply
 *   doVmSignal    VM_SIGNAL from VM (SIGSEGV for a bad access), likewise
 *   sigProc(pm, p, sig)   generate a signal for p: ignore, hold (blocked), stop,
 *                         terminate, or mark it for p's handler and wake p with EINTR
 * A caught signal is delivered when the target next runs: the kernel marks
 * it pending (sys_sigsend) and the process's runtime runs the handler.
 */
import { EINTR, EINVAL, EPERM, ESRCH, kernelCall, send, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { MProc } from './mproc.js';
import {
  DEFAULT_IGNORED, NSIG, SIGCONT, SIGKILL, SIGSTOP, signalStatus, UNCATCHABLE,
  type PmKill, type PmSigaction, type PmSigprocmask, type PmSigsuspend,
} from './protocol.js';
import { exitProc } from './forkexit.js';
import { pmReply, tellFs, type PmState } from './state.js';
import type { FsSignal } from '../fs/protocol.js';
import type { VmSignal } from '../vm/protocol.js';
import { capable, checkSignal } from './security.js';
import { cancelSleep } from './time.js';

type Gen<T> = Generator<KernelCall, T, any>;

const validSignal = (sig: unknown): sig is number => typeof sig === 'number' && Number.isInteger(sig) && sig > 0 && sig < NSIG;
const UNBLOCKABLE_MASK = (1 << SIGKILL) | (1 << SIGSTOP);

export function* doKill(pm: PmState, m: Envelope<PmKill>): Gen<Message | null> {
  const sender = pm.procs.byEndpoint(m.source);
  if (sender === undefined) return pmReply(-EINVAL);
  if (!(m.signal === 0 || validSignal(m.signal)) || typeof m.pid !== 'number' || m.pid <= 0) return pmReply(-EINVAL);
  const target = pm.procs.byPid(m.pid);
  if (target === undefined || target.zombie) return pmReply(-ESRCH);
  // kill_ok_by_cred: matching uids, else capability:kill.
  if (sender.uid !== target.uid && sender.euid !== target.uid && !(yield* capable(pm, sender, 'kill'))) return pmReply(-EPERM);
  const denied = yield* checkSignal(pm, sender, target, m.signal);
  if (denied < 0) return pmReply(denied);
  if (m.signal === 0) return pmReply(0);
  yield* sigProc(pm, target, m.signal);
  return sender.zombie ? null : pmReply(0);
}

export function* sigProc(pm: PmState, p: MProc, sig: number): Gen<void> {
  if (p.zombie) return;
  pm.ctx.trace('signal', { op: 'generate', pid: p.pid, target: p.name, signal: sig });
  const bit = 1 << sig;
  if (sig === SIGKILL) { yield* exitProc(pm, p, signalStatus(SIGKILL)); return; }
  if (sig === SIGSTOP) { yield kernelCall('sys_stop', { endpoint: p.endpoint }); return; }
  if (sig === SIGCONT) yield kernelCall('sys_cont', { endpoint: p.endpoint });
  const action = p.actions[sig] ?? 'default';
  if (action === 'ignore' || (action === 'default' && DEFAULT_IGNORED.has(sig))) return;
  if (p.blockedMask & bit) { p.pendingMask |= bit; return; }
  p.pendingMask &= ~bit;
  if (action === 'default') { yield* exitProc(pm, p, signalStatus(sig)); return; }
  yield kernelCall('sys_sigsend', { endpoint: p.endpoint, signal: sig });
  yield* wakeWithEintr(pm, p);
}

/** A process suspended in PM (pause, wait, sleep) returns EINTR so its handler can run. */
function* wakeWithEintr(pm: PmState, p: MProc): Gen<void> {
  // Not waiting in PM: it may be suspended in FS (pipe, F_SETLKW), which then replies EINTR.
  if (p.waiting === null) { yield* tellFs(pm, { type: 'FS_PM_UNPAUSE', endpoint: p.endpoint }); return; }
  if (p.waiting === 'exec') return;
  if (p.waiting === 'sigsuspend' && p.savedMask !== null) {
    p.blockedMask = p.savedMask;
    p.savedMask = null;
  }
  if (p.waiting === 'sleep') cancelSleep(pm, p);
  p.waiting = null;
  yield send(p.endpoint, pmReply(-EINTR));
}

export function* doSigaction(pm: PmState, m: Envelope<PmSigaction>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || !validSignal(m.signal) || !['default', 'ignore', 'catch'].includes(m.action)) return pmReply(-EINVAL);
  if (UNCATCHABLE.has(m.signal)) return pmReply(-EINVAL);
  p.actions[m.signal] = m.action;
  if (m.action === 'ignore') p.pendingMask &= ~(1 << m.signal);
  return pmReply(0);
}

export function* doSigprocmask(pm: PmState, m: Envelope<PmSigprocmask>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || typeof m.mask !== 'number') return pmReply(-EINVAL);
  const old = p.blockedMask;
  if (m.how === 'block') p.blockedMask |= m.mask;
  else if (m.how === 'unblock') p.blockedMask &= ~m.mask;
  else if (m.how === 'set') p.blockedMask = m.mask;
  else return pmReply(-EINVAL);
  p.blockedMask &= ~UNBLOCKABLE_MASK;
  yield* deliverUnblocked(pm, p);
  return p.zombie ? null : pmReply(old);
}

export function* doSigsuspend(pm: PmState, m: Envelope<PmSigsuspend>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined) return pmReply(-EINVAL);
  p.savedMask = p.blockedMask;
  if (typeof m.mask === 'number') p.blockedMask = m.mask & ~UNBLOCKABLE_MASK;
  p.waiting = 'sigsuspend';
  yield* deliverUnblocked(pm, p);
  return null; // replied (EINTR) when a signal arrives
}

/** Signals held while blocked are generated again once unblocked. */
function* deliverUnblocked(pm: PmState, p: MProc): Gen<void> {
  for (let sig = 1; sig < NSIG && !p.zombie; sig++) {
    const bit = 1 << sig;
    if ((p.pendingMask & bit) && !(p.blockedMask & bit)) {
      p.pendingMask &= ~bit;
      yield* sigProc(pm, p, sig);
    }
  }
}

/** VM kills a process that faulted on a bad address (SIGSEGV); sent with senda, so no reply. */
export function* doVmSignal(pm: PmState, m: Envelope<VmSignal>): Gen<Message | null> {
  if (m.source !== pm.ctx.endpointOf('vm')) return pmReply(-EPERM);
  if (!validSignal(m.signal)) return null;
  const p = pm.procs.byEndpoint(m.endpoint);
  if (p !== undefined) yield* sigProc(pm, p, m.signal);
  return null;
}

/** The file system asks for a signal (SIGPIPE to a writer); it sent with senda, so no reply. */
export function* doFsSignal(pm: PmState, m: Envelope<FsSignal>): Gen<Message | null> {
  // Only the file system may ask; anyone else is answered (a sendrec must not hang).
  if (m.source !== pm.ctx.endpointOf('fs')) return pmReply(-EPERM);
  if (!validSignal(m.signal)) return null;
  const p = pm.procs.byEndpoint(m.endpoint);
  if (p !== undefined) yield* sigProc(pm, p, m.signal);
  return null;
}
