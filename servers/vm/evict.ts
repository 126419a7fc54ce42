/*
 * Getting a frame when none is free: ask the policy for a victim and evict
 * it, saving its contents to swap when they cannot be had again otherwise.
 *   allocFrame(s, pinned?)  yield*: a free frame (evicting one, never `pinned`, if needed), or -ENOMEM
 *   syncRefs(s)         yield*: feed the policy the references the MMU saw since the last call (vm_getrefs)
 *   releasePage(s, vp, vpage)  yield*: drop a page's frame and swap slot (exit, exec, shrink)
 * A victim is written to swap when it is dirty (stored to, or a copy-on-write
 * copy, since it was loaded); a clean page is dropped: a zero-fill page comes back as zeros, a text or file page from
 * its file, a swapped-in page from the copy still in swap. Without swap,
 * only clean frames may be chosen; none left is -ENOMEM (Linux would OOM-kill).
 */
import { ENOMEM, kernelCall, type KernelCall } from '../../kernel/index.js';
import type { FrameRef } from '../../kernel/mmu.js';
import type { PolicyContext } from './policies/policy.js';
import { writeMap } from './pagetable.js';
import { swapWrite } from './swap.js';
import { vmTrace, type VmState } from './state.js';
import type { VmProc } from './vmproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** Reference counts of the processes with a future string, by endpoint (optimal's positions). */
type Positions = ReadonlyMap<number, number>;

export function* syncRefs(s: VmState, endpoints: readonly number[] = []): Gen<Positions> {
  const r = (yield kernelCall('vm_getrefs', { endpoints })) as { refs: readonly FrameRef[]; counts: readonly number[] } | number;
  const positions = new Map<number, number>();
  if (typeof r === 'number') return positions;
  for (const ref of r.refs) {
    if (s.frames.owners(ref.frame).length === 0) continue;
    if (ref.wrote) s.frames.dirty[ref.frame] = 1;
    s.policy.onReference(ref.frame, ref.wrote);
  }
  endpoints.forEach((ep, i) => positions.set(ep, r.counts[i] ?? -1));
  return positions;
}

export function policyContext(s: VmState, positions: Positions): PolicyContext {
  return {
    nowNs: s.ctx.nowNs(),
    nextUse(frame: number): number {
      let best = Infinity;
      for (const o of s.frames.owners(frame)) {
        const vp = s.procs.has(o.endpoint) ? s.procs.get(o.endpoint) : undefined;
        const future = vp?.future;
        const at = positions.get(o.endpoint);
        if (future == null || at === undefined || at < 0) continue;
        for (let i = Math.max(0, at - future.base); i < future.vpages.length; i++) {
          if (future.vpages[i] === o.vpage) { best = Math.min(best, i - (at - future.base)); break; }
        }
      }
      return best;
    },
  };
}

export function* allocFrame(s: VmState, pinned = -1): Gen<number> {
  // References first, always: a frame freed by an exit may still have its old page's in the MMU's log.
  const withFuture = s.procs.all().filter((vp) => vp.future !== null).map((vp) => vp.endpoint);
  const positions = yield* syncRefs(s, withFuture);
  const free = s.frames.take();
  if (free >= 0) return free;
  let candidates = s.frames.inUse().filter((f) => f !== pinned);
  if (s.swap === null) candidates = candidates.filter((f) => !mustSave(s, f));
  if (candidates.length === 0) return -ENOMEM;
  const victim = s.policy.chooseVictim(candidates, policyContext(s, positions));
  if (!candidates.includes(victim)) throw new Error(`policy ${s.policy.name} chose frame ${victim}, not a candidate`);
  const r = yield* evictFrame(s, victim);
  if (r < 0) return r;
  const frame = s.frames.take();
  if (frame < 0) throw new Error('evicted frame not free');
  return frame;
}

/** Its contents exist nowhere else: written since loaded, or never saved and not zero/file-backed. */
function mustSave(s: VmState, frame: number): boolean {
  return s.frames.dirty[frame] === 1;
}

function* evictFrame(s: VmState, frame: number): Gen<number> {
  const owners = [...s.frames.owners(frame)];
  let slot = -1;
  const first = s.procs.get(owners[0]!.endpoint);
  if (mustSave(s, frame)) {
    const swap = s.swap!;
    const bytes = (yield kernelCall('vm_frameread', { frame })) as Uint8Array | number;
    if (typeof bytes === 'number') return bytes;
    slot = swap.alloc();
    if (slot < 0) return -ENOMEM;
    const r = yield* swapWrite(swap, slot, bytes);
    if (r < 0) { swap.unref(slot); return r; }
    first.counters.swapouts++;
    vmTrace(s, 'swapout', { pid: first.name, vpage: owners[0]!.vpage, frame, slot });
    for (let i = 1; i < owners.length; i++) swap.ref(slot);
  }
  for (const o of owners) {
    const vp = s.procs.get(o.endpoint);
    const page = vp.pages.get(o.vpage)!;
    if (slot >= 0) {
      // The page's old copy in swap is stale now.
      if (page.swapSlot >= 0) s.swap!.unref(page.swapSlot);
      page.swapSlot = slot;
    }
    page.frame = -1;
    s.frames.removeOwner(frame, o.endpoint, o.vpage);
    yield* writeMap(o.endpoint, [{ vpage: o.vpage, frame: -1, flags: 0 }]);
  }
  s.policy.onFree(frame);
  first.counters.evictions++;
  vmTrace(s, 'evict', { pid: first.name, vpage: owners[0]!.vpage, frame, saved: slot >= 0 });
  return 0;
}

export function* releasePage(s: VmState, vp: VmProc, vpage: number): Gen<void> {
  const page = vp.pages.get(vpage);
  if (page === undefined) return;
  if (page.frame >= 0 && s.frames.removeOwner(page.frame, vp.endpoint, vpage)) s.policy.onFree(page.frame);
  if (page.swapSlot >= 0) s.swap?.unref(page.swapSlot);
  vp.pages.delete(vpage);
}
