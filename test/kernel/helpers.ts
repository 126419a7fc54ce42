/*
 * Test helpers: boot a tiny kernel of test actors and collect its trace.
 */
import { Kernel, systemPrivileges, type KernelConfig, type Program, type Privileges, type TraceRecord } from '../../kernel/index.js';

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
