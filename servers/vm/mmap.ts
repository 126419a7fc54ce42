/*
 * The address-space calls of user processes (MINIX's break.c, mmap.c).
 *   doBrk(s, m)       VM_BRK: grow or shrink the heap by deltaBytes, in whole pages (do_brk, real_brk)
 *   doMmap(s, m)      VM_MMAP: a named anonymous private mapping above the last one (do_mmap), MAC: execmem
 *   doMprotect(s, m)  VM_MPROTECT: new rights for a region (MAC: execheap, execstack, execmem); entries rewritten
 *   doRegion(s, m)    VM_REGION: where a region is (the shell's `ref REGION` turns page numbers into addresses)
 *   doAdvise(s, m)    VM_ADVISE: the caller's coming references (the optimal policy's oracle)
 *   doInfo(s, m)      VM_INFO: the caller's counters (vmstat)
 */
import { EEXIST, EINVAL, ENOMEM, ENOENT, ENOSYS, kernelCall, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { releasePage } from './evict.js';
import { macMmap, macMprotect } from './mac.js';
import { pageEntry, writeMap } from './pagetable.js';
import {
  MAX_ADVISE_REFS, MAX_HEAP_BYTES, MAX_MAP_BYTES, MAX_REGIONS, MMAP_VADDR, STACK_TOP, protText,
  type VmAdvise, type VmBrk, type VmInfo, type VmMmap, type VmMprotect, type VmRegionQuery,
} from './protocol.js';
import { regionNamed } from './region.js';
import { vmReply, vmTrace, type VmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function* doBrk(s: VmState, m: Envelope<VmBrk>): Gen<Message | null> {
  if (!isInt(m.deltaBytes)) return vmReply(-EINVAL);
  const vp = s.procs.get(m.source);
  const heap = regionNamed(vp, 'heap')!;
  const bytes = heap.pages * s.pageSize + m.deltaBytes;
  if (bytes < 0 || bytes > MAX_HEAP_BYTES) return vmReply(-ENOMEM);
  const pages = Math.ceil(bytes / s.pageSize);
  for (let v = heap.startVpage + pages; v < heap.startVpage + heap.pages; v++) {
    yield* releasePage(s, vp, v);
    yield* writeMap(vp.endpoint, [{ vpage: v, frame: -1, flags: 0 }]);
  }
  heap.pages = pages;
  return vmReply(0, { addr: heap.startVpage * s.pageSize + bytes });
}

export function* doMmap(s: VmState, m: Envelope<VmMmap>): Gen<Message | null> {
  if (typeof m.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(m.name) || !isInt(m.bytes) || !isInt(m.prot)) return vmReply(-EINVAL);
  if (m.bytes < 1 || m.bytes > MAX_MAP_BYTES || m.prot < 0 || m.prot > 7) return vmReply(-EINVAL);
  // File mappings need VM to read a file through the FS: not built yet (docs/vm.md).
  if (m.file !== undefined) return vmReply(-ENOSYS);
  const vp = s.procs.get(m.source);
  if (regionNamed(vp, m.name) !== undefined) return vmReply(-EEXIST);
  if (vp.regions.length >= MAX_REGIONS) return vmReply(-ENOMEM);
  const pages = Math.ceil(m.bytes / s.pageSize);
  if ((vp.nextMmapVpage + pages) * s.pageSize > STACK_TOP - 16 * 1024 * 1024) return vmReply(-ENOMEM);
  const denied = yield* macMmap(s, vp, m.prot);
  if (denied < 0) return vmReply(denied);
  const startVpage = vp.nextMmapVpage;
  vp.regions.push({ name: m.name, kind: 'anon', startVpage, pages, prot: m.prot, modified: false, file: null });
  vp.nextMmapVpage += pages;
  vmTrace(s, 'mmap', { pid: vp.name, region: m.name, addr: startVpage * s.pageSize, pages, prot: protText(m.prot) });
  return vmReply(0, { addr: startVpage * s.pageSize });
}

export function* doMprotect(s: VmState, m: Envelope<VmMprotect>): Gen<Message | null> {
  if (typeof m.name !== 'string' || !isInt(m.prot) || m.prot < 0 || m.prot > 7) return vmReply(-EINVAL);
  const vp = s.procs.get(m.source);
  const region = regionNamed(vp, m.name);
  if (region === undefined) return vmReply(-ENOENT);
  const denied = yield* macMprotect(s, vp, region, m.prot);
  if (denied < 0) return vmReply(denied);
  const from = region.prot;
  region.prot = m.prot;
  // Resident pages get entries with the new rights at once (Linux's change_protection).
  const entries = [];
  for (const vpage of vp.pages.keys()) {
    if (vpage >= region.startVpage && vpage < region.startVpage + region.pages) entries.push(pageEntry(s, vp, vpage));
  }
  yield* writeMap(vp.endpoint, entries);
  vmTrace(s, 'mprotect', { pid: vp.name, region: region.name, from: protText(from), to: protText(m.prot) });
  return vmReply(0);
}

export function* doRegion(s: VmState, m: Envelope<VmRegionQuery>): Gen<Message | null> {
  if (typeof m.name !== 'string') return vmReply(-EINVAL);
  const region = regionNamed(s.procs.get(m.source), m.name);
  if (region === undefined) return vmReply(-ENOENT);
  return vmReply(0, { addr: region.startVpage * s.pageSize, bytes: region.pages * s.pageSize, pageSize: s.pageSize, prot: region.prot });
}

export function* doAdvise(s: VmState, m: Envelope<VmAdvise>): Gen<Message | null> {
  if (!Array.isArray(m.vpages) || m.vpages.length > MAX_ADVISE_REFS || !m.vpages.every(isInt)) return vmReply(-EINVAL);
  const vp = s.procs.get(m.source);
  const r = (yield kernelCall('vm_getrefs', { endpoints: [vp.endpoint] })) as { refs: readonly { frame: number; wrote: boolean }[]; counts: number[] } | number;
  if (typeof r === 'number') return vmReply(r);
  // The log was drained: the policy must still hear of those references.
  for (const ref of r.refs) {
    if (s.frames.owners(ref.frame).length === 0) continue;
    if (ref.wrote) s.frames.dirty[ref.frame] = 1;
    s.policy.onReference(ref.frame, ref.wrote);
  }
  vp.future = { base: r.counts[0] ?? 0, vpages: [...m.vpages] };
  return vmReply(0);
}

export function* doInfo(s: VmState, m: Envelope<VmInfo>): Gen<Message | null> {
  const vp = s.procs.get(m.source);
  let resident = 0;
  for (const page of vp.pages.values()) if (page.frame >= 0) resident++;
  const c = vp.counters;
  return vmReply(0, { faults: c.faults, evictions: c.evictions, swapins: c.swapins, swapouts: c.swapouts, cows: c.cows, resident });
}

export { MMAP_VADDR };
