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
import type { DevReply } from '../../../drivers/disk/protocol.js';
import type { BufferElement } from '../../../servers/fs/device.js';
import { CPF_READ, CPF_WRITE, grantDirect, revoke } from '../../../lib/grants.js';

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

/**
 * A client's sendrec; a vector of { position, buffer } is sent as the FS
 * sends it: each buffer granted to the driver for the call, revoked after.
 */
export function* devCall(disk: Endpoint, msg: Message): Generator<KernelCall, Envelope<DevReply>, any> {
  const vector = msg.vector as readonly unknown[] | undefined;
  const grants: number[] = [];
  let sent: Message = msg;
  if (Array.isArray(vector) && vector.every((el) => typeof el === 'object' && el !== null && (el as BufferElement).buffer instanceof Uint8Array)) {
    const access = msg.type === 'DEV_SCATTER' ? CPF_READ : CPF_WRITE;
    const granted = [];
    for (const el of vector as BufferElement[]) {
      const grant = yield* grantDirect(disk, el.buffer, access);
      grants.push(grant);
      granted.push({ position: el.position, grant, bytes: el.buffer.length });
    }
    sent = { ...msg, vector: granted };
  }
  const r: Envelope<DevReply> | number = yield sendrec(disk, sent);
  for (const g of grants) yield* revoke(g);
  if (typeof r === 'number') throw new Error(`sendrec to the disk failed: ${r}`);
  return r;
}

export const BLOCK = 1024;

export function block(nr: number, fill = 0): BufferElement {
  return { position: nr * BLOCK, buffer: new Uint8Array(BLOCK).fill(fill) };
}

export const recordsOf = (run: DiskRun, ev: string) => run.records.filter((r) => r.ev === ev);
