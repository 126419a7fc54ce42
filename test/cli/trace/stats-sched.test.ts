/*
 * Per-process scheduling metrics of `trace stats` (issue 18): exact figures
 * for a round robin worked by hand, and the same table from a booted system.
 */
import { describe, expect, it } from 'vitest';
import { statsTrace } from '../../../cli/commands/trace.js';
import type { StatsResult } from '../../../cli/trace/stats.js';
import { userPrivileges, work, type TraceRecord } from '../../../kernel/index.js';
import { testSystem } from '../../kernel/helpers.js';
import { bootTrace } from './boot-trace.js';
import { tempTrace } from './helpers.js';

const MS = 1_000_000;

/** A bare kernel's records behind a header, renumbered from 1, as a trace file. */
function withHeader(records: readonly TraceRecord[]): string {
  return tempTrace([{ seq: 0, t: 0, ev: 'header' }, ...records].map((r, i) => ({ ...r, seq: i + 1 })));
}

describe('scheduling metrics per process', () => {
  it('two CPU-bound processes, round robin with a 10 ms quantum: figures worked by hand', async () => {
    // a and b each need 25 ms of CPU; no clock task, so the kernel ends each quantum exactly.
    // a runs 0-10, 20-30, 40-45 (exits at 45); b runs 10-20, 30-40, 45-50 (exits at 50).
    // a waits 10-20 and 30-40; b waits 0-10, 20-30 and 40-45.
    const sys = testSystem({ quantumNs: 10 * MS, ipcCostNs: 0 });
    for (const name of ['a', 'b']) sys.spawn(name, function* () { yield work(25 * MS); }, 7, userPrivileges());
    sys.kernel.run();
    const r = JSON.parse(await statsTrace(withHeader(sys.records), { json: true })) as StatsResult;
    const row = (p: string) => r.sched.find((x) => x.proc === p)!;
    expect(row('a')).toMatchObject({
      priority: 7, cpuNs: 25 * MS, readyWaitNs: 20 * MS, responseNs: 0, turnaroundNs: 45 * MS, switches: 3, preemptions: 2, signals: 0, exitCode: 0,
    });
    expect(row('b')).toMatchObject({
      priority: 7, cpuNs: 25 * MS, readyWaitNs: 25 * MS, responseNs: 10 * MS, turnaroundNs: 50 * MS, switches: 3, preemptions: 2,
    });
    const text = await statsTrace(withHeader(sys.records), {});
    expect(text).toContain('Scheduling per process');
    expect(text).toMatch(/\nb\s+7\s+25\.000 ms\s+25\.000 ms\s+10\.000 ms\s+50\.000 ms\s+3\s+2\s+0\s+-\s+-/);
  });

  it('a higher priority goes first: the lower one waits exactly while the other runs', async () => {
    const sys = testSystem({ quantumNs: 100 * MS, ipcCostNs: 0 });
    sys.spawn('low', function* () { yield work(10 * MS); }, 8, userPrivileges());
    sys.spawn('high', function* () { yield work(3 * MS); }, 7, userPrivileges());
    sys.kernel.run();
    const r = JSON.parse(await statsTrace(withHeader(sys.records), { json: true })) as StatsResult;
    const row = (p: string) => r.sched.find((x) => x.proc === p)!;
    // high (queue 7) runs first, 0-3 ms, though low was spawned first; low waits those 3 ms.
    expect(row('high')).toMatchObject({ cpuNs: 3 * MS, readyWaitNs: 0, responseNs: 0, turnaroundNs: 3 * MS });
    expect(row('low')).toMatchObject({ cpuNs: 10 * MS, readyWaitNs: 3 * MS, responseNs: 3 * MS, turnaroundNs: 13 * MS, preemptions: 0 });
  });

  it('a booted system: signal latency from the deliver records, every process a row', async () => {
    const { path, records } = bootTrace([
      'disk disk0 create=2M block-size=1024 model=ramdisk',
      'fs root=disk0 cache=64',
      'clock mode=periodic hz=1000',
      'process init uid=0',
      '    mkdir /bin',
      '    write /bin/latency "#!mksim latency 3 7ms"',
      '    chmod 0755 /bin/latency',
      '    spawn spinner',
      '    spawn worker',
      '    wait worker',
      '    wait spinner',
      'process spinner',
      '    spin 40ms',
      'process worker',
      '    exec /bin/latency',
    ].join('\n'));
    const r = JSON.parse(await statsTrace(path, { json: true })) as StatsResult;
    const delivered = records.filter((x) => x.ev === 'signal' && x.op === 'deliver');
    expect(delivered.length).toBe(3);
    const lat = delivered.map((x) => x.latencyNs as number);
    const worker = r.sched.find((x) => x.proc === 'worker')!;
    expect(worker.signals).toBe(3);
    expect(worker.signalLatencyMaxNs).toBe(Math.max(...lat));
    expect(worker.signalLatencyMeanNs).toBe(Math.round(lat.reduce((a, b) => a + b, 0) / 3));
    expect(worker.signalLatencyMaxNs).toBeGreaterThan(0);
    expect(r.sched.find((x) => x.proc === 'spinner')!.cpuNs).toBeGreaterThanOrEqual(40 * MS);
    // CPU time adds up: the processes' CPU plus idle time is the run's span.
    const sched = records.filter((x) => x.ev === 'sched');
    let idleNs = 0;
    for (let i = 0; i < sched.length; i++) if (sched[i]!.to === null) idleNs += (sched[i + 1]?.t ?? records.at(-1)!.t) - sched[i]!.t;
    const firstNs = sched[0]!.t;
    expect(r.sched.reduce((s, x) => s + x.cpuNs, 0) + idleNs).toBe(records.at(-1)!.t - firstNs);
  });
});
