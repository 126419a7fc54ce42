/*
 * Plain round robin.
 *   rrPolicy   every process stays in its best queue with its base quantum:
 *              out of quantum, it goes behind the others of that queue
 * (What mksim's kernel did alone before SCHED, and what the kernel still
 * does for the system processes it schedules itself.)
 */
import type { SchedPolicy } from './policy.js';

export const rrPolicy: SchedPolicy = {
  name: 'rr',
  init: (p) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),
  noQuantum: (p) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),
};
