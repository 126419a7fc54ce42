/*
 * The crash-consistency lab (docs/labs/crash-consistency.md): examples/crash.boot
 * power-cut after every block write, robust off and on (`mksim crashtest
 * examples/crash.boot --robust both`), counted per point and weighted by time.
 *   crashConsistencyLab   the registry entry
 */
import { readFileSync } from 'node:fs';
import { parseBootScript } from '../boot/parse.js';
import { crashTest, withRobust, type CrashReport } from '../crashtest/run.js';
import { examplePath } from './boot-run.js';
import { mdTable } from './markdown.js';
import { barChart } from './svg.js';
import type { LabSpec } from './types.js';

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
const ms = (ns: number): string => (ns / 1e6).toFixed(2);

export const crashConsistencyLab: LabSpec = {
  name: 'crash-consistency',
  title: 'crash consistency, robust on and off',
  doc: 'crash-consistency.md',
  plotDescription: 'share of crash points clean, repairable and damaged, robust off and on',
  run() {
    const path = examplePath('crash.boot');
    const script = parseBootScript(readFileSync(path, 'utf8'), path);
    const reports: CrashReport[] = [false, true].map((on) => crashTest(withRobust(script, on), { seed: 1, scriptPath: path, points: 'all' }));
    const name = (r: CrashReport): string => (r.robust ? 'on' : 'off');
    const counts = mdTable(
      [{ title: 'robust' }, { title: 'block writes', align: 'right' }, { title: 'crash points', align: 'right' }, { title: 'clean', align: 'right' },
        { title: 'repairable', align: 'right' }, { title: 'damaged', align: 'right' }, { title: 'synced data lost', align: 'right' }],
      reports.map((r) => {
        const n = r.points.length;
        return [name(r), r.writesTotal, n, `${r.counts.clean} (${pct(r.counts.clean, n)})`, `${r.counts.repairable} (${pct(r.counts.repairable, n)})`,
          `${r.counts.damaged} (${pct(r.counts.damaged, n)})`, r.syncedDataLost];
      }),
    );
    const byTime = mdTable(
      [{ title: 'robust' }, { title: 'window (virtual time)', align: 'right' }, { title: 'clean', align: 'right' }, { title: 'repairable', align: 'right' }, { title: 'damaged', align: 'right' }],
      reports.map((r) => {
        const window = r.endNs - r.firstWriteNs;
        const cell = (ns: number): string => `${ms(ns)} ms (${pct(ns, window)})`;
        return [name(r), `${ms(window)} ms (${ms(r.firstWriteNs)} to ${ms(r.endNs)})`, cell(r.verdictNs.clean), cell(r.verdictNs.repairable), cell(r.verdictNs.damaged)];
      }),
    );
    const plot = barChart({
      title: 'crash.boot: the image after a power cut at each block write', yLabel: 'crash points (%)',
      bars: ['clean', 'repairable', 'damaged'],
      groups: reports.map((r) => ({
        label: `robust=${name(r)}`,
        values: (['clean', 'repairable', 'damaged'] as const).map((v) => Number(((100 * r.counts[v]) / Math.max(1, r.points.length)).toFixed(1))),
      })),
    });
    const data = reports.map((r) => ({
      robust: r.robust, writesTotal: r.writesTotal, syncPoints: r.syncPoints, counts: r.counts, syncedDataLost: r.syncedDataLost,
      firstWriteNs: r.firstWriteNs, endNs: r.endNs, verdictNs: r.verdictNs,
    }));
    return {
      sections: [
        { name: 'points', title: 'Crash points (seed 1, every point)', text: counts },
        { name: 'time', title: 'Weighted by time', text: byTime },
      ],
      data,
      plot,
    };
  },
};
