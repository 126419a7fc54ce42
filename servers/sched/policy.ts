/*
 * The scheduling-policy interface: the plug-in point of the SCHED server.
 *   SchedPolicy    { name, init, noQuantum, balance?, balanceIntervalNs? }
 *   SchedProc      what a policy sees of one process (read-only data)
 *   Decision       a queue and a quantum: what the server passes to sys_schedule
 *   PolicyView     every scheduled process, and the server's seeded random numbers
 * A policy is pure: data in, decisions out; it keeps no state of its own
 * (anything it needs is in SchedProc), so it cannot get out of step with
 * the server's table. The server applies every decision with sys_schedule.
 */

/** What a policy sees of a process. */
export interface SchedProc {
  readonly endpoint: number;
  readonly name: string;
  /** The best queue it may have: USER_Q (7) unless niced or given `priority=` (MINIX's max_priority). */
  readonly maxPriority: number;
  /** The queue it is in now (0 highest, 15 lowest). */
  readonly priority: number;
  /** Its quantum now. */
  readonly quantumNs: number;
  /** The quantum it was started with (or given by `quantum=`): what a policy scales. */
  readonly baseQuantumNs: number;
}

export interface Decision {
  /** 0..15; a user process should stay within maxPriority..15. */
  readonly priority: number;
  /** >= 1 ns. */
  readonly quantumNs: number;
}

export interface BalanceChange extends Decision {
  readonly endpoint: number;
}

export interface PolicyView {
  /** Every process the server schedules, in endpoint order. */
  readonly procs: readonly SchedProc[];
  /** A uniform integer in [0, 2^32) from the server's seeded PRNG. */
  random(): number;
}

export interface SchedPolicy {
  readonly name: string;
  /** A process the server takes over (init, a forked child, after nice): its first queue and quantum. */
  init(proc: SchedProc): Decision;
  /** It used its whole quantum (MINIX's do_noquantum): its next queue and quantum. */
  noQuantum(proc: SchedProc, view: PolicyView): Decision;
  /**
   * Called every balanceIntervalNs while some process is below its best
   * queue (MINIX's balance_queues): changes for any processes.
   */
  balance?(view: PolicyView): readonly BalanceChange[];
  readonly balanceIntervalNs?: number;
}

export { MAX_USER_Q, MIN_USER_Q } from './protocol.js';
