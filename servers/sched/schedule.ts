/*
 * The SCHED server's calls (MINIX's servers/sched/schedule.c), with the
 * policy deciding every queue and quantum.
 *   doStartScheduling   SCHEDULING_START / SCHEDULING_INHERIT: take over a process (sys_schedctl), schedule it
 *   doStopScheduling    SCHEDULING_STOP: forget it
 *   doNice              SCHEDULING_SET_NICE: a new best queue (and quantum)
 *   doNoQuantum         SCHEDULING_NO_QUANTUM from the kernel: ask the policy, sys_schedule
 *   balanceQueues       the balance alarm: the policy's balance(), then re-arm while needed
 * Every decision goes to the kernel as sys_schedule(endpoint, priority, quantumNs).
 */
import {
  EINVAL, ENOSPC, EPERM, kernelCall, NONE, sendrec, type ActorContext, type Envelope, type KernelCall, type Message,
} from '../../kernel/index.js';
import type { Prng } from '../../kernel/random.js';
import { MIN_USER_Q, type Decision, type PolicyView, type SchedPolicy } from './policy.js';
import {
  SCHED_REPLY, type SchedInherit, type SchedNoQuantum, type SchedReply, type SchedSetNice, type SchedStart, type SchedStop,
} from './protocol.js';
import type { SchedEntry, SchedTable } from './schedproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

export interface SchedState {
  readonly ctx: ActorContext;
  readonly policy: SchedPolicy;
  readonly table: SchedTable;
  readonly prng: Prng;
  /** The endpoint allowed to start, stop and nice processes (PM). */
  readonly pm: number;
  readonly clock: number;
  /** Is a balance alarm pending with the clock? */
  balanceArmed: boolean;
}

const reply = (status: number): SchedReply => ({ type: SCHED_REPLY, status });

const validQueue = (q: unknown): q is number => Number.isSafeInteger(q) && (q as number) >= 0 && (q as number) <= MIN_USER_Q;
const validQuantum = (ns: unknown): ns is number => Number.isSafeInteger(ns) && (ns as number) >= 1;

/** The policy's view; the sorted table is built only if the policy looks at it. */
function view(s: SchedState): PolicyView {
  let procs: readonly SchedEntry[] | null = null;
  return {
    get procs() { return (procs ??= s.table.all()); },
    random: () => s.prng.nextU32(),
  };
}

/** Apply a decision: the policy's numbers, checked, to the table and the kernel (schedule_process). */
function* scheduleProcess(s: SchedState, p: SchedEntry, d: Decision): Gen<number> {
  if (!validQueue(d.priority) || !validQuantum(d.quantumNs)) {
    throw new Error(`policy ${s.policy.name} decided priority ${d.priority}, quantum ${d.quantumNs} ns for ${p.name}`);
  }
  // A policy may not lift a process above its best queue (that is nice's and root's business).
  p.priority = Math.max(d.priority, p.maxPriority);
  p.quantumNs = d.quantumNs;
  return yield kernelCall('sys_schedule', { endpoint: p.endpoint, priority: p.priority, quantumNs: p.quantumNs });
}

export function* doStartScheduling(s: SchedState, m: Envelope<SchedStart | SchedInherit>): Gen<Message | null> {
  if (m.source !== s.pm) return reply(-EPERM);
  if (!validQueue(m.maxPriority) || !Number.isSafeInteger(m.endpoint)) return reply(-EINVAL);
  let priority: number;
  let quantumNs: number;
  if (m.type === 'SCHEDULING_START') {
    if (!validQuantum(m.quantumNs)) return reply(-EINVAL);
    priority = m.maxPriority;
    quantumNs = m.quantumNs;
  } else {
    // The child starts where its parent is now (do_start_scheduling's SCHEDULING_INHERIT).
    const parent = s.table.get(m.parent);
    if (parent === undefined) return reply(-EINVAL);
    priority = Math.max(parent.priority, m.maxPriority);
    quantumNs = parent.baseQuantumNs;
  }
  if (s.table.full && s.table.get(m.endpoint) === undefined) return reply(-ENOSPC);
  const r: number = yield kernelCall('sys_schedctl', { endpoint: m.endpoint });
  if (r < 0) return reply(r);
  const entry: SchedEntry = {
    endpoint: m.endpoint, name: typeof m.name === 'string' ? m.name : `ep${m.endpoint}`,
    maxPriority: m.maxPriority, priority, quantumNs, baseQuantumNs: quantumNs,
  };
  s.table.add(entry);
  const status = yield* scheduleProcess(s, entry, s.policy.init(entry));
  return reply(status);
}

export function* doStopScheduling(s: SchedState, m: Envelope<SchedStop>): Gen<Message | null> {
  if (m.source !== s.pm) return reply(-EPERM);
  return reply(s.table.remove(m.endpoint) ? 0 : -EINVAL);
}

export function* doNice(s: SchedState, m: Envelope<SchedSetNice>): Gen<Message | null> {
  if (m.source !== s.pm) return reply(-EPERM);
  const p = s.table.get(m.endpoint);
  if (p === undefined || !validQueue(m.maxPriority)) return reply(-EINVAL);
  if (m.quantumNs !== undefined && !validQuantum(m.quantumNs)) return reply(-EINVAL);
  p.maxPriority = m.maxPriority;
  p.priority = m.maxPriority;
  if (m.quantumNs !== undefined) p.baseQuantumNs = p.quantumNs = m.quantumNs;
  const status = yield* scheduleProcess(s, p, s.policy.init(p));
  yield* armBalance(s);
  return reply(status);
}

/** The kernel's message on behalf of a process out of quantum: never answered (MINIX's main.c). */
export function* doNoQuantum(s: SchedState, m: Envelope<SchedNoQuantum>): Gen<Message | null> {
  const p = s.table.get(m.source);
  if (p === undefined || m.endpoint !== m.source) {
    s.ctx.trace('error', { call: 'SCHEDULING_NO_QUANTUM', err: 'EINVAL', peer: m.source });
    return null;
  }
  yield* scheduleProcess(s, p, s.policy.noQuantum(p, view(s)));
  yield* armBalance(s);
  return null;
}

/** The balance alarm went off (balance_queues). */
export function* balanceQueues(s: SchedState): Gen<void> {
  s.balanceArmed = false;
  const changes = s.policy.balance?.(view(s)) ?? [];
  for (const c of changes) {
    const p = s.table.get(c.endpoint);
    if (p !== undefined) yield* scheduleProcess(s, p, c);
  }
  yield* armBalance(s);
}

/**
 * Keep a balance alarm only while some process is below its best queue:
 * MINIX's is periodic, but an alarm that never stops would keep an idle
 * simulation running forever.
 */
function* armBalance(s: SchedState): Gen<void> {
  const intervalNs = s.policy.balanceIntervalNs;
  if (s.balanceArmed || s.policy.balance === undefined || intervalNs === undefined || s.clock === NONE) return;
  if (!s.table.all().some((p) => p.priority !== p.maxPriority)) return;
  const r: Envelope | number = yield sendrec(s.clock, { type: 'CLOCK_SET_ALARM', delayNs: intervalNs });
  s.balanceArmed = typeof r !== 'number';
}
