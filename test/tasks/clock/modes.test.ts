import { describe, expect, it } from 'vitest';
import { receive, type TraceRecord } from '../../../kernel/index.js';
import { call, clockSystem, MS } from './harness.js';

/** A client that sleeps for each delay in turn; returns the fire records of the clock. */
function sleeps(mode: 'tickless' | 'periodic', delaysNs: number[], hz = 1000) {
  const sys = clockSystem({ mode, hz });
  const latenesses: number[] = [];
  sys.spawnClient('sleeper', function* (ctx) {
    for (const delayNs of delaysNs) {
      const r = yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs });
      latenesses.push(r.latenessNs as number);
    }
  });
  sys.kernel.run({ untilNs: 1_000 * MS });
  const fires = sys.records.filter((r) => r.ev === 'timer' && r.op === 'fire');
  const sets = sys.records.filter((r) => r.ev === 'timer' && r.op === 'set');
  return { ...sys, fires, sets, latenesses };
}

describe('periodic mode', () => {
  it('rounds timers up to tick boundaries and fires them on the tick', () => {
    const { fires, sets, latenesses } = sleeps('periodic', [1_500_000, 2_250_000, 333_333]);
    expect(fires).toHaveLength(3);
    for (const [i, f] of fires.entries()) {
      expect(f.expiryNs as number % MS).toBe(0);
      expect(f.t).toBe(f.expiryNs);
      expect(sets[i]!.expiryNs).toBe(f.expiryNs);
      expect(f.latenessNs as number).toBeGreaterThan(0);
      expect(f.latenessNs as number).toBeLessThan(MS);
    }
    expect(latenesses).toEqual(fires.map((f) => f.latenessNs));
  });

  it('ticks HZ times a second; ticks with nothing due are idle and do not wake the clock task', () => {
    const sys = clockSystem({ mode: 'periodic', hz: 250 });
    sys.kernel.run({ untilNs: 1_000 * MS });
    expect(sys.clock.stats.deviceEvents).toBe(250);
    expect(sys.clock.stats.idleTicks).toBe(250);
    expect(sys.clock.stats.irqsRaised).toBe(0);
    expect(sys.records.filter((r) => r.ev === 'irq')).toHaveLength(0);
  });

  it('reports jiffies from CLOCK_GETTIME', () => {
    const sys = clockSystem({ mode: 'periodic', hz: 100 });
    let jiffies = -1;
    sys.spawnClient('reader', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 55 * MS });
      jiffies = (yield* call(ctx, { type: 'CLOCK_GETTIME' })).jiffies as number;
    });
    sys.kernel.run({ untilNs: 100 * MS });
    expect(jiffies).toBe(6);
  });
});

describe('tickless mode', () => {
  it('fires timers at their exact expiry', () => {
    const { fires, latenesses, clock } = sleeps('tickless', [1_500_000, 2_250_000, 333_333]);
    expect(fires).toHaveLength(3);
    for (const f of fires) {
      expect(f.latenessNs).toBe(0);
      expect(f.t).toBe(f.expiryNs);
    }
    expect(latenesses).toEqual([0, 0, 0]);
    expect(clock.stats.deviceEvents).toBe(3);
    expect(clock.stats.idleTicks).toBe(0);
  });

  it('takes no interrupt while nothing is due, and stops the device when the queue is empty', () => {
    const sys = clockSystem({ mode: 'tickless' });
    sys.kernel.run({ untilNs: 5_000 * MS });
    expect(sys.clock.stats.deviceEvents).toBe(0);
    expect(sys.clock.device!.state).toBe('oneshot-stopped');
    sys.spawnClient('once', function* (ctx) { yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 7 * MS }); });
    sys.kernel.run({ untilNs: 10_000 * MS });
    expect(sys.clock.stats.deviceEvents).toBe(1);
    expect(sys.clock.device!.state).toBe('oneshot-stopped');
    const states = sys.records.filter((r) => r.ev === 'state').map((r) => r.to);
    expect(states).toEqual(['shutdown', 'oneshot', 'oneshot-stopped', 'oneshot', 'oneshot-stopped']);
  });

  it('a timer due sooner than the minimum delta is programmed with the minimum (ETIME path)', () => {
    const { fires, sets, clock } = sleeps('tickless', [50]);
    expect(clock.stats.minDeltaRefusals).toBe(1);
    expect(clock.stats.programs).toBe(1);
    expect(sets[0]!.expiryNs as number - sets[0]!.t).toBe(50);
    // The interrupt comes at the minimum delta or later (the task's own receive costs CPU time).
    expect(fires[0]!.latenessNs as number).toBeGreaterThanOrEqual(50);
  });

  it('waits beyond the device counter width in several shots; the early ones are idle', () => {
    const sys = clockSystem({ mode: 'tickless', maxDeltaNs: 100 * MS });
    sys.spawnClient('long', function* (ctx) { yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 350 * MS }); });
    sys.kernel.run({ untilNs: 1_000 * MS });
    expect(sys.clock.stats.deviceEvents).toBe(4);
    expect(sys.clock.stats.idleTicks).toBe(3);
    expect(sys.records.find((r) => r.ev === 'timer' && r.op === 'fire')!.latenessNs).toBe(0);
  });
});

describe('determinism', () => {
  function scenario(mode: 'tickless' | 'periodic', seed: number): TraceRecord[] {
    const sys = clockSystem({ mode, hz: 1000 }, seed);
    for (let i = 0; i < 4; i++) {
      sys.spawnClient(`p${i}`, function* (ctx) {
        yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: (i + 1) * 3 * MS + ctx.random.below(MS), intervalNs: 7 * MS });
        for (let n = 0; n < 5; n++) {
          yield receive(ctx.endpointOf('clock'));
          yield* call(ctx, { type: 'CLOCK_EXPIRED' });
          yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: ctx.random.below(2 * MS) + 1 });
        }
        yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: 0, intervalNs: 0 });
      });
    }
    sys.kernel.run({ untilNs: 200 * MS });
    return sys.records;
  }

  it('the same seed gives an identical trace, in both modes', () => {
    for (const mode of ['tickless', 'periodic'] as const) {
      const a = JSON.stringify(scenario(mode, 42));
      expect(JSON.stringify(scenario(mode, 42))).toBe(a);
      expect(a).toContain('"ev":"timer"');
      expect(JSON.stringify(scenario(mode, 43))).not.toBe(a);
    }
  });
});

describe('far expiries', () => {
  it('a delay up to the end of representable time is accepted in periodic mode (rounding stays a safe integer)', () => {
    const sys = clockSystem({ mode: 'periodic', hz: 100 });
    let status = 1;
    sys.spawnClient('p', function* (ctx) {
      status = (yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: Number.MAX_SAFE_INTEGER - ctx.nowNs() - MS })).status;
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 30 * MS });
    });
    sys.kernel.run({ untilNs: 50 * MS });
    expect(status).toBe(0);
    expect(sys.clock.timers!.nextExpiryNs()).toBe(Number.MAX_SAFE_INTEGER);
  });
});
