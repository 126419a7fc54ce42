/*
 * The elevator lab (docs/labs/elevator.md): one sync of 600 scattered dirty
 * blocks, with the FS's elevator (rw_scattered's sort) on or off, under each
 * disk-driver queue policy; head movement and time from the driver's statistics.
 *   elevatorRun(elevator, sched, context)   one configuration's row
 *   elevatorLab                             the registry entry
 */
import type { DiskProgram } from '../../drivers/disk/main.js';
import type { SchedPolicy } from '../../drivers/disk/queue.js';
import * as fs from '../../lib/syscalls/fs.js';
import type { UserProcess } from '../../lib/user/process.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { lcg, runFsLab } from './fs-rig.js';
import { fixed, mdTable } from './markdown.js';
import { barChart } from './svg.js';
import type { LabContext, LabSpec } from './types.js';

export const SCHEDS: readonly SchedPolicy[] = ['fcfs', 'sstf', 'look', 'clook'];

export interface ElevatorRow {
  readonly elevator: boolean; readonly sched: SchedPolicy; readonly requests: number; readonly ops: number;
  readonly seekCyl: number; readonly seekMs: number; readonly syncMs: number;
}

export function elevatorRun(elevator: boolean, sched: SchedPolicy, context: LabContext): ElevatorRow {
  const image = formatImage({ sizeBytes: 16 << 20, blockSize: 1024 });
  let before = { seek: 0, ns: 0, ops: 0, req: 0 };
  let after = before;
  let syncNs = 0;
  let disk: DiskProgram | null = null;
  const counters = (): typeof before => {
    const s = disk!.stats;
    return { seek: s.seekDistanceCylTotal, ns: s.seekNsTotal, ops: s.opsTotal, req: s.requestsTotal };
  };
  runFsLab(image, function* (p: UserProcess) {
    // Twelve files spread over the disk, then 600 one-block overwrites at random places, then one sync.
    const fds: number[] = [];
    for (let i = 0; i < 12; i++) {
      const fd = yield* fs.open(p, `/f${i}`, fs.O_RDWR | fs.O_CREAT, 0o644);
      yield* fs.writeAll(p, fd, new Uint8Array(1 << 20).fill(i));
      fds.push(fd);
    }
    yield* fs.sync(p);
    before = counters();
    const rnd = lcg(7);
    for (let i = 0; i < 600; i++) {
      const fd = fds[Math.floor(rnd() * fds.length)]!;
      yield* fs.lseek(p, fd, Math.floor(rnd() * 1024) * 1024);
      yield* fs.write(p, fd, new Uint8Array(1024).fill(0xee));
    }
    const t0 = p.ctx.nowNs();
    yield* fs.sync(p);
    syncNs = p.ctx.nowNs() - t0;
    after = counters();
    for (const fd of fds) yield* fs.close(p, fd);
    yield* fs.sync(p);
    return 0;
  }, { config: { cacheBuffers: 1024, elevator }, sched, onDisk: (d) => { disk = d; } });
  context.onImage?.(image, `elevator ${elevator ? 'on' : 'off'} sched=${sched}`);
  // Only the sync of the 600 dirty blocks: the difference of the driver's counters across it.
  return {
    elevator, sched, requests: after.req - before.req, ops: after.ops - before.ops,
    seekCyl: after.seek - before.seek, seekMs: (after.ns - before.ns) / 1e6, syncMs: syncNs / 1e6,
  };
}

export const elevatorLab: LabSpec = {
  name: 'elevator',
  title: 'the elevator: sorting dirty blocks before a sync',
  doc: 'elevator.md',
  plotDescription: 'head movement (cylinders) per driver policy, elevator off and on',
  run(context) {
    const rows: ElevatorRow[] = [];
    for (const elevator of [false, true]) for (const sched of SCHEDS) rows.push(elevatorRun(elevator, sched, context));
    const table = mdTable(
      [{ title: 'elevator' }, { title: 'sched' }, { title: 'requests', align: 'right' }, { title: 'ops', align: 'right' },
        { title: 'seek distance (cyl)', align: 'right' }, { title: 'seek time (ms)', align: 'right' }, { title: 'sync (ms)', align: 'right' }],
      rows.map((r) => [r.elevator ? 'on' : 'off', r.sched, r.requests, r.ops, r.seekCyl, fixed(r.seekMs, 1), fixed(r.syncMs, 1)]),
    );
    const plot = barChart({
      title: 'Elevator: head movement of one sync of 600 scattered blocks', yLabel: 'seek distance (cylinders)',
      bars: ['elevator off', 'elevator on'],
      groups: SCHEDS.map((sched) => ({ label: sched, values: [false, true].map((e) => rows.find((r) => r.sched === sched && r.elevator === e)!.seekCyl) })),
    });
    return { sections: [{ name: 'results', title: 'Results', text: table }], data: rows, plot };
  },
};
