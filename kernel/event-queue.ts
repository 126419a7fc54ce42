/*
 * The kernel's one event queue: a binary min-heap ordered by (time, sequence),
 * so events due at the same nanosecond fire in the order they were scheduled.
 *   schedule(atNs, fire)   add an event; returns it (for cancel)
 *   cancel(event)          mark it dead; it is dropped when it reaches the top
 *   peekTimeNs()           time of the earliest live event, or Infinity
 *   popDue(nowNs)          remove and return the earliest event due at or before nowNs
 */

export interface TimedEvent {
  readonly atNs: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

export class EventQueue {
  private readonly heap: TimedEvent[] = [];
  private nextSeq = 1;

  get size(): number {
    return this.heap.length;
  }

  schedule(atNs: number, fire: () => void): TimedEvent {
    if (!Number.isSafeInteger(atNs)) throw new RangeError(`event time must be integer ns, got ${atNs}`);
    const event: TimedEvent = { atNs, seq: this.nextSeq++, fire, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  cancel(event: TimedEvent): void {
    event.cancelled = true;
  }

  peekTimeNs(): number {
    this.dropCancelled();
    return this.heap.length > 0 ? this.heap[0]!.atNs : Infinity;
  }

  popDue(nowNs: number): TimedEvent | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.atNs > nowNs) return undefined;
    this.removeTop();
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: TimedEvent, b: TimedEvent): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}
