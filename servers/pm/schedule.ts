/*
 * PM's side of scheduling (MINIX's pm/schedule.c): PM hands user processes
 * to the SCHED server and passes their nice values on.
 *   schedInit(pm, init)            SCHEDULING_START for init, with its block's queue and quantum (sched_init)
 *   schedStartUser(pm, child, parent)   SCHEDULING_INHERIT for a forked child (sched_start_user)
 *   schedStop(pm, p)               SCHEDULING_STOP when it exits (sched_stop)
 *   doSetpriority(pm, m)           PM_SETPRIORITY: nice N, or a block's priority= / quantum= (do_setpriority, sched_nice)
 *   niceToPriority(nice)           MINIX's nice_to_priority: -20..19 onto queues 0..15
 * Without a SCHED server (a system built by hand) the kernel schedules
 * everyone and PM_SETPRIORITY fails with EINVAL, as MINIX's sched_nice does
 * for a kernel-scheduled process.
 */
import { EINVAL, EPERM, NONE, sendrec, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { MAX_USER_Q, MIN_USER_Q, type SchedInherit, type SchedSetNice, type SchedStart, type SchedStop } from '../sched/protocol.js';
import type { MProc } from './mproc.js';
import type { PmSetpriority } from './protocol.js';
import { capable } from './security.js';
import { pmReply, type PmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

export const PRIO_MIN = -20;
export const PRIO_MAX = 20;

export function niceToPriority(nice: number): number {
  const q = MAX_USER_Q + Math.floor(((nice - PRIO_MIN) * (MIN_USER_Q - MAX_USER_Q + 1)) / (PRIO_MAX - PRIO_MIN + 1));
  return Math.min(Math.max(q, MAX_USER_Q), MIN_USER_Q);
}

/** sendrec to SCHED; its status, or -EINVAL with no SCHED. */
function* tellSched(pm: PmState, msg: Message): Gen<number> {
  const sched = pm.ctx.endpointOf('sched');
  if (sched === NONE) return -EINVAL;
  const r: Envelope | number = yield sendrec(sched, msg);
  return typeof r === 'number' ? r : ((r as Envelope & { status?: number }).status ?? 0);
}

export function* schedInit(pm: PmState, init: MProc, priority: number, quantumNs: number): Gen<void> {
  if (pm.ctx.endpointOf('sched') === NONE) return;
  init.maxPriority = priority;
  const start: SchedStart = { type: 'SCHEDULING_START', endpoint: init.endpoint, name: init.name, maxPriority: priority, quantumNs };
  const r = yield* tellSched(pm, start);
  init.scheduled = r >= 0;
}

export function* schedStartUser(pm: PmState, child: MProc, parent: MProc): Gen<void> {
  child.maxPriority = parent.maxPriority;
  if (!parent.scheduled) return;
  const inherit: SchedInherit = {
    type: 'SCHEDULING_INHERIT', endpoint: child.endpoint, name: child.name, parent: parent.endpoint, maxPriority: child.maxPriority,
  };
  const r = yield* tellSched(pm, inherit);
  child.scheduled = r >= 0;
}

export function* schedStop(pm: PmState, p: MProc): Gen<void> {
  if (!p.scheduled) return;
  p.scheduled = false;
  const stop: SchedStop = { type: 'SCHEDULING_STOP', endpoint: p.endpoint };
  yield* tellSched(pm, stop);
}

export function* doSetpriority(pm: PmState, m: Envelope<PmSetpriority>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined) return pmReply(-EINVAL);
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  let maxPriority = p.maxPriority;
  if (m.nice !== undefined) {
    if (!isInt(m.nice) || m.nice < PRIO_MIN || m.nice >= PRIO_MAX) return pmReply(-EINVAL);
    maxPriority = niceToPriority(m.nice);
  } else if (m.priority !== undefined) {
    if (!isInt(m.priority) || m.priority < MAX_USER_Q || m.priority > MIN_USER_Q) return pmReply(-EINVAL);
    maxPriority = m.priority;
  }
  if (m.quantumNs !== undefined && !(isInt(m.quantumNs) && m.quantumNs >= 1)) return pmReply(-EINVAL);
  // Only root may raise a priority or choose a quantum (do_setpriority; Linux: capability:sys_nice).
  if ((maxPriority < p.maxPriority || m.quantumNs !== undefined) && !(yield* capable(pm, p, 'sys_nice'))) return pmReply(-EPERM);
  if (!p.scheduled) return pmReply(-EINVAL);
  const nice: SchedSetNice = {
    type: 'SCHEDULING_SET_NICE', endpoint: p.endpoint, maxPriority, ...(m.quantumNs !== undefined ? { quantumNs: m.quantumNs } : {}),
  };
  const r = yield* tellSched(pm, nice);
  if (r >= 0) p.maxPriority = maxPriority;
  return pmReply(r >= 0 ? 0 : r);
}
