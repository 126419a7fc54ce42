/*
 * Lottery scheduling (Waldspurger and Weihl, 1994), in the shape of the
 * classic MINIX course exercise: two queues, winners above losers.
 *   lotteryPolicy   each process holds tickets (more for a better maxPriority:
 *                   NR_SCHED_QUEUES - maxPriority, so 9 at the user queue 7, 10 with
 *                   priority=6); when its quantum ends a ticket is drawn from all
 *                   scheduled processes' tickets with the server's seeded PRNG:
 *                   if it holds the ticket it runs next quantum in its best queue,
 *                   else one queue below. Over many quanta a process's share of
 *                   the best queue is its share of the tickets.
 */
import { NR_SCHED_QUEUES } from '../../kernel/index.js';
import { MIN_USER_Q, type PolicyView, type SchedPolicy, type SchedProc } from './policy.js';

export const ticketsOf = (p: SchedProc): number => NR_SCHED_QUEUES - p.maxPriority;

/** Does p hold the drawn ticket? */
function wins(p: SchedProc, view: PolicyView): boolean {
  let total = 0;
  for (const q of view.procs) total += ticketsOf(q);
  if (total === 0) return true;
  let ticket = view.random() % total;
  for (const q of view.procs) {
    ticket -= ticketsOf(q);
    if (ticket < 0) return q.endpoint === p.endpoint;
  }
  return false;
}

export const lotteryPolicy: SchedPolicy = {
  name: 'lottery',
  init: (p) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),
  noQuantum: (p, view) => ({
    priority: wins(p, view) ? p.maxPriority : Math.min(p.maxPriority + 1, MIN_USER_Q),
    quantumNs: p.baseQuantumNs,
  }),
};
