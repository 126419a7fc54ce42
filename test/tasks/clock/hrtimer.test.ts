import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forwardExpiry, HrtimerQueue, newHrtimer, type Hrtimer } from '../../../tasks/clock/hrtimer.js';

describe('hrtimer queue', () => {
  it('expires timers in (expiry, start order), whatever order they were started in', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ expiryNs: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean() }), { maxLength: 200 }),
      (ops) => {
        const q = new HrtimerQueue<number>();
        const timers = ops.map((op, i) => {
          const t = newHrtimer(1, i);
          q.start(t, op.expiryNs);
          return t;
        });
        ops.forEach((op, i) => { if (op.cancel) expect(q.cancel(timers[i]!)).toBe(true); });
        const expected = ops.map((op, i) => ({ ...op, i })).filter((op) => !op.cancel)
          .sort((a, b) => a.expiryNs - b.expiryNs || a.i - b.i).map((op) => op.i);
        expect(q.size).toBe(expected.length);
        const got: number[] = [];
        for (let t = q.popDue(Infinity); t !== undefined; t = q.popDue(Infinity)) got.push(t.payload);
        expect(got).toEqual(expected);
      },
    ));
  });

  it('restarting a queued timer moves it behind timers of equal expiry started before', () => {
    const q = new HrtimerQueue<string>();
    const a = newHrtimer(1, 'a');
    const b = newHrtimer(1, 'b');
    q.start(a, 10);
    q.start(b, 10);
    q.start(a, 10);
    expect(q.size).toBe(2);
    expect([q.popDue(10)!.payload, q.popDue(10)!.payload]).toEqual(['b', 'a']);
  });

  it('popDue returns nothing before the earliest expiry, and cancel of an expired timer is false', () => {
    const q = new HrtimerQueue<null>();
    const t = newHrtimer(1, null);
    q.start(t, 100);
    expect(q.popDue(99)).toBeUndefined();
    expect(q.peekExpiryNs()).toBe(100);
    expect(q.popDue(100)).toBe(t);
    expect(q.cancel(t)).toBe(false);
    expect(q.peekExpiryNs()).toBe(Infinity);
  });

  it('keeps heap indices consistent under random start, restart and cancel', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(19), fc.oneof(fc.constant(-1), fc.nat(1000))), { maxLength: 300 }),
      (ops) => {
        const q = new HrtimerQueue<number>();
        const timers: Hrtimer<number>[] = Array.from({ length: 20 }, (_, i) => newHrtimer(1, i));
        const model = new Map<number, number>();
        for (const [i, at] of ops) {
          if (at < 0) { q.cancel(timers[i]!); model.delete(i); } else { q.start(timers[i]!, at); model.set(i, at); }
        }
        expect(q.ordered().map((t) => t.payload).sort()).toEqual([...model.keys()].sort());
        let last = -1;
        for (let t = q.popDue(Infinity); t !== undefined; t = q.popDue(Infinity)) {
          expect(t.expiryNs).toBeGreaterThanOrEqual(last);
          expect(t.expiryNs).toBe(model.get(t.payload));
          last = t.expiryNs;
        }
      },
    ));
  });

  it('refuses more timers than its bound', () => {
    const q = new HrtimerQueue<null>(2);
    q.start(newHrtimer(1, null), 1);
    q.start(newHrtimer(1, null), 2);
    expect(() => q.start(newHrtimer(1, null), 3)).toThrow(/full/);
  });
});

describe('hrtimer forward', () => {
  it('moves to the first period after now and counts the periods skipped', () => {
    expect(forwardExpiry(100, 99, 10)).toEqual({ expiryNs: 100, overruns: 0 });
    expect(forwardExpiry(100, 100, 10)).toEqual({ expiryNs: 110, overruns: 1 });
    expect(forwardExpiry(100, 135, 10)).toEqual({ expiryNs: 140, overruns: 4 });
    fc.assert(fc.property(fc.nat(1e6), fc.nat(1e6), fc.integer({ min: 1, max: 1e4 }), (e, now, iv) => {
      const f = forwardExpiry(e, now, iv);
      if (now < e) return f.expiryNs === e;
      return f.expiryNs > now && f.expiryNs - iv <= now && f.expiryNs === e + f.overruns * iv;
    }));
  });

  it('forward() requeues the timer', () => {
    const q = new HrtimerQueue<null>();
    const t = newHrtimer(1, null);
    q.start(t, 10);
    q.popDue(10);
    expect(q.forward(t, 25, 10)).toBe(2);
    expect(q.peekExpiryNs()).toBe(30);
  });
});
