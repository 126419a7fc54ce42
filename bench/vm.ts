/*
 * Benchmark `vm`: page faults handled per wall second through the kernel's
 * MMU and the VM server (fault message, policy, frame zeroing, page-table
 * write, resume), beside the ipc ping-pong of the same run.
 *   vmBenchmark   { faults, faultsPerSec, messagesPerFault, ipcMsgsPerSec, faultsPerIpcMsg }
 * The workload sweeps 64 pages through 16 frames with FIFO, reading only,
 * so every reference faults and every eviction is a clean drop (no disk).
 */
import { Kernel, kernelCall, sendrec, systemPrivileges, userPrivileges } from '../kernel/index.js';
import { vmServer } from '../servers/vm/main.js';
import { fifoPolicy } from '../servers/vm/policies/fifo.js';
import { HEAP_VADDR } from '../servers/vm/protocol.js';
import { pingPong } from './ipc.js';
import type { Benchmark } from './registry.js';

const PAGE = 4096;
const PAGES = 64;
const SWEEPS = 1500;

export function faultLoop(sweeps: number): { faults: number; messages: number; wallMs: number } {
  const kernel = new Kernel({ seed: 1 });
  kernel.spawn({ name: 'vm', priority: 3, privileges: systemPrivileges(), program: vmServer({ frames: 16, pageSize: PAGE, policy: fifoPolicy, swapDriver: null }) });
  const vm = kernel.procByName('vm')!.endpoint;
  kernel.spawn({
    name: 'toucher', priority: 7, privileges: userPrivileges(),
    program: function* () {
      yield sendrec(vm, { type: 'VM_BRK', deltaBytes: PAGES * PAGE });
      for (let s = 0; s < sweeps; s++) {
        for (let p = 0; p < PAGES; p++) {
          const r = (yield kernelCall('vm_memref', { addr: HEAP_VADDR + p * PAGE, write: false })) as number;
          if (r !== 0) throw new Error(`bench vm: load returned ${r}`);
        }
      }
    },
  });
  const start = performance.now();
  kernel.run();
  const wallMs = performance.now() - start;
  return { faults: kernel.mmu.faultsTotal, messages: kernel.messagesTotal, wallMs };
}

export const vmBenchmark: Benchmark = {
  name: 'vm',
  description: `page faults per wall second: ${PAGES} pages swept through 16 frames (FIFO), ${SWEEPS} sweeps, beside the ipc ping-pong`,
  async run() {
    faultLoop(50); // warm up
    const r = faultLoop(SWEEPS);
    if (r.faults !== PAGES * SWEEPS) throw new Error(`bench vm: ${r.faults} faults, expected ${PAGES * SWEEPS}`);
    const ipc = pingPong(400_000, null);
    const faultsPerSec = Math.round(r.faults / (r.wallMs / 1000));
    const ipcMsgsPerSec = Math.round(ipc.messages / (ipc.wallMs / 1000));
    return {
      bench: 'vm', faults: r.faults, faultsPerSec,
      messagesPerFault: Math.round((r.messages / r.faults) * 100) / 100,
      ipcMsgsPerSec, faultsPerIpcMsg: Math.round((faultsPerSec / ipcMsgsPerSec) * 1000) / 1000,
    };
  },
};
