/*
 * The request queue and its scheduling policies (the boot script's sched=).
 *   SchedPolicy            'fcfs' | 'sstf' | 'look' | 'clook'
 *   RequestQueue(policy, limit)   push(request), next(headCyl) takes the request the policy serves next
 *   SCHED_POLICIES         the policies with their one-line trade-offs (docs and help)
 * Ties between requests on the same cylinder go to the earlier arrival, so
 * every policy is deterministic.
 */

export type SchedPolicy = 'fcfs' | 'sstf' | 'look' | 'clook';

export const SCHED_POLICIES: Readonly<Record<SchedPolicy, string>> = {
  fcfs: 'first come, first served: fair and predictable, but seeks wherever the arrivals lead',
  sstf: 'shortest seek time first: least arm movement, but requests far from a busy region can starve',
  look: 'elevator: sweep one way serving requests in cylinder order, reverse at the last one; bounded waits, middle cylinders served twice as often',
  clook: 'circular look: sweep upward only, then jump back to the lowest request; the most uniform wait, at the cost of one long return seek per sweep',
};

export interface Schedulable {
  /** Cylinder of the request's first sector: the policies' key. */
  readonly cylinder: number;
  /** Arrival order, the tie-breaker. */
  readonly seq: number;
}

export class RequestQueue<T extends Schedulable> {
  private readonly items: T[] = [];
  /** The sweep direction of look: +1 toward higher cylinders, -1 toward lower. */
  private direction: 1 | -1 = 1;

  constructor(readonly policy: SchedPolicy, readonly limit: number) {
    if (!(policy in SCHED_POLICIES)) throw new RangeError(`unknown scheduling policy ${String(policy)}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Queue a request; false when the queue is full. */
  push(request: T): boolean {
    if (this.items.length >= this.limit) return false;
    this.items.push(request);
    return true;
  }

  /** Remove and return the request to serve next with the head at headCyl. */
  next(headCyl: number): T | undefined {
    if (this.items.length === 0) return undefined;
    const i = this.pick(headCyl);
    return this.items.splice(i, 1)[0];
  }

  private pick(headCyl: number): number {
    switch (this.policy) {
      case 'fcfs':
        // Arrival order is array order.
        return 0;
      case 'sstf':
        return this.best(() => true, (r) => Math.abs(r.cylinder - headCyl));
      case 'look': {
        const ahead = (r: T) => (this.direction > 0 ? r.cylinder >= headCyl : r.cylinder <= headCyl);
        let i = this.best(ahead, (r) => Math.abs(r.cylinder - headCyl));
        if (i < 0) {
          this.direction = this.direction > 0 ? -1 : 1;
          i = this.best(ahead, (r) => Math.abs(r.cylinder - headCyl));
        }
        return i;
      }
      case 'clook': {
        const i = this.best((r) => r.cylinder >= headCyl, (r) => r.cylinder);
        return i >= 0 ? i : this.best(() => true, (r) => r.cylinder);
      }
    }
  }

  /** Index of the eligible request with the least cost; ties to the earliest arrival; -1 if none. */
  private best(eligible: (r: T) => boolean, cost: (r: T) => number): number {
    let found = -1;
    for (let i = 0; i < this.items.length; i++) {
      const r = this.items[i]!;
      if (!eligible(r)) continue;
      if (found < 0) { found = i; continue; }
      const b = this.items[found]!;
      const c = cost(r) - cost(b);
      if (c < 0 || (c === 0 && r.seq < b.seq)) found = i;
    }
    return found;
  }
}
