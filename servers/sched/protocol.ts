/*
 * The SCHED server's messages (MINIX 3.2's SCHEDULING_* calls, minix/com.h).
 *   SchedStart      SCHEDULING_START: PM hands over init with its queue and quantum (sched_start)
 *   SchedInherit    SCHEDULING_INHERIT: a forked child, scheduled as its parent (sched_inherit)
 *   SchedStop       SCHEDULING_STOP: the process exits (sched_stop)
 *   SchedSetNice    SCHEDULING_SET_NICE: a new best queue and, optionally, quantum (sched_nice)
 *   SchedNoQuantum  SCHEDULING_NO_QUANTUM: sent by the kernel on a process's behalf (notify_scheduler); never answered
 *   SchedReply      { type: 'SCHED_REPLY', status }
 *   MAX_USER_Q, MIN_USER_Q   the best and worst queue of a user process
 */
import type { Message } from '../../kernel/index.js';

export interface SchedStart extends Message {
  readonly type: 'SCHEDULING_START';
  readonly endpoint: number;
  /** For the trace and the policy's view (PM knows it; the scheduler has no table of names). */
  readonly name: string;
  /** The best queue the process may have (MINIX's maxprio). */
  readonly maxPriority: number;
  readonly quantumNs: number;
}

export interface SchedInherit extends Message {
  readonly type: 'SCHEDULING_INHERIT';
  readonly endpoint: number;
  readonly name: string;
  readonly parent: number;
  readonly maxPriority: number;
}

export interface SchedStop extends Message {
  readonly type: 'SCHEDULING_STOP';
  readonly endpoint: number;
}

export interface SchedSetNice extends Message {
  readonly type: 'SCHEDULING_SET_NICE';
  readonly endpoint: number;
  readonly maxPriority: number;
  /** A new quantum, or absent to keep it (MINIX has none: mksim's `quantum=` needs it). */
  readonly quantumNs?: number;
}

/** What the kernel tells the scheduler when the process's quantum runs out. */
export interface SchedNoQuantum extends Message {
  readonly type: 'SCHEDULING_NO_QUANTUM';
  readonly endpoint: number;
  readonly priority: number;
  readonly quantumNs: number;
  /** The process's total CPU time so far. */
  readonly cpuTimeNs: number;
}

export interface SchedReply extends Message {
  readonly type: 'SCHED_REPLY';
  readonly status: number;
}

export type SchedRequest = SchedStart | SchedInherit | SchedStop | SchedSetNice | SchedNoQuantum;

export const SCHED_REPLY = 'SCHED_REPLY';

/** Queues a user process may occupy (MINIX's MAX_USER_Q .. MIN_USER_Q); USER_Q (7) is the default. */
export const MAX_USER_Q = 0;
export const MIN_USER_Q = 15;
