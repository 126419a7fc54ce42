/*
 * MINIX 3.2's default policy (servers/sched/schedule.c).
 *   minixPolicy   do_noquantum: a process that used its whole quantum drops one
 *                 queue (down to MIN_USER_Q); balance_queues, every 5 s: each
 *                 process below its best queue rises one
 * A CPU hog sinks, an interactive process that blocks before its quantum
 * ends keeps its queue: 3.1's sched() penalty, moved out of the kernel.
 */
import { MIN_USER_Q, type BalanceChange, type SchedPolicy } from './policy.js';

/** MINIX's BALANCE_TIMEOUT (5 s). */
export const BALANCE_INTERVAL_NS = 5_000_000_000;

export const minixPolicy: SchedPolicy = {
  name: 'minix',
  init: (p) => ({ priority: p.priority, quantumNs: p.quantumNs }),
  noQuantum: (p) => ({ priority: p.priority < MIN_USER_Q ? p.priority + 1 : p.priority, quantumNs: p.quantumNs }),
  balanceIntervalNs: BALANCE_INTERVAL_NS,
  balance(view) {
    const changes: BalanceChange[] = [];
    for (const p of view.procs) {
      if (p.priority > p.maxPriority) changes.push({ endpoint: p.endpoint, priority: p.priority - 1, quantumNs: p.quantumNs });
    }
    return changes;
  },
};
