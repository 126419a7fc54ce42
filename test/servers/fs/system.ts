/*
 * End-to-end test systems: a kernel with a disk actor speaking the driver
 * protocol over a Uint8Array (the img commands' stand-in until drivers/disk/
 * lands), the FS server, and one client actor running a generator.
 *   runFs(bytes, client, config)   boot, run to idle, return what the client returned
 *   call(m)                        client helper: sendrec to fs, the FS_REPLY
 */
import { Kernel, sendrec, systemPrivileges, userPrivileges, type ActorContext, type Envelope, type KernelCall, type Message, type TraceRecord } from '../../../kernel/index.js';
import { memoryDiskProgram } from '../../../cli/commands/img.js';
import { fsServer, type FsConfig } from '../../../servers/fs/main.js';
import type { FsReply, FsRequest } from '../../../servers/fs/protocol.js';
import { lendBuffer, type BufferRequest } from '../../../lib/syscalls/fs.js';

/** A request; a read or write may name its buffer, lent to FS by grant for the call (lendBuffer). */
export function* call(m: FsRequest | BufferRequest): Generator<KernelCall, FsReply, any> {
  const r: Envelope<FsReply> | number = 'buffer' in m
    ? yield* lendBuffer(fsEndpoint, m as BufferRequest, function* (g) { return (yield sendrec(fsEndpoint, g as Message)) as Envelope<FsReply> | number; })
    : yield sendrec(fsEndpoint, m as Message);
  if (typeof r === 'number') throw new Error(`sendrec to fs failed: ${r}`);
  return r;
}

let fsEndpoint = 0;

export interface FsRun<T> { result: T; kernel: Kernel; records: TraceRecord[] }

export function runFs<T>(bytes: Uint8Array, client: (ctx: ActorContext) => Generator<KernelCall, T, any>, config: Partial<FsConfig> = {}, trace = false): FsRun<T> {
  const kernel = new Kernel({ seed: 1 });
  const records: TraceRecord[] = [];
  if (trace) kernel.trace.trace$.subscribe((r) => records.push(r));
  kernel.spawn({ name: 'disk0', program: memoryDiskProgram(bytes), priority: 1, privileges: systemPrivileges() });
  fsEndpoint = kernel.spawn({ name: 'fs', program: fsServer({ driver: 'disk0', ...config }), priority: 4, privileges: systemPrivileges() }).endpoint;
  let result: T | undefined;
  let done = false;
  kernel.spawn({
    name: 'client', priority: 7, privileges: userPrivileges(),
    program: function* (ctx) { result = yield* client(ctx); done = true; },
  });
  kernel.run();
  if (!done) throw new Error('client did not finish');
  return { result: result as T, kernel, records };
}
