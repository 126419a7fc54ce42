/*
 * The signal-latency lab (docs/labs/signal-latency.md): alarm-to-handler
 * latency of examples/signal-latency.boot's measurer for 0, 1, 2 and 4
 * spinners, per clock (tickless, periodic HZ 1000 and 100), quantum (2 and
 * 10 ms) and SCHED policy (rr, minix); then the measurer at priority=6.
 *   latencyRow(...)   one configuration: min, mean, max in us as the `latency` program prints them
 *   signalLatencyLab  the registry entry
 */
import { readFileSync } from 'node:fs';
import { OperationError } from '../errors.js';
import { examplePath, runBoot } from './boot-run.js';
import { mdTable } from './markdown.js';
import { lineChart } from './svg.js';
import type { LabSpec } from './types.js';

const SPINNERS = [0, 1, 2, 4] as const;
const QUANTA = ['2ms', '10ms'] as const;
const CLOCKS: ReadonlyArray<{ label: string; sets: string[] }> = [
  { label: 'tickless', sets: ['clock.mode=tickless'] },
  { label: 'periodic HZ=1000', sets: ['clock.mode=periodic', 'clock.hz=1000'] },
  { label: 'periodic HZ=100', sets: ['clock.mode=periodic', 'clock.hz=100'] },
];

export interface LatencyRow {
  readonly spinners: number; readonly clock: string; readonly quantum: string; readonly policy: string; readonly priority6: boolean;
  readonly minUs: string; readonly meanUs: string; readonly maxUs: string;
}

/** The script with N spinners (and the measurer in queue 6 if asked): the edits the lab makes to the example. */
function scriptText(base: string, spinners: number, priority6: boolean): string {
  let text = base.replace('repeat 2 spawn spinner', `repeat ${spinners} spawn spinner`).replace('repeat 2 wait', `repeat ${spinners} wait`);
  if (priority6) text = text.replace(/^process measurer$/m, 'process measurer priority=6');
  if (text === base && (spinners !== 2 || priority6)) throw new OperationError('examples/signal-latency.boot no longer has the lines this lab edits');
  return text;
}

function latencyRow(base: string, spinners: number, clock: (typeof CLOCKS)[number], quantum: string, policy: string, priority6: boolean): LatencyRow {
  const path = examplePath('signal-latency.boot');
  const run = runBoot(path, { text: scriptText(base, spinners, priority6), sets: [...clock.sets, `cpu.quantum=${quantum}`, `sched.policy=${policy}`] });
  const line = run.stdout.find((l) => l.includes('latency:'));
  const m = line === undefined ? null : /min=([0-9.]+)us mean=([0-9.]+)us max=([0-9.]+)us/.exec(line);
  if (m === null) throw new OperationError(`signal-latency: no latency line (exit ${run.exitCode}): ${run.stderr.at(-1) ?? ''}`);
  return { spinners, clock: clock.label, quantum, policy, priority6, minUs: m[1]!, meanUs: m[2]!, maxUs: m[3]! };
}

const COLUMNS = [
  { title: 'spinners', align: 'right' }, { title: 'clock' }, { title: 'quantum', align: 'right' }, { title: 'policy' },
  { title: 'min (us)', align: 'right' }, { title: 'mean (us)', align: 'right' }, { title: 'max (us)', align: 'right' },
] as const;

const table = (rows: readonly LatencyRow[]): string =>
  mdTable(COLUMNS, rows.map((r) => [r.spinners, r.clock, r.quantum, r.policy, r.minUs, r.meanUs, r.maxUs]));

export const signalLatencyLab: LabSpec = {
  name: 'signal-latency',
  title: 'signal latency against spinners, clock, quantum and policy',
  doc: 'signal-latency.md',
  plotDescription: 'mean alarm-to-handler latency vs spinners (10 ms quanta), per clock and policy',
  run() {
    const base = readFileSync(examplePath('signal-latency.boot'), 'utf8');
    const byPolicy = (policy: string): LatencyRow[] =>
      SPINNERS.flatMap((n) => QUANTA.flatMap((q) => CLOCKS.map((c) => latencyRow(base, n, c, q, policy, false))));
    const rr = byPolicy('rr');
    const minix = byPolicy('minix');
    const prio6 = [2, 4].flatMap((n) => [CLOCKS[0]!, CLOCKS[2]!].map((c) => latencyRow(base, n, c, '10ms', 'rr', true)));
    const series = ['rr', 'minix'].flatMap((policy) => CLOCKS.map((c) => ({
      label: `${policy}, ${c.label}`,
      points: [...rr, ...minix].filter((r) => r.policy === policy && r.clock === c.label && r.quantum === '10ms').map((r) => [r.spinners, Number(r.meanUs) / 1000] as const),
    })));
    const plot = lineChart({ title: 'Alarm-to-handler latency, 10 ms quanta', xLabel: 'CPU-bound spinners', yLabel: 'mean latency (ms)', series });
    return {
      sections: [
        { name: 'rr', title: 'Round robin (sched.policy=rr)', text: table(rr) },
        { name: 'minix', title: "MINIX's policy (sched.policy=minix)", text: table(minix) },
        { name: 'priority6', title: 'The measurer at priority=6, round robin, 10 ms quanta', text: table(prio6) },
      ],
      data: [...rr, ...minix, ...prio6],
      plot,
    };
  },
};
