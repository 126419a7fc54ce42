/*
 * A multi-level feedback queue (OSTEP ch. 8's rules).
 *   mlfqPolicy   a new process starts at its best queue with the base quantum;
 *                one that uses a whole quantum drops a level (at most
 *                MLFQ_LEVELS - 1) and gets twice the quantum; every second all
 *                are boosted back to their best queue (rule 5: no starvation)
 * A process that blocks before its quantum ends keeps its level: the kernel
 * keeps what is left of its quantum and tells the server nothing.
 */
import { MIN_USER_Q, type BalanceChange, type SchedPolicy, type SchedProc } from './policy.js';

export const MLFQ_LEVELS = 4;
export const MLFQ_BOOST_INTERVAL_NS = 1_000_000_000;

const levelOf = (p: SchedProc): number => p.priority - p.maxPriority;

export const mlfqPolicy: SchedPolicy = {
  name: 'mlfq',
  init: (p) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),
  noQuantum(p) {
    const level = Math.min(levelOf(p) + 1, MLFQ_LEVELS - 1, MIN_USER_Q - p.maxPriority);
    return { priority: p.maxPriority + level, quantumNs: p.baseQuantumNs * 2 ** level };
  },
  balanceIntervalNs: MLFQ_BOOST_INTERVAL_NS,
  balance(view) {
    const changes: BalanceChange[] = [];
    for (const p of view.procs) {
      if (p.priority !== p.maxPriority) changes.push({ endpoint: p.endpoint, priority: p.maxPriority, quantumNs: p.baseQuantumNs });
    }
    return changes;
  },
};
