/*
 * Test harness: a kernel with a clock task and client actors, trace kept in memory.
 *   clockSystem(config, seed)    { kernel, clock, records, spawnClient(name, body, priority?) }
 */
import {
  Kernel, kernelTaskAccessOf, sendrec, systemPrivileges, USER_Q, type ActorContext, type Envelope, type KernelCall, type TraceRecord,
} from '../../../kernel/index.js';
import { clockConfig, type ClockConfig } from '../../../tasks/clock/config.js';
import { createClock, type ClockInstance } from '../../../tasks/clock/main.js';
import type { ClockReply, ClockRequest } from '../../../tasks/clock/protocol.js';

export interface ClockSystem {
  readonly kernel: Kernel;
  readonly clock: ClockInstance;
  readonly records: TraceRecord[];
  spawnClient(name: string, body: (ctx: ActorContext) => Generator<KernelCall, unknown, any>, priority?: number): void;
}

export function clockSystem(config: Partial<ClockConfig> = {}, seed = 1, traced = true): ClockSystem {
  const kernel = new Kernel({ seed });
  const records: TraceRecord[] = [];
  if (traced) kernel.trace.trace$.subscribe((r) => records.push(r));
  const clock = createClock(clockConfig(config), kernelTaskAccessOf(kernel));
  kernel.spawn({ name: 'clock', program: clock.program, priority: 0, privileges: systemPrivileges() });
  return {
    kernel, clock, records,
    spawnClient(name, body, priority = USER_Q) {
      kernel.spawn({ name, program: body, priority, privileges: systemPrivileges() });
    },
  };
}

/** sendrec a clock request and return the reply (throws on an IPC error). */
export function* call(ctx: ActorContext, msg: ClockRequest): Generator<KernelCall, Envelope<ClockReply>, any> {
  const r: Envelope<ClockReply> | number = yield sendrec(ctx.endpointOf('clock'), msg);
  if (typeof r === 'number') throw new Error(`sendrec to clock failed: ${r}`);
  return r;
}

export const MS = 1_000_000;
