/*
 * End-to-end test systems: a kernel with a disk actor speaking the driver
 * protocol (a test double over a Uint8Array, until the real driver is used),
 * the FS server, and one client actor running a generator.
 *   ramdiskProgram(bytes)          the disk actor
 *   runFs(bytes, client, config)   boot, run to idle, return what the client returned
 *   call(m)                        client helper: sendrec to fs, the FS_REPLY
 */
import { ANY, EINVAL, Kernel, receive, send, sendrec, systemPrivileges, userPrivileges, type ActorContext, type Envelope, type KernelCall, type Message, type TraceRecord } from '../../../kernel/index.js';
import type { DevRequest, DevReply } from '../../../drivers/disk/protocol.js';
import { fsServer, type FsConfig } from '../../../servers/fs/main.js';
import type { FsReply, FsRequest } from '../../../servers/fs/protocol.js';

export function ramdiskProgram(bytes: Uint8Array, failWriteBlocks: ReadonlySet<number> = new Set(), blockSize = 1024) {
  return function* (): Generator<KernelCall, void, any> {
    for (;;) {
      const m: Envelope<DevRequest> | number = yield receive(ANY);
      if (typeof m === 'number') continue;
      let reply: DevReply;
      switch (m.type) {
        case 'DEV_OPEN': case 'DEV_CLOSE': reply = { type: 'DEV_REPLY', status: 0 }; break;
        case 'DEV_IOCTL': reply = { type: 'DEV_REPLY', status: 0, data: { size: bytes.length } }; break;
        case 'DEV_GATHER': case 'DEV_SCATTER': {
          const write = m.type === 'DEV_SCATTER';
          const done = m.vector.map(() => 0);
          let status = 0;
          for (let i = 0; i < m.vector.length; i++) {
            const { position, buffer } = m.vector[i]!;
            if (position + buffer.length > bytes.length || (write && failWriteBlocks.has(Math.floor(position / blockSize)))) { status = -5; break; }
            if (write) bytes.set(buffer, position); else buffer.set(bytes.subarray(position, position + buffer.length));
            done[i] = buffer.length;
          }
          reply = { type: 'DEV_REPLY', status, done };
          break;
        }
        default: reply = { type: 'DEV_REPLY', status: -EINVAL };
      }
      yield send(m.source, reply);
    }
  };
}

export function* call(m: FsRequest): Generator<KernelCall, FsReply, any> {
  const r: Envelope<FsReply> | number = yield sendrec(fsEndpoint, m as Message);
  if (typeof r === 'number') throw new Error(`sendrec to fs failed: ${r}`);
  return r;
}

let fsEndpoint = 0;

export interface FsRun<T> { result: T; kernel: Kernel; records: TraceRecord[] }

export function runFs<T>(bytes: Uint8Array, client: (ctx: ActorContext) => Generator<KernelCall, T, any>, config: Partial<FsConfig> = {}, trace = false, failWriteBlocks?: ReadonlySet<number>): FsRun<T> {
  const kernel = new Kernel({ seed: 1 });
  const records: TraceRecord[] = [];
  if (trace) kernel.trace.trace$.subscribe((r) => records.push(r));
  kernel.spawn({ name: 'disk0', program: ramdiskProgram(bytes, failWriteBlocks), priority: 1, privileges: systemPrivileges() });
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
