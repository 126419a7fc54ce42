/*
 * The tick-vs-tickless lab (docs/labs/tick-vs-tickless.md): what ten idle
 * guests' clocks cost their host, periodic vs tickless, as `mksim clock
 * guests` measures it, without its wall-time column (the only figure that varies).
 *   tickVsTicklessLab   the registry entry
 */
import { guestsRun, type GuestsRow } from '../commands/clock.js';
import type { ClockMode } from '../../tasks/clock/config.js';
import { mdTable } from './markdown.js';
import { lineChart } from './svg.js';
import type { LabSpec } from './types.js';

const HZ = [100, 250, 1000] as const;
const MODES: readonly ClockMode[] = ['periodic', 'tickless'];
const n = (v: number): string => v.toLocaleString('en-US');

const COLUMNS = [
  { title: 'mode' }, { title: 'guests', align: 'right' }, { title: 'HZ', align: 'right' }, { title: 'simulated s', align: 'right' },
  { title: 'host timer events', align: 'right' }, { title: 'per second', align: 'right' }, { title: 'idle ticks', align: 'right' }, { title: 'timers fired', align: 'right' },
] as const;

const table = (rows: readonly GuestsRow[]): string =>
  mdTable(COLUMNS, rows.map((r) => [r.mode, r.guests, r.hz, r.simulatedSec, n(r.hostTimerEvents), n(r.hostEventsPerSec), n(r.idleTicks), n(r.timersFired)]));

export const tickVsTicklessLab: LabSpec = {
  name: 'tick-vs-tickless',
  title: 'periodic ticks vs tickless guests',
  doc: 'tick-vs-tickless.md',
  plotDescription: 'host timer events per second vs guest HZ, periodic and tickless (log scale)',
  run() {
    const base = { guests: 10, periodNs: 100_000_000, durationNs: 60_000_000_000, seed: 1 };
    const rows = HZ.flatMap((hz) => MODES.map((mode) => guestsRun(mode, { ...base, hz })));
    const idle = MODES.map((mode) => guestsRun(mode, { guests: 2, hz: 1000, periodNs: 0, durationNs: 10_000_000_000, seed: 1 }));
    const main = rows.filter((r) => r.hz === 1000);
    const plot = lineChart({
      title: '10 idle guests, one 100 ms timer each: cost to the host', xLabel: 'guest HZ', yLabel: 'host timer events per second', logY: true,
      series: MODES.map((mode) => ({ label: mode, points: rows.filter((r) => r.mode === mode).map((r) => [r.hz, r.hostEventsPerSec] as const) })),
    });
    const strip = (r: GuestsRow): Omit<GuestsRow, 'wallMs' | 'perGuest'> => {
      const { wallMs: _wall, perGuest: _per, ...rest } = r;
      return rest;
    };
    return {
      sections: [
        { name: 'results', title: '10 guests, HZ=1000, 100 ms timers, 60 simulated s', text: table(main) },
        { name: 'hz', title: 'The cost of periodic guests scales with HZ', text: table(rows.filter((r) => r.mode === 'periodic')) },
        { name: 'idle', title: 'Two guests with no timer at all, 10 s', text: table(idle) },
      ],
      data: { rows: rows.map(strip), idle: idle.map(strip) },
      plot,
    };
  },
};
