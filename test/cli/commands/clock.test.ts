import { describe, expect, it } from 'vitest';
import { mksim } from '../../support/mksim.js';
import { guestsRun } from '../../../cli/commands/clock.js';



describe('mksim clock guests', () => {

  it('prints one JSON line per mode with the host cost of the guests', () => {
    const r = mksim('clock', 'guests', '--guests', '4', '--hz', '250', '--duration', '2s', '--json');
    expect(r.code).toBe(0);
    const [periodic, tickless] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
    expect(periodic).toMatchObject({ mode: 'periodic', guests: 4, hz: 250, simulatedSec: 2, timersFired: 76 });
    expect(periodic!.hostTimerEvents).toBeGreaterThanOrEqual(1996);
    expect(tickless).toMatchObject({ mode: 'tickless', hostTimerEvents: 76, idleTicks: 0, timersFired: 76 });
  });

  it('prints a table, and per-guest rows on request', () => {
    const r = mksim('clock', 'guests', '--mode', 'tickless', '--guests', '2', '--duration', '1s', '--per-guest');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mode\s+guests\s+hz/);
    expect(r.stdout).toMatch(/\ng1\s+9\s+9\s+0\s+9\s+9\s+9\n/);
  });

  it('bad options are usage errors (exit 2) that name the option, without a stack', () => {
    for (const [args, text] of [
      [['--mode', 'sometimes'], '--mode'], [['--guests', 'ten'], '--guests'], [['--period', '5x'], '--period'], [['--hz', '0'], '--hz'],
    ] as const) {
      const r = mksim('clock', 'guests', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(text);
      expect(r.stderr).not.toContain('    at ');
    }
  });

  it('a run is deterministic in everything but wall time', () => {
    const o = { guests: 3, hz: 100, periodNs: 50_000_000, durationNs: 1_000_000_000, seed: 9 };
    const strip = (row: ReturnType<typeof guestsRun>) => ({ ...row, wallMs: 0 });
    expect(strip(guestsRun('periodic', o))).toEqual(strip(guestsRun('periodic', o)));
  });
});
