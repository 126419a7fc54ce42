/*
 * VM's side of the page tables (MINIX's pagetable.c: pt_writemap): the
 * entries VM writes into the kernel's MMU for a process's pages.
 *   pteFlags(s, region, frame)       the rights a resident page gets: W only when the region is
 *                                    writable and the frame is not shared (copy-on-write)
 *   writeMap(s, ep, entries)          yield*: vm_setpte with a batch of { vpage, frame, flags }
 *   mapPage(s, vp, vpage)             yield*: write the entry of one page as its region and frame say
 *   clearMap(s, ep)                   yield*: drop a whole table (exit, exec)
 */
import { kernelCall, type KernelCall } from '../../kernel/index.js';
import { PTE_W, PTE_X } from '../../kernel/mmu.js';
import { PROT_EXEC, PROT_WRITE } from './protocol.js';
import { regionAt, type Region } from './region.js';
import type { VmState } from './state.js';
import type { VmProc } from './vmproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

export interface PteEntry {
  readonly vpage: number;
  readonly frame: number;
  readonly flags: number;
}

export function pteFlags(s: VmState, region: Region, frame: number): number {
  let flags = 0;
  if ((region.prot & PROT_WRITE) !== 0 && !s.frames.shared(frame)) flags |= PTE_W;
  if ((region.prot & PROT_EXEC) !== 0) flags |= PTE_X;
  return flags;
}

export function* writeMap(ep: number, entries: readonly PteEntry[]): Gen<number> {
  if (entries.length === 0) return 0;
  return (yield kernelCall('vm_setpte', { endpoint: ep, entries })) as number;
}

/** The entry of one page: its frame with the region's rights, or none (not resident, or PROT_NONE). */
export function pageEntry(s: VmState, vp: VmProc, vpage: number): PteEntry {
  const page = vp.pages.get(vpage);
  const region = regionAt(vp, vpage);
  if (page === undefined || page.frame < 0 || region === undefined || region.prot === 0) return { vpage, frame: -1, flags: 0 };
  return { vpage, frame: page.frame, flags: pteFlags(s, region, page.frame) };
}

export function* mapPage(s: VmState, vp: VmProc, vpage: number): Gen<number> {
  return yield* writeMap(vp.endpoint, [pageEntry(s, vp, vpage)]);
}

export function* clearMap(ep: number): Gen<number> {
  return (yield kernelCall('vm_setpte', { endpoint: ep, clear: true })) as number;
}
