/*
 * The virtual-memory lab (docs/labs/virtual-memory.md): fault counts of each
 * replacement policy against frames on Belady's and the textbook string,
 * thrashing against the degree of multiprogramming, and the cost of swap.
 *   replacementRuns()      examples/labs/vm-replacement.boot per policy and frames: the vmstat faults
 *   thrashRow(base, n, model)   examples/labs/vm-thrash.boot with n workers: faults, swap traffic, time, utilisation
 *   virtualMemoryLab       the registry entry
 */
import { readFileSync } from 'node:fs';
import { REPLACEMENT_NAMES } from '../../servers/vm/policies/index.js';
import { OperationError } from '../errors.js';
import { examplePath, runBoot } from './boot-run.js';
import { mdTable } from './markdown.js';
import { lineChart, stackCharts } from './svg.js';
import type { LabSpec } from './types.js';

export const FRAME_COUNTS = [1, 2, 3, 4, 5, 6, 7] as const;
export const WORKER_COUNTS = [1, 2, 3, 4, 5, 6] as const;
/** Each worker's CPU work: eight sweeps, 1 ms of `spin` after each (examples/labs/vm-thrash.boot). */
const WORK_PER_WORKER_NS = 8_000_000;

export interface FaultRow { readonly policy: string; readonly frames: number; readonly belady: number; readonly textbook: number }
export interface ThrashRow {
  readonly workers: number; readonly swapModel: string; readonly faults: number; readonly swapins: number; readonly swapouts: number;
  readonly virtualMs: string; readonly utilisation: string;
}

const field = (line: string, key: string): number => Number(new RegExp(`\\b${key}=(\\d+)`).exec(line)?.[1] ?? NaN);

function vmstats(stdout: readonly string[]): string[] {
  return stdout.filter((l) => l.includes(': vmstat: '));
}

/** One boot per policy and frame count; its two processes run Belady's string, then the textbook one. */
export function replacementRuns(): FaultRow[] {
  const path = examplePath('labs', 'vm-replacement.boot');
  return REPLACEMENT_NAMES.flatMap((policy) => FRAME_COUNTS.map((frames) => {
    const run = runBoot(path, { sets: [`vm.replacement=${policy}`, `vm.frames=${frames}`] });
    const [belady, textbook] = vmstats(run.stdout);
    if (run.exitCode !== 0 || belady === undefined || textbook === undefined) {
      throw new OperationError(`virtual-memory: vm-replacement.boot (${policy}, ${frames} frames) exited ${run.exitCode}: ${run.stderr.at(-1) ?? ''}`);
    }
    return { policy, frames, belady: field(belady, 'faults'), textbook: field(textbook, 'faults') };
  }));
}

/** The thrash script with N workers (the `repeat 2` lines are the ones the lab edits). */
function thrashText(base: string, workers: number): string {
  const text = base.replaceAll('repeat 2 ', `repeat ${workers} `);
  if (workers !== 2 && text === base) throw new OperationError('examples/labs/vm-thrash.boot no longer has the `repeat 2` lines this lab edits');
  return text;
}

export function thrashRow(base: string, workers: number, swapModel: string): ThrashRow {
  const run = runBoot(examplePath('labs', 'vm-thrash.boot'), { text: thrashText(base, workers), sets: [`swap0.model=${swapModel}`] });
  const stats = vmstats(run.stdout);
  const summary = /([\d.]+) ms virtual time/.exec(run.stderr.at(-1) ?? '');
  if (run.exitCode !== 0 || stats.length !== workers || summary === null) {
    throw new OperationError(`virtual-memory: vm-thrash.boot (${workers} workers, ${swapModel}) exited ${run.exitCode}: ${run.stderr.at(-1) ?? ''}`);
  }
  const sum = (key: string) => stats.reduce((a, l) => a + field(l, key), 0);
  // Utilisation: the workers' own CPU work over the run's virtual time (the time printed, in ms to 3 decimals).
  const virtualMs = summary[1]!;
  return {
    workers, swapModel, faults: sum('faults'), swapins: sum('swapins'), swapouts: sum('swapouts'), virtualMs,
    utilisation: `${((100 * workers * WORK_PER_WORKER_NS) / 1e6 / Number(virtualMs)).toFixed(1)}%`,
  };
}

const R = 'right' as const;

function byFrames(rows: readonly FaultRow[], which: 'belady' | 'textbook'): string {
  return mdTable(
    [{ title: 'frames', align: R }, ...REPLACEMENT_NAMES.map((p) => ({ title: p, align: R }))],
    FRAME_COUNTS.map((f) => [f, ...REPLACEMENT_NAMES.map((p) => rows.find((r) => r.policy === p && r.frames === f)![which])]),
  );
}

function faultChart(rows: readonly FaultRow[], which: 'belady' | 'textbook', title: string): string {
  return lineChart({
    title, xLabel: 'frames', yLabel: 'page faults',
    series: REPLACEMENT_NAMES.map((p) => ({ label: p, points: rows.filter((r) => r.policy === p).map((r) => [r.frames, r[which]] as const) })),
  });
}

export const virtualMemoryLab: LabSpec = {
  name: 'virtual-memory',
  title: 'page replacement, Belady\'s anomaly, thrashing and the cost of swap',
  doc: 'virtual-memory.md',
  plotDescription: 'faults vs frames per policy (two strings), and CPU utilisation vs degree of multiprogramming',
  run() {
    const faults = replacementRuns();
    const base = readFileSync(examplePath('labs', 'vm-thrash.boot'), 'utf8');
    const thrash = WORKER_COUNTS.map((n) => thrashRow(base, n, 'hp97560'));
    const swap = [thrashRow(base, 3, 'ramdisk'), thrash.find((r) => r.workers === 3)!];
    const plot = stackCharts([
      faultChart(faults, 'belady', 'Belady\'s string 1 2 3 4 1 2 5 1 2 3 4 5: faults vs frames'),
      faultChart(faults, 'textbook', 'The textbook string (20 references): faults vs frames'),
      lineChart({
        title: 'Thrashing: 24-page workers in 64 frames, swap on an hp97560', xLabel: 'degree of multiprogramming (workers)', yLabel: 'CPU utilisation (%)',
        series: [{ label: 'CPU utilisation', points: thrash.map((r) => [r.workers, Number(r.utilisation.slice(0, -1))] as const) }],
      }),
    ]);
    return {
      sections: [
        { name: 'belady', title: 'Faults on Belady\'s string 1 2 3 4 1 2 5 1 2 3 4 5', text: byFrames(faults, 'belady') },
        { name: 'policies', title: 'Faults on the textbook string 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1', text: byFrames(faults, 'textbook') },
        {
          name: 'thrashing', title: 'Thrashing against the degree of multiprogramming (clock, hp97560 swap)',
          text: mdTable(
            [{ title: 'workers', align: R }, { title: 'faults', align: R }, { title: 'swapins', align: R }, { title: 'swapouts', align: R }, { title: 'virtual time (ms)', align: R }, { title: 'CPU utilisation', align: R }],
            thrash.map((r) => [r.workers, r.faults, r.swapins, r.swapouts, r.virtualMs, r.utilisation]),
          ),
        },
        {
          name: 'swap', title: 'The cost of swap: three workers',
          text: mdTable([{ title: 'swap disk' }, { title: 'swapins', align: R }, { title: 'swapouts', align: R }, { title: 'virtual time (ms)', align: R }], swap.map((r) => [r.swapModel, r.swapins, r.swapouts, r.virtualMs])),
        },
      ],
      data: { faults, thrash, swap },
      plot,
    };
  },
};
