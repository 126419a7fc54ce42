/*
 * The request queue and its scheduling policies (the boot script's sched=).
 *   DiskScheduler          the policy interface: pick(pending, head) -> the index to serve next
 *   DISK_SCHEDULERS        the built-ins written against it: fcfs, sstf, look, clook
 *   SchedPolicy            their names; SCHED_POLICIES their one-line trade-offs (docs and help)
 *   RequestQueue(policy, limit)   push(request), next(headCyl) takes the request the policy serves next
 * Ties between requests on the same cylinder go to the earlier arrival, so
 * every built-in is deterministic. A student's policy (`sched=FILE`,
 * docs/extending.md) is a DiskScheduler from a file; the driver checks its
 * answer is an index of `pending` (cli/boot/plugin-kinds.ts).
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
  /** Virtual time of arrival at the driver (absent in queue-only tests). */
  readonly arrivalNs?: number;
  readonly write?: boolean;
}

/** What a policy sees of the head: where it is, and the sweep direction it keeps (a policy may set it). */
export interface HeadState {
  readonly cylinder: number;
  /** +1 toward higher cylinders, -1 toward lower; starts +1 and stays as a policy leaves it. */
  direction: 1 | -1;
}

export interface DiskScheduler {
  readonly name: string;
  /**
   * The request to serve next: an index into `pending`, which is in arrival
   * order (pending[0] came first) and never empty.
   */
  pick(pending: readonly Schedulable[], head: HeadState): number;
}

/** Index of the eligible request with the least cost; ties to the earliest arrival; -1 if none. */
function best(pending: readonly Schedulable[], eligible: (r: Schedulable) => boolean, cost: (r: Schedulable) => number): number {
  let found = -1;
  for (let i = 0; i < pending.length; i++) {
    const r = pending[i]!;
    if (!eligible(r)) continue;
    if (found < 0) { found = i; continue; }
    const b = pending[found]!;
    const c = cost(r) - cost(b);
    if (c < 0 || (c === 0 && r.seq < b.seq)) found = i;
  }
  return found;
}

const distance = (head: HeadState) => (r: Schedulable): number => Math.abs(r.cylinder - head.cylinder);

export const DISK_SCHEDULERS: Readonly<Record<SchedPolicy, DiskScheduler>> = {
  // Arrival order is array order.
  fcfs: { name: 'fcfs', pick: () => 0 },
  sstf: { name: 'sstf', pick: (pending, head) => best(pending, () => true, distance(head)) },
  look: {
    name: 'look',
    pick(pending, head) {
      const ahead = (r: Schedulable): boolean => (head.direction > 0 ? r.cylinder >= head.cylinder : r.cylinder <= head.cylinder);
      let i = best(pending, ahead, distance(head));
      if (i < 0) {
        head.direction = head.direction > 0 ? -1 : 1;
        i = best(pending, ahead, distance(head));
      }
      return i;
    },
  },
  clook: {
    name: 'clook',
    pick(pending, head) {
      const i = best(pending, (r) => r.cylinder >= head.cylinder, (r) => r.cylinder);
      return i >= 0 ? i : best(pending, () => true, (r) => r.cylinder);
    },
  },
};

export class RequestQueue<T extends Schedulable> {
  private readonly items: T[] = [];
  private direction: 1 | -1 = 1;
  readonly scheduler: DiskScheduler;

  constructor(policy: SchedPolicy | DiskScheduler, readonly limit: number) {
    if (typeof policy === 'string' && !Object.hasOwn(DISK_SCHEDULERS, policy)) throw new RangeError(`unknown scheduling policy ${String(policy)}`);
    this.scheduler = typeof policy === 'string' ? DISK_SCHEDULERS[policy] : policy;
  }

  get policy(): string {
    return this.scheduler.name;
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
    const head: HeadState = { cylinder: headCyl, direction: this.direction };
    // A student's policy sees copies: it cannot change a request the driver will serve.
    const view = Object.hasOwn(DISK_SCHEDULERS, this.scheduler.name) && DISK_SCHEDULERS[this.scheduler.name as SchedPolicy] === this.scheduler
      ? this.items
      : this.items.map((r) => Object.freeze({ cylinder: r.cylinder, seq: r.seq, arrivalNs: r.arrivalNs ?? 0, write: r.write === true }));
    const i = this.scheduler.pick(view, head);
    this.direction = head.direction === -1 ? -1 : 1;
    // An answer that is not an index (a shielded student policy reports it) serves the oldest.
    const at = Number.isInteger(i) && i >= 0 && i < this.items.length ? i : 0;
    return this.items.splice(at, 1)[0];
  }
}
