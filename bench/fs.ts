/*
 * Benchmark `fs`: a user process's file I/O through the whole system, as a
 * boot script's program does it: lib/syscalls (open, write, read, close,
 * mkdir, sync) -> the FS server -> the real disk driver (drivers/disk/, the
 * ramdisk model: no mechanics, so wall time is the software's own cost), on
 * a MINIX V3 image with 4096-byte blocks and 1024 cache buffers.
 *   fsBenchmark         { seqWriteMBps, seqReadMBps, smallFilesPerSec, memcpyMBps, cpuShare }
 *   runFsPhases(sizes)  one run of the three phases: wall ms of each, checked
 * A 64 MiB file written in 64 KiB writes and synced, read back after a fresh
 * boot (cold cache), 10,000 files of 1 KiB (open O_CREAT, write, close) in
 * 100 directories then sync; the data read back and the image (mksim fsck)
 * are checked, so a fast wrong answer fails. memcpyMBps copies 64 MiB into
 * memory already touched (the floor of any copy the path makes).
 */
import { hardwareOf, Kernel, kernelTaskAccessOf, registerSystemCalls, systemPrivileges, userPrivileges } from '../kernel/index.js';
import { diskDriver } from '../drivers/disk/main.js';
import { close, mkdir, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, open, read, sync, write } from '../lib/syscalls/fs.js';
import { userProgram, type SysGen, type UserProcess } from '../lib/user/process.js';
import { fsServer } from '../servers/fs/main.js';
import { checkImage } from '../servers/fs/tools/fsck.js';
import { formatImage } from '../servers/fs/tools/mkfs.js';
import { pmServer } from '../servers/pm/main.js';
import { clockTask } from '../tasks/clock/main.js';
import type { Benchmark } from './registry.js';

const BLOCK_BYTES = 4096;
const CHUNK_BYTES = 64 << 10;
const CACHE_BUFFERS = 1024;

export interface FsSizes {
  readonly fileBytes: number;
  readonly dirs: number;
  readonly files: number;
  readonly smallFileBytes: number;
}

export const FULL_SIZES: FsSizes = { fileBytes: 64 << 20, dirs: 100, files: 10_000, smallFileBytes: 1024 };

/** Throw on a failed call: the bench measures only runs that did the work. */
function ok(what: string, r: number): number {
  if (r < 0) throw new Error(`fs bench: ${what} failed: ${r}`);
  return r;
}

/** A write must move every byte: a short write (a full disk) is a failure too. */
function* writeWhole(proc: UserProcess, what: string, fd: number, bytes: Uint8Array): SysGen<void> {
  const n = ok(what, yield* write(proc, fd, bytes));
  if (n !== bytes.length) throw new Error(`fs bench: ${what}: short write, ${n} of ${bytes.length} bytes`);
}

/**
 * Boot clock, disk0 (driver, ramdisk model, on the image bytes), PM and FS,
 * with `body` as init; returns the wall and CPU ms between init's first and last call.
 */
function timedBoot(image: Uint8Array, body: (proc: UserProcess) => SysGen<void>): PhaseRun {
  const kernel = new Kernel({ seed: 1 });
  registerSystemCalls(kernel);
  const disk = diskDriver({ name: 'disk0', image, model: 'ramdisk', blockSize: BLOCK_BYTES }, hardwareOf(kernel));
  let startMs = 0;
  let endMs = -1;
  let cpuStart = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  let failure: unknown = null;
  kernel.spawn({ name: 'clock', program: clockTask(kernelTaskAccessOf(kernel)), priority: 0, privileges: systemPrivileges() });
  kernel.spawn({ name: 'disk0', program: disk, priority: 1, privileges: systemPrivileges() });
  kernel.spawn({ name: 'pm', program: pmServer({ initName: 'init', initUid: 0, initGid: 0 }), priority: 3, privileges: systemPrivileges() });
  kernel.spawn({ name: 'fs', program: fsServer({ driver: 'disk0', cacheBuffers: CACHE_BUFFERS }), priority: 4, privileges: systemPrivileges() });
  kernel.spawn({
    name: 'init', priority: 7, privileges: userPrivileges(),
    program: userProgram(function* (proc) {
      cpuStart = process.cpuUsage();
      startMs = performance.now();
      try {
        yield* body(proc);
      } catch (err) {
        failure = err; // userProgram would turn it into an exit status; the bench reports it
        return 1;
      }
      endMs = performance.now();
      cpu = process.cpuUsage(cpuStart);
      return 0;
    }),
  });
  kernel.run();
  disk.disk.image.close();
  if (failure !== null) throw failure;
  if (endMs < 0) throw new Error('fs bench: the benchmark process did not finish');
  return {
    wallMs: endMs - startMs, cpuMs: (cpu.user + cpu.system) / 1000,
    counts: { kernelCalls: kernel.kernelCallsTotal, safeCopies: kernel.grants.copiesTotal, grants: kernel.grants.grantsTotal, virtualNs: kernel.nowNs },
  };
}

