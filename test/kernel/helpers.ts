/*
 * Test helpers: boot a tiny kernel of test actors and collect its trace.
 *   testSystem(config)        a kernel with a trace collector and spawn/ep shorthands
 *   messages(records, ev)     message records as "src->dst:type"
 *   danglingIpcRefs(kernel)   what dead processes left in the live ones' IPC state
 */
import { ANY, HARDWARE, Kernel, MAX_SLOTS, NONE, systemPrivileges, type KernelConfig, type Program, type Privileges, type TraceRecord } from '../../kernel/index.js';
import { blockedOn, RTS_SENDING } from '../../kernel/proc.js';

export interface TestSystem {
  kernel: Kernel;
  records: TraceRecord[];
  spawn(name: string, program: Program, priority?: number, privileges?: Privileges): number;
  ep(name: string): number;
}

export function testSystem(config: Partial<KernelConfig> = {}): TestSystem {
  const kernel = new Kernel({ seed: 1, ...config });
  const records: TraceRecord[] = [];
  kernel.trace.trace$.subscribe((r) => records.push(r));
  return {
    kernel,
    records,
    spawn: (name, program, priority = 4, privileges = systemPrivileges()) =>
      kernel.spawn({ name, program, priority, privileges }).endpoint,
    ep: (name) => kernel.procByName(name)!.endpoint,
  };
}

/** Message records of one kind, as "src->dst:type". */
export function messages(records: TraceRecord[], ev: string): string[] {
  return records.filter((r) => r.ev === ev).map((r) => `${r.src}->${r.dst}:${r.type}`);
}

/**
 * What a dead process left behind in the live processes' IPC state (empty when
 * clearEndpoint did its work): a caller queue holding a process that is not
 * sending to its owner, a process blocked on an endpoint nobody holds, a
 * notification pending from an empty slot, a senda message from a dead sender.
 */
export function danglingIpcRefs(kernel: Kernel): string[] {
  const problems: string[] = [];
  const live = kernel.processes();
  const liveSlots = new Set(live.map((p) => p.slot));
  for (const p of live) {
    for (let s = p.callerHead, n = 0; s !== null && n <= kernel.maxProcs; s = s.nextCaller, n++) {
      if (!s.alive || (s.rtsFlags & RTS_SENDING) === 0 || s.sendTo !== p.endpoint) problems.push(`${p.name}: caller queue holds ${s.name}`);
    }
    const on = blockedOn(p);
    if (on !== NONE && on !== ANY && on !== HARDWARE && kernel.procOf(on) === null) problems.push(`${p.name}: blocked on dead endpoint ${on}`);
    for (let slot = 1; slot < MAX_SLOTS; slot++) {
      const pending = (p.notifyPending[slot >>> 5]! & (1 << (slot & 31))) !== 0;
      if (pending && !liveSlots.has(slot)) problems.push(`${p.name}: notification pending from empty slot ${slot}`);
    }
    for (const slot of [...(p.notifyBits?.keys() ?? []), ...(p.notifyIds?.keys() ?? []), ...(p.notifyCauses?.keys() ?? [])]) {
      if (slot !== 0 && !liveSlots.has(slot)) problems.push(`${p.name}: notify bookkeeping for empty slot ${slot}`);
    }
    for (let a = p.asyncHead; a !== null; a = a.next) {
      if (!a.source.alive) problems.push(`${p.name}: senda from dead ${a.source.name}`);
    }
  }
  return problems;
}
