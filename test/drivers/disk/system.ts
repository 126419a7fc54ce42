/*
 * Test systems for the disk driver: a kernel with the driver task and client
 * actors that talk to it by sendrec, as the FS server does.
 *   bootDisk(config, clients, options)   boot, run to idle or stop, close the image
 *   devCall(ep, msg)                     a client's sendrec; the DEV_REPLY (or a thrown errno)
 *   block(nr, fill?)                     a 1 KiB vector element at block nr
 */
import { hardwareOf, Kernel, sendrec, systemPrivileges, type ActorContext, type Endpoint, type Envelope, type KernelCall, type Message, type RunOutcome, type TraceRecord } from '../../../kernel/index.js';
import { diskDriver, type DiskConfig } from '../../../drivers/disk/main.js';
import type { OpenDisk } from '../../../drivers/disk/config.js';
import type { DevReply, IoVecElement } from '../../../drivers/disk/protocol.js';

export type Client = (ctx: ActorContext, disk: Endpoint) => Generator<KernelCall, unknown, any>;

export interface DiskRun {
  readonly kernel: Kernel;
  readonly records: TraceRecord[];
  readonly results: unknown[];
  readonly outcome: RunOutcome;
  readonly disk: OpenDisk;
}

export function bootDisk(config: DiskConfig, clients: readonly Client[], options: { untilNs?: number } = {}): DiskRun {
  const kernel = new Kernel({ seed: 1 });
  const records: TraceRecord[] = [];
  kernel.trace.trace$.subscribe((r) => records.push(r));
  const program = diskDriver(config, hardwareOf(kernel));
  const diskEp = kernel.spawn({ name: config.name, program, priority: 1, privileges: systemPrivileges() }).endpoint;
  const results: unknown[] = [];
  clients.forEach((client, i) => {
    kernel.spawn({
      name: `client${i}`, priority: 4, privileges: systemPrivileges(),
      program: function* (ctx) { results[i] = yield* client(ctx, diskEp); },
    });
  });
  const outcome = kernel.run(options);
  program.disk.image.close();
  return { kernel, records, results, outcome, disk: program.disk };
}

export function* devCall(disk: Endpoint, msg: Message): Generator<KernelCall, Envelope<DevReply>, any> {
  const r: Envelope<DevReply> | number = yield sendrec(disk, msg);
  if (typeof r === 'number') throw new Error(`sendrec to the disk failed: ${r}`);
  return r;
}

export const BLOCK = 1024;

export function block(nr: number, fill = 0): IoVecElement {
  return { position: nr * BLOCK, buffer: new Uint8Array(BLOCK).fill(fill) };
}

export const recordsOf = (run: DiskRun, ev: string) => run.records.filter((r) => r.ev === ev);
