/*
 * The kernel's event queue (kernel/event-queue.ts): events fire in (time,
 * order scheduled) order, cancelled ones never fire, and a cancel removes the
 * event at once, so arm/cancel cycles leave nothing behind (issue 20).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type TimedEvent } from '../../kernel/event-queue.js';

describe('kernel event queue', () => {
  it('100,000 arm/cancel cycles leave only the live events in the heap', () => {
    const q = new EventQueue();
    const fired: string[] = [];
    q.schedule(20_000_000, () => fired.push('timer'));
    let pending: TimedEvent | null = null;
    for (let i = 0; i < 100_000; i++) {
      // A device reprogrammed on every system call: cancel the last shot, arm the next.
      if (pending !== null) q.cancel(pending);
      pending = q.schedule(10_000_000 + i, () => fired.push('quantum'));
      if (i % 1000 === 999) expect(q.size).toBe(2);
    }
    q.cancel(pending!);
    expect(q.size).toBe(1);
    expect(q.peekTimeNs()).toBe(20_000_000);
    q.popDue(20_000_000)!.fire();
    expect(fired).toEqual(['timer']);
    expect(q.size).toBe(0);
  });

  it('cancelling a fired or already cancelled event changes nothing', () => {
    const q = new EventQueue();
    const a = q.schedule(5, () => {});
    const b = q.schedule(7, () => {});
    expect(q.popDue(5)).toBe(a);
    q.cancel(a);
    q.cancel(b);
    q.cancel(b);
    expect(q.size).toBe(0);
    expect(q.popDue(100)).toBeUndefined();
  });

  it('matches a sorted list under random schedules, cancels and pops: same-ns events in scheduling order', () => {
    type Op = { kind: 'schedule'; atNs: number } | { kind: 'cancel'; pick: number } | { kind: 'pop'; advanceNs: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), atNs: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('pop' as const), advanceNs: fc.integer({ min: 0, max: 5 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const q = new EventQueue();
      // The model: live events as [atNs, order scheduled, id].
      let model: { atNs: number; order: number; id: number; event: TimedEvent }[] = [];
      const fired: number[] = [];
      const expected: number[] = [];
      let nowNs = 0;
      let nextId = 0;
      for (const o of ops) {
        if (o.kind === 'schedule') {
          const id = nextId++;
          const atNs = nowNs + o.atNs;
          model.push({ atNs, order: id, id, event: q.schedule(atNs, () => fired.push(id)) });
        } else if (o.kind === 'cancel') {
          if (model.length === 0) continue;
          const victim = model[o.pick % model.length]!;
          q.cancel(victim.event);
          model = model.filter((m) => m !== victim);
        } else {
          nowNs += o.advanceNs;
          for (let e = q.popDue(nowNs); e !== undefined; e = q.popDue(nowNs)) e.fire();
          model.sort((x, y) => x.atNs - y.atNs || x.order - y.order);
          while (model.length > 0 && model[0]!.atNs <= nowNs) expected.push(model.shift()!.id);
        }
        expect(q.size).toBe(model.length);
        expect(q.peekTimeNs()).toBe(model.length === 0 ? Infinity : Math.min(...model.map((m) => m.atNs)));
      }
      expect(fired).toEqual(expected);
    }), { numRuns: 200 });
  });
});
