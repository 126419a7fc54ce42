/*
 * System calls served by the VM server, and memory accesses, for TypeScript
 * programs and the shell: `const addr = yield* mmap(proc, 'buf', 65536, PROT_READ | PROT_WRITE)`.
 *   brk(proc, deltaBytes)            grow (shrink) the heap: the new break, or -errno
 *   mmap(proc, name, bytes, prot)    a named anonymous mapping: its address, or -errno
 *   mprotect(proc, name, prot)       new rights for a region (text, heap, stack or a mapping's name)
 *   region(proc, name)               { addr, bytes, pageSize, prot } or -errno
 *   vmstat(proc)                     this process's counters (faults, evictions, swapins, swapouts, resident)
 *   load(proc, addr, length?)        a load: the byte (or `length` bytes), or -errno (-EFAULT after SIGSEGV is caught)
 *   store(proc, addr, value|bytes)   a store: 0 or -errno
 *   ref(proc, regionName, pages, write)   touch pages of a region in order (one byte each), telling VM the
 *                                    string first (VM_ADVISE: the optimal policy's future)
 * An access to a page that is not present, or a store to a read-only one,
 * is a page fault the kernel hands to VM: the call returns when VM has mapped it.
 */
import { EINVAL, kernelCall } from '../../kernel/index.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type VmReply } from '../../servers/vm/protocol.js';
import type { SysGen, UserProcess } from '../user/process.js';

export { PROT_EXEC, PROT_READ, PROT_WRITE };

export interface RegionInfo { readonly addr: number; readonly bytes: number; readonly pageSize: number; readonly prot: number }
export interface VmStat { readonly faults: number; readonly evictions: number; readonly swapins: number; readonly swapouts: number; readonly resident: number; readonly cows: number }

function* vmCall(proc: UserProcess, msg: { type: string; [k: string]: unknown }): SysGen<VmReply | number> {
  const r = yield* proc.call('vm', msg);
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : (r as VmReply);
}

export function* brk(proc: UserProcess, deltaBytes: number): SysGen<number> {
  const r = yield* vmCall(proc, { type: 'VM_BRK', deltaBytes });
  return typeof r === 'number' ? r : (r.addr as number);
}

export function* mmap(proc: UserProcess, name: string, bytes: number, prot: number): SysGen<number> {
  const r = yield* vmCall(proc, { type: 'VM_MMAP', name, bytes, prot });
  return typeof r === 'number' ? r : (r.addr as number);
}

export function* mprotect(proc: UserProcess, name: string, prot: number): SysGen<number> {
  const r = yield* vmCall(proc, { type: 'VM_MPROTECT', name, prot });
  return typeof r === 'number' ? r : 0;
}

export function* region(proc: UserProcess, name: string): SysGen<RegionInfo | number> {
  const r = yield* vmCall(proc, { type: 'VM_REGION', name });
  if (typeof r === 'number') return r;
  return { addr: r.addr as number, bytes: r.bytes as number, pageSize: r.pageSize as number, prot: r.prot as number };
}

export function* vmstat(proc: UserProcess): SysGen<VmStat | number> {
  const r = yield* vmCall(proc, { type: 'VM_INFO' });
  if (typeof r === 'number') return r;
  const n = (k: string) => (typeof r[k] === 'number' ? r[k] as number : 0);
  return { faults: n('faults'), evictions: n('evictions'), swapins: n('swapins'), swapouts: n('swapouts'), resident: n('resident'), cows: n('cows') };
}

export function* load(proc: UserProcess, addr: number, length?: number): SysGen<number | Uint8Array> {
  const r = (yield kernelCall('vm_memref', { addr, write: false, ...(length !== undefined ? { length } : {}) })) as number | Uint8Array;
  yield* proc.deliverSignals();
  return r;
}

export function* store(proc: UserProcess, addr: number, value: number | Uint8Array): SysGen<number> {
  const r = (yield kernelCall('vm_memref', typeof value === 'number' ? { addr, write: true, value } : { addr, write: true, data: value })) as number;
  yield* proc.deliverSignals();
  return r;
}

export function* ref(proc: UserProcess, regionName: string, pages: readonly number[], write: boolean): SysGen<number> {
  const where = yield* region(proc, regionName);
  if (typeof where === 'number') return where;
  // A page outside the region is still referenced: the fault is VM's to judge (SIGSEGV).
  const vpages = pages.map((p) => where.addr / where.pageSize + p);
  if (pages.some((p) => !Number.isSafeInteger(p) || p < 0)) return -EINVAL;
  const advised = yield* vmCall(proc, { type: 'VM_ADVISE', vpages });
  if (typeof advised === 'number') return advised;
  for (const vpage of vpages) {
    const addr = vpage * where.pageSize;
    const r = write ? yield* store(proc, addr, vpage & 0xff) : yield* load(proc, addr);
    if (typeof r === 'number' && r < 0) return r;
  }
  return 0;
}