/** What a phase's boot did, counted (the same on any machine): kernel calls, safe copies, grants made, virtual time. */
export interface PhaseCounts {
  readonly kernelCalls: number;
  readonly safeCopies: number;
  readonly grants: number;
  readonly virtualNs: number;
}

interface PhaseRun { readonly wallMs: number; readonly cpuMs: number; readonly counts: PhaseCounts }

export interface FsPhases {
  readonly writeMs: number;
  readonly readMs: number;
  readonly smallMs: number;
  /** This process's CPU ms in each phase: on a busy machine a steadier measure of the work than wall time. */
  readonly writeCpuMs: number;
  readonly readCpuMs: number;
  readonly smallCpuMs: number;
  /** This process's CPU time over the wall time of the three phases: below 1, other processes had the core. */
  readonly cpuShare: number;
  /** Each phase's boot, counted (docs/performance.md's "kernel calls" table). */
  readonly counts: { readonly write: PhaseCounts; readonly read: PhaseCounts; readonly small: PhaseCounts };
}

export function runFsPhases(sizes: FsSizes): FsPhases {
  const { fileBytes, dirs, files, smallFileBytes } = sizes;
  const image = formatImage({ sizeBytes: fileBytes * 2 + files * 2 * BLOCK_BYTES + (8 << 20), blockSize: BLOCK_BYTES, inodes: files + dirs + 64 });
  const data = new Uint8Array(fileBytes);
  for (let i = 0; i < data.length; i += 512) data[i] = (i >>> 9) & 0xff;
  const write1 = timedBoot(image, function* (proc) {
    const fd = ok('open /big', yield* open(proc, '/big', O_WRONLY | O_CREAT | O_TRUNC, 0o644));
    for (let pos = 0; pos < fileBytes; pos += CHUNK_BYTES) yield* writeWhole(proc, 'write /big', fd, data.subarray(pos, pos + CHUNK_BYTES));
    ok('close /big', yield* close(proc, fd));
    ok('sync', yield* sync(proc));
  });
  // The reader's buffer is written beforehand, as memcpyMBps's destination: its pages are mapped, so the
  // read phase measures the path, not the host kernel's first-touch page faults on 64 MiB of fresh memory.
  const back = new Uint8Array(fileBytes).fill(0xff);
  const read1 = timedBoot(image, function* (proc) {
    const fd = ok('open /big', yield* open(proc, '/big', O_RDONLY));
    for (let pos = 0; pos < fileBytes; pos += CHUNK_BYTES) {
      if (ok('read /big', yield* read(proc, fd, back.subarray(pos, pos + CHUNK_BYTES))) !== CHUNK_BYTES) throw new Error(`fs bench: short read at ${pos}`);
    }
    ok('close /big', yield* close(proc, fd));
  });
  for (let i = 0; i < fileBytes; i++) if (back[i] !== data[i]) throw new Error(`fs bench: byte ${i} read back differs`);
  const small = new Uint8Array(smallFileBytes).fill(0x61);
  const small1 = timedBoot(image, function* (proc) {
    for (let d = 0; d < dirs; d++) ok('mkdir', yield* mkdir(proc, `/d${d}`, 0o755));
    for (let f = 0; f < files; f++) {
      const fd = ok('open', yield* open(proc, `/d${f % dirs}/f${f}`, O_WRONLY | O_CREAT | O_TRUNC, 0o644));
      yield* writeWhole(proc, 'write', fd, small);
      ok('close', yield* close(proc, fd));
    }
    ok('sync', yield* sync(proc));
  });
  const check = checkImage(image);
  if (check.fatal !== null || check.problems.length > 0) throw new Error(`fs bench: the image fails fsck: ${check.fatal ?? check.problems[0]}`);
  if (check.files !== files + 1) throw new Error(`fs bench: fsck counts ${check.files} files, expected ${files + 1}`);
  const phases = [write1, read1, small1];
  const cpuShare = phases.reduce((n, p) => n + p.cpuMs, 0) / phases.reduce((n, p) => n + p.wallMs, 0);
  return {
    writeMs: write1.wallMs, readMs: read1.wallMs, smallMs: small1.wallMs,
    writeCpuMs: write1.cpuMs, readCpuMs: read1.cpuMs, smallCpuMs: small1.cpuMs, cpuShare,
    counts: { write: write1.counts, read: read1.counts, small: small1.counts },
  };
}

