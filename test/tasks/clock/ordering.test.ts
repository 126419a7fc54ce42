import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { call, clockSystem, MS } from './harness.js';

describe('timer ordering and cancellation through the clock task', () => {
  it('alarms fire in expiry order, each at or after its expiry; cancelled ones never fire', () => {
    fc.assert(fc.property(
      fc.constantFrom('tickless' as const, 'periodic' as const),
      fc.array(fc.record({ delayNs: fc.integer({ min: 1, max: 20 * MS }), cancelAfterNs: fc.option(fc.integer({ min: 1, max: 20 * MS }), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
      (mode, plans) => {
        const sys = clockSystem({ mode, hz: 1000 });
        plans.forEach((plan, i) => {
          sys.spawnClient(`p${i}`, function* (ctx) {
            yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: plan.delayNs });
            if (plan.cancelAfterNs !== undefined) {
              yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: plan.cancelAfterNs });
              yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 0 });
            }
          });
        });
        sys.kernel.run({ untilNs: 100 * MS });
        const alarms = sys.records.filter((r) => r.ev === 'timer' && r.kind === 'alarm');
        const fires = alarms.filter((r) => r.op === 'fire');
        const cancelled = new Set(alarms.filter((r) => r.op === 'cancel').map((r) => r.id));
        // Every alarm either fired or was cancelled, never both.
        expect(fires.length + cancelled.size).toBe(plans.length);
        for (const f of fires) expect(cancelled.has(f.id)).toBe(false);
        // Fired in order of expiry (ties in start order), at the expiry in tickless mode, on a tick in periodic mode.
        for (let i = 1; i < fires.length; i++) expect(fires[i]!.expiryNs as number).toBeGreaterThanOrEqual(fires[i - 1]!.expiryNs as number);
        for (const f of fires) {
          expect(f.t).toBeGreaterThanOrEqual(f.expiryNs as number);
          expect(f.latenessNs as number).toBeGreaterThanOrEqual(0);
          if (mode === 'tickless') expect(f.latenessNs as number).toBeLessThan(10_000);
          else expect(f.expiryNs as number % MS).toBe(0);
        }
        // Nothing left behind: the device is quiet in tickless mode.
        expect(sys.clock.timers!.queue.size).toBe(0);
        if (mode === 'tickless') expect(sys.clock.device!.state).toBe('oneshot-stopped');
      },
    ), { numRuns: 60 });
  });
});
