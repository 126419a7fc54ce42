/*
 * Benchmark `disk`: 8 clients each reading 250 random 1 KiB blocks spread
 * over the whole hp97560 (one outstanding request per client, so up to 7
 * queued), under each scheduling policy. Figures in virtual time (mean
 * response, seek distance per request, requests per virtual second) and the
 * simulator's wall-clock rate, beside the same load on the ramdisk model (no
 * mechanics: the floor of the driver's own cost).
 *   diskBenchmark                  the registry entry
 *   randomReadLoad(model, sched)   one run and its figures
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardwareOf, Kernel, sendrec, systemPrivileges, type Envelope } from '../kernel/index.js';
import { diskDriver } from '../drivers/disk/main.js';
import { BUILTIN_MODELS, capacityBytes } from '../drivers/disk/model.js';
import type { DevReply } from '../drivers/disk/protocol.js';
import { SCHED_POLICIES, type SchedPolicy } from '../drivers/disk/queue.js';
import type { Benchmark, BenchResult } from './registry.js';

const CLIENTS = 8;
const READS_PER_CLIENT = 250;
const BLOCK = 1024;

export interface LoadFigures {
  readonly requests: number;
  readonly meanResponseNs: number;
  readonly seekCylPerRequest: number;
  readonly requestsPerVirtualSec: number;
  readonly requestsPerWallSec: number;
}

/** The image is a sparse file as large as the hp97560, so requests reach every cylinder. */
export function randomReadLoad(model: 'hp97560' | 'ramdisk', sched: SchedPolicy, dir: string): LoadFigures {
  const kernel = new Kernel({ seed: 42 });
  const sizeBytes = capacityBytes(BUILTIN_MODELS.get('hp97560')!);
  const program = diskDriver({ name: 'disk0', image: join(dir, `${model}-${sched}.img`), createBytes: sizeBytes, model, sched }, hardwareOf(kernel));
  const diskEp = kernel.spawn({ name: 'disk0', program, priority: 1, privileges: systemPrivileges() }).endpoint;
  let responseNsTotal = 0;
  let requests = 0;
  for (let c = 0; c < CLIENTS; c++) {
    kernel.spawn({
      name: `client${c}`, priority: 4, privileges: systemPrivileges(),
      program: function* (ctx) {
        const rng = ctx.random.fork();
        for (let i = 0; i < READS_PER_CLIENT; i++) {
          const position = rng.below(sizeBytes / BLOCK) * BLOCK;
          const t0 = ctx.nowNs();
          const r: Envelope<DevReply> | number = yield sendrec(diskEp, { type: 'DEV_GATHER', minor: 0, vector: [{ position, buffer: new Uint8Array(BLOCK) }] });
          if (typeof r === 'number' || r.status !== 0) throw new Error(`disk bench: read failed: ${typeof r === 'number' ? r : r.status}`);
          responseNsTotal += ctx.nowNs() - t0;
          requests++;
        }
      },
    });
  }
  const start = performance.now();
  kernel.run();
  const wallMs = performance.now() - start;
  program.disk.image.close();
  if (requests !== CLIENTS * READS_PER_CLIENT) throw new Error(`disk bench: ${requests} of ${CLIENTS * READS_PER_CLIENT} reads finished`);
  return {
    requests,
    meanResponseNs: responseNsTotal / requests,
    seekCylPerRequest: program.stats.seekDistanceCylTotal / requests,
    requestsPerVirtualSec: requests / (kernel.nowNs / 1e9),
    requestsPerWallSec: requests / (wallMs / 1000),
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export const diskBenchmark: Benchmark = {
  name: 'disk',
  description: 'random 1 KiB reads from 8 clients on the hp97560 under fcfs, sstf, look, clook (virtual response time, seek distance), vs the ramdisk',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bench-disk-'));
    try {
      randomReadLoad('ramdisk', 'fcfs', dir); // warm up the JIT
      const out: Record<string, number | string> = { bench: 'disk' };
      let wallRate = 0;
      for (const sched of Object.keys(SCHED_POLICIES) as SchedPolicy[]) {
        const f = randomReadLoad('hp97560', sched, dir);
        out[`${sched}MeanResponseMs`] = round(f.meanResponseNs / 1e6, 2);
        out[`${sched}SeekCylPerReq`] = round(f.seekCylPerRequest, 1);
        out[`${sched}ReqPerVirtualSec`] = round(f.requestsPerVirtualSec, 1);
        wallRate = Math.max(wallRate, f.requestsPerWallSec);
      }
      const ram = randomReadLoad('ramdisk', 'fcfs', dir);
      out.ramdiskMeanResponseUs = round(ram.meanResponseNs / 1e3, 1);
      out.reqPerWallSec = Math.round(wallRate);
      out.ramdiskReqPerWallSec = Math.round(ram.requestsPerWallSec);
      return out as BenchResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
