/*
 * High-resolution timers (Linux's hrtimer base): a binary min-heap of timers
 * ordered by (expiry, sequence), so timers due at the same nanosecond expire
 * in the order they were started.
 *   Hrtimer<T>            a timer: expiry, owner endpoint, payload; reusable after it expires
 *   HrtimerQueue<T>       start (or restart), cancel, forward, peek, popDue
 *   forwardExpiry(...)    hrtimer_forward's arithmetic: the next period after now, and the overruns
 * Cancel removes the timer from the heap at once (each timer knows its heap
 * index), so a cancelled timer costs nothing later and the queue's size is
 * the number of live timers.
 */
import type { Endpoint } from '../../kernel/index.js';

export interface Hrtimer<T> {
  /** Absolute virtual time at which the timer expires. */
  expiryNs: number;
  /** Tie-break for equal expiries: the order of start() calls. */
  seq: number;
  /** Position in the heap, or -1 when the timer is not queued. */
  heapIndex: number;
  /** The endpoint the timer belongs to (whom its expiry concerns). */
  readonly owner: Endpoint;
  readonly payload: T;
}

export function newHrtimer<T>(owner: Endpoint, payload: T): Hrtimer<T> {
  return { expiryNs: 0, seq: 0, heapIndex: -1, owner, payload };
}

export function isQueued(timer: Hrtimer<unknown>): boolean {
  return timer.heapIndex >= 0;
}

/** Linux's hrtimer_forward: the first expiry after nowNs on the grid expiryNs + k*intervalNs, and how many periods were skipped (k). */
export function forwardExpiry(expiryNs: number, nowNs: number, intervalNs: number): { expiryNs: number; overruns: number } {
  if (!(intervalNs > 0)) throw new RangeError(`hrtimer interval must be positive, got ${intervalNs}`);
  if (nowNs < expiryNs) return { expiryNs, overruns: 0 };
  const overruns = Math.floor((nowNs - expiryNs) / intervalNs) + 1;
  return { expiryNs: expiryNs + overruns * intervalNs, overruns };
}

export class HrtimerQueue<T> {
  private readonly heap: Hrtimer<T>[] = [];
  private nextSeq = 1;

  /** A bound on live timers (TigerBeetle: a limit on everything). */
  constructor(readonly maxTimers = 1 << 20) {}

  get size(): number {
    return this.heap.length;
  }

  /** Queue the timer to expire at expiryNs; a queued timer is moved (hrtimer_start on an active timer). */
  start(timer: Hrtimer<T>, expiryNs: number): void {
    if (!Number.isSafeInteger(expiryNs)) throw new RangeError(`hrtimer expiry must be integer ns, got ${expiryNs}`);
    if (timer.heapIndex >= 0) this.remove(timer);
    if (this.heap.length >= this.maxTimers) throw new RangeError(`hrtimer queue full (${this.maxTimers} timers)`);
    timer.expiryNs = expiryNs;
    timer.seq = this.nextSeq++;
    timer.heapIndex = this.heap.length;
    this.heap.push(timer);
    this.siftUp(timer.heapIndex);
  }

  /** Remove a queued timer; false if it was not queued (already expired or never started). */
  cancel(timer: Hrtimer<T>): boolean {
    if (timer.heapIndex < 0) return false;
    this.remove(timer);
    return true;
  }

  /**
   * hrtimer_forward + restart: move a periodic timer to its next period
   * after nowNs. Returns the overruns (periods that passed unserved, at least 1
   * when the timer had expired).
   */
  forward(timer: Hrtimer<T>, nowNs: number, intervalNs: number): number {
    const next = forwardExpiry(timer.expiryNs, nowNs, intervalNs);
    this.start(timer, next.expiryNs);
    return next.overruns;
  }

  /** The earliest timer, or undefined. */
  peek(): Hrtimer<T> | undefined {
    return this.heap[0];
  }

  /** Expiry of the earliest timer, or Infinity. */
  peekExpiryNs(): number {
    return this.heap.length > 0 ? this.heap[0]!.expiryNs : Infinity;
  }

  /** Remove and return the earliest timer if it is due at nowNs. */
  popDue(nowNs: number): Hrtimer<T> | undefined {
    const top = this.heap[0];
    if (top === undefined || top.expiryNs > nowNs) return undefined;
    this.remove(top);
    return top;
  }

  /** The queued timers in expiry order (a copy; for statistics and tests). */
  ordered(): Hrtimer<T>[] {
    return [...this.heap].sort(compare);
  }

  private remove(timer: Hrtimer<T>): void {
    const heap = this.heap;
    const i = timer.heapIndex;
    if (!(i >= 0 && heap[i] === timer)) throw new Error('hrtimer heap index corrupt');
    timer.heapIndex = -1;
    const last = heap.pop()!;
    if (last === timer) return;
    heap[i] = last;
    last.heapIndex = i;
    if (i > 0 && compare(last, heap[(i - 1) >> 1]!) < 0) this.siftUp(i);
    else this.siftDown(i);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const t = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (compare(t, p) >= 0) break;
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = t;
    t.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const t = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && compare(heap[right]!, heap[left]!) < 0 ? right : left;
      const c = heap[child]!;
      if (compare(c, t) >= 0) break;
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = t;
    t.heapIndex = i;
  }
}

function compare(a: Hrtimer<unknown>, b: Hrtimer<unknown>): number {
  return a.expiryNs !== b.expiryNs ? a.expiryNs - b.expiryNs : a.seq - b.seq;
}
