/*
 * The scheduler's ready queues: 16 priority levels as in MINIX (0 highest:
 * tasks; users at 7; 15 idle), each a FIFO linked through Proc.nextReady.
 * The running process stays at the head of its queue, as in MINIX.
 *   enqueue(p)          add at the tail (a process that became ready)
 *   dequeue(p)          remove (it blocked or exited)
 *   rotate(p)           move the head to the tail (its quantum expired)
 *   pick()              the head of the highest non-empty queue, or null
 *   higherReady(prio)   is anything ready above this priority?
 *   count               how many processes are ready (the running one included):
 *                       tickless quanta need a clock event only while it is above 1
 */
import type { Proc } from './proc.js';

export const NR_SCHED_QUEUES = 16;
export const TASK_Q = 0;
export const USER_Q = 7;
export const IDLE_Q = 15;

export class RunQueues {
  private readonly heads: (Proc | null)[] = new Array(NR_SCHED_QUEUES).fill(null);
  private readonly tails: (Proc | null)[] = new Array(NR_SCHED_QUEUES).fill(null);
  /** Bit q set iff queue q is non-empty. */
  private nonEmptyMask = 0;
  /** Processes in all queues (the running one is the head of its queue). */
  count = 0;

  enqueue(p: Proc): void {
    if (p.inReadyQueue) return;
    const q = p.priority;
    p.nextReady = null;
    p.inReadyQueue = true;
    this.count++;
    const tail = this.tails[q];
    if (tail === null) {
      this.heads[q] = p;
      this.nonEmptyMask |= 1 << q;
    } else {
      tail.nextReady = p;
    }
    this.tails[q] = p;
  }

  dequeue(p: Proc): void {
    if (!p.inReadyQueue) return;
    const q = p.priority;
    p.inReadyQueue = false;
    this.count--;
    let prev: Proc | null = null;
    let cur = this.heads[q] ?? null;
    // The running process is the head, so this loop is O(1) on the hot path.
    while (cur !== null && cur !== p) {
      prev = cur;
      cur = cur.nextReady;
    }
    if (cur === null) throw new Error(`run queue corrupt: ${p.name} marked ready but not in queue ${q}`);
    const next = p.nextReady;
    if (prev === null) this.heads[q] = next;
    else prev.nextReady = next;
    if (this.tails[q] === p) this.tails[q] = prev;
    if (this.heads[q] === null) this.nonEmptyMask &= ~(1 << q);
    p.nextReady = null;
  }

  /** Round robin: the process goes behind the others of its priority. Returns true if anyone else was waiting. */
  rotate(p: Proc): boolean {
    const q = p.priority;
    if (this.heads[q] !== p || p.nextReady === null) return false;
    this.heads[q] = p.nextReady;
    p.nextReady = null;
    this.tails[q]!.nextReady = p;
    this.tails[q] = p;
    return true;
  }

  pick(): Proc | null {
    const mask = this.nonEmptyMask;
    if (mask === 0) return null;
    return this.heads[31 - Math.clz32(mask & -mask)]!;
  }

  higherReady(priority: number): boolean {
    return (this.nonEmptyMask & ((1 << priority) - 1)) !== 0;
  }

  /** Processes in queue order, for statistics and tests. */
  snapshot(): string[][] {
    const out: string[][] = [];
    for (let q = 0; q < NR_SCHED_QUEUES; q++) {
      const names: string[] = [];
      for (let p = this.heads[q] ?? null; p !== null; p = p.nextReady) names.push(p.name);
      out.push(names);
    }
    return out;
  }
}
