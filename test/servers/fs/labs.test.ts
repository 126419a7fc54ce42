/*
 * The measurements behind docs/labs/buffer-cache.md and docs/labs/elevator.md,
 * on the real disk driver (drivers/disk/, model hp97560). Each prints its
 * table (run: npx vitest run test/servers/fs/labs.test.ts) and checks the
 * shape the labs explain, so the figures in the docs cannot silently rot.
 */
import { describe, expect, it } from 'vitest';
import { diskDriver, type DiskProgram } from '../../../drivers/disk/main.js';
import type { SchedPolicy } from '../../../drivers/disk/queue.js';
import * as fs from '../../../lib/syscalls/fs.js';
import type { UserProcess } from '../../../lib/user/process.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { expectClean, runProcs } from './procs.js';

const FILES = 40;
const FILE_BYTES = 8 * 1024;
const READS = 2000;

/** A seeded LCG for the workloads' choices (the programs' own, not the kernel's). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
}

interface CacheRun { buffers: number; hits: number; misses: number; hitRatio: number; elapsedMs: number }

function cacheRun(buffers: number): CacheRun {
  const img = formatImage({ sizeBytes: 8 << 20, blockSize: 1024 });
  let disk!: DiskProgram;
  let phase = 'setup';
  let startNs = 0;
  let endNs = 0;
  const counts = { hits: 0, misses: 0 };
  const { kernel } = runProcs(img, {
    *init(p: UserProcess) {
      yield* fs.mkdir(p, '/data', 0o755);
      for (let i = 0; i < FILES; i++) yield* fs.writeFile(p, `/data/f${i}`, new Uint8Array(FILE_BYTES).fill(i));
      yield* fs.sync(p);
      const fds: number[] = [];
      for (let i = 0; i < FILES; i++) fds.push(yield* fs.open(p, `/data/f${i}`, fs.O_RDONLY));
      const rnd = lcg(42);
      phase = 'measure';
      startNs = p.ctx.nowNs();
      const buf = new Uint8Array(1024);
      for (let i = 0; i < READS; i++) {
        // Skewed: half the reads go to a quarter of the files (a hot set), as real workloads do.
        const hot = rnd() < 0.5;
        const f = hot ? Math.floor(rnd() * FILES / 4) : Math.floor(rnd() * FILES);
        yield* fs.lseek(p, fds[f]!, Math.floor(rnd() * (FILE_BYTES / 1024)) * 1024);
        yield* fs.read(p, fds[f]!, buf);
      }
      endNs = p.ctx.nowNs();
      phase = 'done';
      for (const fd of fds) yield* fs.close(p, fd);
      return 0;
    },
  }, { disk: (hw) => (disk = diskDriver({ name: 'disk0', image: img, model: 'hp97560', blockSize: 1024 }, hw)), config: { cacheBuffers: buffers }, trace: false, onRecord: (r) => {
    if (phase !== 'measure' || r.ev !== 'cache') return;
    if (r.op === 'hit') counts.hits++;
    else if (r.op === 'miss') counts.misses++;
  } });
  void kernel;
  disk.disk.image.close();
  expectClean(img);
  return { buffers, ...counts, hitRatio: counts.hits / (counts.hits + counts.misses), elapsedMs: (endNs - startNs) / 1e6 };
}

interface ElevatorRun { elevator: boolean; sched: SchedPolicy; requests: number; ops: number; seekCyl: number; seekMs: number; syncMs: number }

function elevatorRun(elevator: boolean, sched: SchedPolicy): ElevatorRun {
  const img = formatImage({ sizeBytes: 16 << 20, blockSize: 1024 });
  let disk!: DiskProgram;
  let before = { seek: 0, ns: 0, ops: 0, req: 0 };
  let syncNs = 0;
  runProcs(img, {
    *init(p: UserProcess) {
      // Twelve files spread over the disk, then 600 one-block overwrites at random places, then one sync.
      const fds: number[] = [];
      for (let i = 0; i < 12; i++) {
        const fd = yield* fs.open(p, `/f${i}`, fs.O_RDWR | fs.O_CREAT, 0o644);
        yield* fs.writeAll(p, fd, new Uint8Array(1 << 20).fill(i));
        fds.push(fd);
      }
      yield* fs.sync(p);
      const s = disk.stats;
      before = { seek: s.seekDistanceCylTotal, ns: s.seekNsTotal, ops: s.opsTotal, req: s.requestsTotal };
      const rnd = lcg(7);
      for (let i = 0; i < 600; i++) {
        const fd = fds[Math.floor(rnd() * fds.length)]!;
        yield* fs.lseek(p, fd, Math.floor(rnd() * 1024) * 1024);
        yield* fs.write(p, fd, new Uint8Array(1024).fill(0xee));
      }
      const t0 = p.ctx.nowNs();
      yield* fs.sync(p);
      syncNs = p.ctx.nowNs() - t0;
      for (const fd of fds) yield* fs.close(p, fd);
      yield* fs.sync(p);
      return 0;
    },
  }, { disk: (hw) => (disk = diskDriver({ name: 'disk0', image: img, model: 'hp97560', blockSize: 1024, sched }, hw)), config: { cacheBuffers: 1024, elevator } });
  // Measure the sync of the 600 dirty blocks only: the difference of the counters across it.
  const s = disk.stats;
  disk.disk.image.close();
  expectClean(img);
  return {
    elevator, sched, requests: s.requestsTotal - before.req, ops: s.opsTotal - before.ops,
    seekCyl: s.seekDistanceCylTotal - before.seek, seekMs: (s.seekNsTotal - before.ns) / 1e6, syncMs: syncNs / 1e6,
  };
}

describe('labs', () => {
  it('buffer cache: the hit ratio of a skewed random-read workload grows with the cache and the run gets faster', () => {
    const rows = [16, 32, 64, 128, 256, 512].map(cacheRun);
    console.log('buffers  hits  misses  hit-ratio  elapsed-ms');
    for (const r of rows) console.log(`${String(r.buffers).padStart(7)} ${String(r.hits).padStart(5)} ${String(r.misses).padStart(7)} ${r.hitRatio.toFixed(3).padStart(10)} ${r.elapsedMs.toFixed(1).padStart(11)}`);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.hitRatio).toBeGreaterThanOrEqual(rows[i - 1]!.hitRatio);
    expect(rows.at(-1)!.hitRatio).toBeGreaterThan(0.95);
    expect(rows.at(-1)!.elapsedMs).toBeLessThan(rows[0]!.elapsedMs / 3);
  });

  it('elevator: sorting dirty blocks before a sync cuts head movement; the driver policy cannot reorder a queue of one', () => {
    const rows: ElevatorRun[] = [];
    for (const elevator of [false, true]) for (const sched of ['fcfs', 'sstf', 'look', 'clook'] as const) rows.push(elevatorRun(elevator, sched));
    console.log('elevator sched  requests  ops  seek-cyl  seek-ms  sync-ms');
    for (const r of rows) console.log(`${(r.elevator ? 'on' : 'off').padEnd(8)} ${r.sched.padEnd(5)} ${String(r.requests).padStart(9)} ${String(r.ops).padStart(4)} ${String(r.seekCyl).padStart(9)} ${r.seekMs.toFixed(1).padStart(8)} ${r.syncMs.toFixed(1).padStart(8)}`);
    const off = rows.filter((r) => !r.elevator);
    const on = rows.filter((r) => r.elevator);
    for (const r of on) expect(r.seekCyl).toBeLessThan(off[0]!.seekCyl / 2);
    // One FS, one request at a time: every policy sees a queue of one, so they all match.
    for (const group of [off, on]) for (const r of group) expect(r.seekCyl).toBe(group[0]!.seekCyl);
  });
});
