/*
 * The kernel's one event queue: a binary min-heap ordered by (time, sequence),
 * so events due at the same nanosecond fire in the order they were scheduled.
 *   schedule(atNs, fire)   add an event; returns it (for cancel)
 *   cancel(event)          remove it from the heap now (each event knows its index)
 *   peekTimeNs()           time of the earliest event, or Infinity
 *   popDue(nowNs)          remove and return the earliest event due at or before nowNs
 * Cancelling removes at once, as the clock's HrtimerQueue does: a device
 * reprogrammed on every system call used to leave one dead event per call in
 * the heap until its time came; now the heap holds only live events.
 */

export interface TimedEvent {
  readonly atNs: number;
  readonly seq: number;
  readonly fire: () => void;
  /** Position in the heap, or -1 once fired or cancelled. */
  heapIndex: number;
}

export class EventQueue {
  private readonly heap: TimedEvent[] = [];
  private nextSeq = 1;

  /** Live (pending) events. */
  get size(): number {
    return this.heap.length;
  }

  schedule(atNs: number, fire: () => void): TimedEvent {
    if (!Number.isSafeInteger(atNs)) throw new RangeError(`event time must be integer ns, got ${atNs}`);
    const event: TimedEvent = { atNs, seq: this.nextSeq++, fire, heapIndex: this.heap.length };
    this.heap.push(event);
    this.siftUp(event.heapIndex);
    return event;
  }

  /** Remove a pending event; an event already fired or cancelled is left alone. */
  cancel(event: TimedEvent): void {
    const i = event.heapIndex;
    if (i < 0) return;
    const heap = this.heap;
    if (heap[i] !== event) throw new Error('event queue index corrupt');
    event.heapIndex = -1;
    const last = heap.pop()!;
    if (last === event) return;
    heap[i] = last;
    last.heapIndex = i;
    if (i > 0 && before(last, heap[(i - 1) >> 1]!)) this.siftUp(i);
    else this.siftDown(i);
  }

  peekTimeNs(): number {
    return this.heap.length > 0 ? this.heap[0]!.atNs : Infinity;
  }

  popDue(nowNs: number): TimedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined || top.atNs > nowNs) return undefined;
    top.heapIndex = -1;
    const last = heap.pop()!;
    if (last !== top) {
      heap[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const event = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(event, p)) break;
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = event;
    event.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const event = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      const c = heap[child]!;
      if (!before(c, event)) break;
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = event;
    event.heapIndex = i;
  }
}

function before(a: TimedEvent, b: TimedEvent): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}
