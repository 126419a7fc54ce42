import { describe, expect, it } from 'vitest';
import { Kernel, type TraceRecord } from '../../../kernel/index.js';
import { guestsConfig, startGuests } from '../../../tasks/clock/guests.js';

const SEC = 1_000_000_000;

function run(mode: 'periodic' | 'tickless', seconds: number, partial: Parameters<typeof guestsConfig>[0] = {}, seed = 1) {
  const kernel = new Kernel({ seed });
  const host = startGuests(kernel, guestsConfig({ guests: 10, hz: 1000, mode, timerPeriodNs: SEC / 10, ...partial }));
  kernel.run({ untilNs: seconds * SEC });
  return { kernel, host, report: host.report() };
}

describe('guests on one host', () => {
  it('ten periodic guests at HZ=1000 cost the host about 10,000 timer events a second', () => {
    const { report } = run('periodic', 2);
    // Each guest boots within the first millisecond, so it misses at most its first tick.
    expect(report.hostTimerEvents).toBeGreaterThanOrEqual(19_990);
    expect(report.hostTimerEvents).toBeLessThanOrEqual(20_000);
    for (const g of report.guests) {
      expect(g.hostEvents).toBe(g.deviceEvents);
      expect(g.wakeups).toBe(19);
      // All but the ticks that found a timer due were idle.
      expect(g.idleTicks).toBe(g.deviceEvents - g.irqsRaised);
      expect(g.irqsRaised).toBe(19);
    }
  });

  it('tickless guests cost the host one event per timer expiry and no idle ticks', () => {
    const { report } = run('tickless', 2);
    expect(report.hostTimerEvents).toBe(190);
    for (const g of report.guests) {
      expect(g).toMatchObject({ hostEvents: 19, deviceEvents: 19, idleTicks: 0, irqsRaised: 19, timersFired: 19, wakeups: 19 });
    }
  });

  it('guests without timers cost a tickless host nothing', () => {
    const { report, host } = run('tickless', 5, { timerPeriodNs: 0 });
    expect(report.hostTimerEvents).toBe(0);
    expect(report.hostInterrupts).toBe(0);
    expect(host.device.state).toBe('oneshot-stopped');
  });

  it('guests boot at seeded offsets: ticks do not coincide, and the same seed gives the same trace', () => {
    const trace = (seed: number): string => {
      const kernel = new Kernel({ seed });
      const records: TraceRecord[] = [];
      kernel.trace.trace$.subscribe((r) => records.push(r));
      startGuests(kernel, guestsConfig({ guests: 3, mode: 'tickless', timerPeriodNs: 10_000_000 }));
      kernel.run({ untilNs: 50_000_000 });
      return JSON.stringify(records);
    };
    expect(trace(5)).toBe(trace(5));
    expect(trace(5)).not.toBe(trace(6));
    const { report } = run('periodic', 1, { guests: 4 });
    // Distinct boot times: one host interrupt per guest tick, none shared.
    expect(report.hostInterrupts).toBe(report.hostTimerEvents);
  });

  it('refuses a configuration a user could mistype', () => {
    expect(() => guestsConfig({ guests: 0 })).toThrow(/guests must be an integer from 1/);
    expect(() => guestsConfig({ hz: 0 })).toThrow(/hz must be a positive integer/);
    expect(() => guestsConfig({ timerPeriodNs: -1 })).toThrow(/period/);
  });
});