function countFields(phase: string, c: PhaseCounts): Record<string, number> {
  return {
    [`${phase}KernelCalls`]: c.kernelCalls, [`${phase}SafeCopies`]: c.safeCopies, [`${phase}Grants`]: c.grants,
    [`${phase}VirtualMs`]: Number((c.virtualNs / 1e6).toFixed(1)),
  };
}

/** The best of `runs` copies of `bytes` into a destination written beforehand (its pages are mapped). */
export function memcpyMs(bytes: Uint8Array, runs: number): number {
  const into = new Uint8Array(bytes.length).fill(1);
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    into.set(bytes);
    best = Math.min(best, performance.now() - t0);
  }
  if (into[bytes.length - 1] !== bytes[bytes.length - 1]) throw new Error('fs bench: memcpy copied nothing');
  return best;
}

const mbps = (bytes: number, ms: number): number => Math.round((bytes / (1 << 20)) / (Math.max(ms, 0.001) / 1000));

export const fsBenchmark: Benchmark = {
  name: 'fs',
  description: 'a user process through lib/syscalls -> FS server -> disk driver (ramdisk model), 4 KiB blocks, 1024 buffers: '
    + 'seqWriteMBps = 64 MiB in 64 KiB write()s + sync, seqReadMBps = read() back after a fresh boot (cold cache), '
    + 'smallFilesPerSec = 10,000 x (open O_CREAT, write 1 KiB, close) in 100 dirs + sync; memcpyMBps = 64 MiB Uint8Array.set into touched memory; '
    + 'cpuShare = CPU time / wall time over the three phases (below 1: the machine was busy); '
    + 'write/read/small KernelCalls, SafeCopies, Grants, VirtualMs = each phase\'s boot, counted (the same on any machine)',
  async run() {
    runFsPhases({ fileBytes: 8 << 20, dirs: 10, files: 1000, smallFileBytes: 1024 }); // warm up the JIT
    const { writeMs, readMs, smallMs, cpuShare, counts } = runFsPhases(FULL_SIZES);
    const source = new Uint8Array(FULL_SIZES.fileBytes).fill(7);
    return {
      bench: 'fs',
      seqWriteMBps: mbps(FULL_SIZES.fileBytes, writeMs),
      seqReadMBps: mbps(FULL_SIZES.fileBytes, readMs),
      smallFilesPerSec: Math.round(FULL_SIZES.files / (smallMs / 1000)),
      memcpyMBps: mbps(FULL_SIZES.fileBytes, memcpyMs(source, 3)),
      cpuShare: Number(cpuShare.toFixed(2)),
      // Counted, not timed (the same on any machine): each phase's kernel calls, safe copies, grants, virtual ms.
      ...countFields('write', counts.write), ...countFields('read', counts.read), ...countFields('small', counts.small),
    };
  },
};
