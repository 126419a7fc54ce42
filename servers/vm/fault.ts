/*
 * Page faults (MINIX's pagefaults.c and region.c).
 *   doPagefaults(s, m)   VM_PAGEFAULT from the kernel: handle_pagefault: a bad address or a store to a
 *                        read-only region is SIGSEGV; otherwise map_pf, then let the process go on
 *   mapPf(s, vp, region, vpage, write)   yield*: make the page present (zero-fill, file, swap-in) and,
 *                        for a store to a shared frame, give the writer its own copy (copy-on-write)
 *   killSegv(s, vp, why) yield*: SIGSEGV through PM (VM_SIGNAL; MINIX's VM calls sys_kill), fault cleared failed
 */
import { EFAULT, kernelCall, senda, SIGSEGV, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { PageFaultMessage } from '../../kernel/mmu.js';
import { allocFrame } from './evict.js';
import { mapPage } from './pagetable.js';
import { PROT_WRITE, protText, type VmSignal } from './protocol.js';
import { regionAt, type Region } from './region.js';
import { swapRead } from './swap.js';
import { vmTrace, type VmState } from './state.js';
import type { VmProc } from './vmproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* doPagefaults(s: VmState, m: Envelope<PageFaultMessage>): Gen<Message | null> {
  // Only the kernel sends these, on the faulting process's behalf (the source is that process).
  if (m.endpoint !== m.source) return null;
  const vp = s.procs.get(m.endpoint);
  const vpage = Math.floor(m.addr / s.pageSize);
  vp.counters.faults++;
  const region = regionAt(vp, vpage);
  vmTrace(s, 'fault', { pid: vp.name, addr: m.addr, vpage, write: m.write, region: region?.name ?? null });
  if (region === undefined || region.prot === 0) { yield* killSegv(s, vp, `bad address 0x${m.addr.toString(16)}`); return null; }
  if (m.write && (region.prot & PROT_WRITE) === 0) { yield* killSegv(s, vp, `store to ${region.name} (${protText(region.prot)})`); return null; }
  const r = yield* mapPf(s, vp, region, vpage, m.write);
  if (r < 0) { yield* killSegv(s, vp, `pagefault not handled (${r})`); return null; }
  yield kernelCall('vm_clearpf', { endpoint: vp.endpoint, status: 0 });
  return null;
}

export function* mapPf(s: VmState, vp: VmProc, region: Region, vpage: number, write: boolean): Gen<number> {
  let page = vp.pages.get(vpage);
  if (page === undefined) { page = { frame: -1, swapSlot: -1 }; vp.pages.set(vpage, page); }
  if (page.frame >= 0) {
    if (write && s.frames.shared(page.frame)) {
      // Copy-on-write: the writer gets a copy; the others keep the frame (read-only while still shared).
      const old = page.frame;
      // The frame being copied must not be the victim.
      const frame = yield* allocFrame(s, old);
      if (frame < 0) return frame;
      yield kernelCall('vm_framecopy', { src: old, dst: frame });
      s.frames.removeOwner(old, vp.endpoint, vpage);
      s.frames.addOwner(frame, vp.endpoint, vpage);
      s.frames.dirty[frame] = 1;
      page.frame = frame;
      if (page.swapSlot >= 0) { s.swap?.unref(page.swapSlot); page.swapSlot = -1; }
      s.policy.onMap(frame, { nowNs: s.ctx.nowNs(), nextUse: () => Infinity });
      vp.counters.cows++;
      vmTrace(s, 'cow', { pid: vp.name, vpage, from: old, frame });
      // The last sharer, if one is left alone, may write again without a fault.
      const others = s.frames.owners(old);
      if (others.length === 1) yield* mapPage(s, s.procs.get(others[0]!.endpoint), others[0]!.vpage);
    }
    return yield* mapPage(s, vp, vpage);
  }
  const frame = yield* allocFrame(s);
  if (frame < 0) return frame;
  if (page.swapSlot >= 0 && s.swap !== null) {
    const bytes = yield* swapRead(s.swap, page.swapSlot);
    if (typeof bytes === 'number') { s.frames.giveBack(frame); return bytes; }
    yield kernelCall('vm_framewrite', { frame, bytes });
    vp.counters.swapins++;
    vmTrace(s, 'swapin', { pid: vp.name, vpage, frame, slot: page.swapSlot });
    // Shared with another process's page (a COW page swapped out once): this copy is private now.
    if (s.swap.refCount(page.swapSlot) > 1) { s.swap.unref(page.swapSlot); page.swapSlot = -1; s.frames.dirty[frame] = 1; }
  } else if (region.file !== null) {
    const bytes = new Uint8Array(s.pageSize);
    const from = (vpage - region.startVpage) * s.pageSize;
    bytes.set(region.file.bytes.subarray(from, from + s.pageSize));
    yield kernelCall('vm_framewrite', { frame, bytes });
  } else {
    yield kernelCall('vm_framezero', { frame });
  }
  page.frame = frame;
  s.frames.addOwner(frame, vp.endpoint, vpage);
  s.policy.onMap(frame, { nowNs: s.ctx.nowNs(), nextUse: () => Infinity });
  vmTrace(s, 'map', { pid: vp.name, vpage, frame, region: region.name });
  return yield* mapPage(s, vp, vpage);
}

export function* killSegv(s: VmState, vp: VmProc, why: string): Gen<void> {
  vmTrace(s, 'segv', { pid: vp.name, why });
  const signal: VmSignal = { type: 'VM_SIGNAL', endpoint: vp.endpoint, signal: SIGSEGV };
  yield senda(s.ctx.endpointOf('pm'), signal);
  // The access fails if the process survives the signal (caught or ignored).
  yield kernelCall('vm_clearpf', { endpoint: vp.endpoint, status: -EFAULT });
}
