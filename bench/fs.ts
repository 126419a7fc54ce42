/*
 * Benchmark `fs`: the FS server's throughput through messages to an
 * in-memory disk actor, on a MINIX V3 image with 4096-byte blocks.
 *   fsBenchmark   { seqWriteMBps, seqReadMBps, smallFilesPerSec, memcpyMBps }
 * A 64 MiB file written in 64 KiB writes and synced, read back cold (a
 * fresh boot: empty cache), 10,000 files of 1 KiB created in 100
 * directories, and a plain Uint8Array copy of 64 MiB for scale.
 */
import { Kernel, sendrec, systemPrivileges, userPrivileges, type Envelope, type KernelCall, type Message } from '../kernel/index.js';
import { memoryDiskProgram } from '../cli/commands/img.js';
import { fsServer } from '../servers/fs/main.js';
import type { FsReply, FsRequest } from '../servers/fs/protocol.js';
import { formatImage } from '../servers/fs/tools/mkfs.js';
import { lendBuffer, type BufferRequest } from '../lib/syscalls/fs.js';
import type { Benchmark } from './registry.js';

const FILE_BYTES = 64 << 20;
const CHUNK_BYTES = 64 << 10;
const DIRS = 100;
const FILES = 10_000;

type Call = (m: FsRequest | BufferRequest) => Generator<KernelCall, FsReply, any>;

/** Boot disk + FS + client on the bytes; returns the wall ms of the client's run. */
function timed(bytes: Uint8Array, body: (call: Call) => Generator<KernelCall, void, any>): number {
  const kernel = new Kernel({ seed: 1 });
  kernel.spawn({ name: 'disk0', priority: 1, privileges: systemPrivileges(), program: memoryDiskProgram(bytes) });
  const fsEp = kernel.spawn({ name: 'fs', priority: 4, privileges: systemPrivileges(), program: fsServer({ driver: 'disk0', cacheBuffers: 1024 }) }).endpoint;
  const call: Call = function* (m) {
    // Reads and writes lend their buffer to FS by grant (lib/syscalls/fs.ts lendBuffer).
    const r: Envelope<FsReply> | number = 'buffer' in m
      ? yield* lendBuffer(fsEp, m as BufferRequest, function* (g) { return (yield sendrec(fsEp, g as Message)) as Envelope<FsReply> | number; })
      : yield sendrec(fsEp, m as Message);
    if (typeof r === 'number' || r.status < 0) throw new Error(`fs bench: ${m.type} failed: ${typeof r === 'number' ? r : `${r.status} ${r.message ?? ''}`}`);
    return r;
  };
  let finished = false;
  kernel.spawn({
    name: 'bench', priority: 7, privileges: userPrivileges(),
    program: function* () { yield* body(call); finished = true; },
  });
  const start = performance.now();
  kernel.run();
  const wallMs = performance.now() - start;
  if (!finished) throw new Error('fs bench: client did not finish');
  return wallMs;
}

const mbps = (bytes: number, ms: number): number => Math.round((bytes / (1 << 20)) / (ms / 1000));

interface Phases { writeMs: number; readMs: number; smallMs: number; data: Uint8Array }

function measure(fileBytes: number, files: number): Phases {
    const FILE_BYTES = fileBytes;
    const FILES = files;
    const image = formatImage({ sizeBytes: FILE_BYTES * 2 + files * 8192 + (8 << 20), blockSize: 4096, inodes: files + 1024 });
    const data = new Uint8Array(FILE_BYTES);
    for (let i = 0; i < data.length; i += 4096) data[i] = i >>> 12;
    const writeMs = timed(image, function* (call) {
      yield* call({ type: 'FS_CREATE', path: '/big', mode: 0o644 });
      for (let pos = 0; pos < FILE_BYTES; pos += CHUNK_BYTES) {
        yield* call({ type: 'FS_WRITE', path: '/big', position: pos, buffer: data.subarray(pos, pos + CHUNK_BYTES) });
      }
      yield* call({ type: 'FS_SYNC' });
    });
    const back = new Uint8Array(FILE_BYTES);
    const readMs = timed(image, function* (call) {
      for (let pos = 0; pos < FILE_BYTES; pos += CHUNK_BYTES) {
        yield* call({ type: 'FS_READ', path: '/big', position: pos, buffer: back.subarray(pos, pos + CHUNK_BYTES) });
      }
    });
    for (let i = 0; i < FILE_BYTES; i += 4096) if (back[i] !== data[i]) throw new Error(`fs bench: read back differs at byte ${i}`);
    const small = new Uint8Array(1024).fill(0x61);
    const smallMs = timed(image, function* (call) {
      for (let d = 0; d < DIRS; d++) yield* call({ type: 'FS_MKDIR', path: `/d${d}`, mode: 0o755 });
      for (let f = 0; f < FILES; f++) {
        const path = `/d${f % DIRS}/f${f}`;
        yield* call({ type: 'FS_CREATE', path, mode: 0o644 });
        yield* call({ type: 'FS_WRITE', path, position: 0, buffer: small });
      }
      yield* call({ type: 'FS_SYNC' });
    });
    return { writeMs, readMs, smallMs, data };
}

export const fsBenchmark: Benchmark = {
  name: 'fs',
  description: 'FS server through messages: 64 MiB sequential write+sync and cold read (4 KiB blocks), 10,000 small files, vs memcpy',
  async run() {
    measure(8 << 20, 1000); // warm up the JIT
    const { writeMs, readMs, smallMs, data } = measure(FILE_BYTES, FILES);
    const copy = new Uint8Array(FILE_BYTES);
    const t0 = performance.now();
    copy.set(data);
    const memcpyMs = performance.now() - t0;
    return {
      bench: 'fs',
      seqWriteMBps: mbps(FILE_BYTES, writeMs),
      seqReadMBps: mbps(FILE_BYTES, readMs),
      smallFilesPerSec: Math.round(FILES / (smallMs / 1000)),
      memcpyMBps: mbps(FILE_BYTES, Math.max(memcpyMs, 0.001)),
    };
  },
};
