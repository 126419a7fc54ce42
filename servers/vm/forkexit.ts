/*
 * PM's notifications (MINIX's fork.c, exit.c and exec's new memory).
 *   doFork(s, m)     VM_FORK: the child's space is a copy of the parent's; resident pages are shared
 *                    copy-on-write (both mapped read-only), swapped pages share the swap slot
 *   doExit(s, m)     VM_EXIT: free every frame and slot (do_exit, free_proc)
 *   doExec(s, m)     VM_EXEC: a fresh default space (exec's new memory)
 *   doSetcon(s, m)   VM_PM_SETCON: the process's security context, for the MAC checks
 * Only PM may send these.
 */
import { EPERM, EINVAL, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { procName } from '../../lib/getinfo.js';
import { releasePage } from './evict.js';
import { clearMap, pageEntry, writeMap, type PteEntry } from './pagetable.js';
import type { VmExec, VmExit, VmFork, VmSetcon } from './protocol.js';
import { copyRegion } from './region.js';
import { vmReply, vmTrace, type VmState } from './state.js';
import { newCounters, type VmProc } from './vmproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

const fromPm = (s: VmState, m: Envelope): boolean => m.source === s.ctx.endpointOf('pm');

export function* doFork(s: VmState, m: Envelope<VmFork>): Gen<Message | null> {
  if (!fromPm(s, m)) return vmReply(-EPERM);
  if (typeof m.parent !== 'number' || typeof m.child !== 'number') return vmReply(-EINVAL);
  const parent = s.procs.get(m.parent);
  yield* freeSpace(s, m.child);
  const child: VmProc = {
    ...s.procs.fresh(m.child, yield* procName(m.child)),
    context: parent.context,
    regions: parent.regions.map(copyRegion),
    nextMmapVpage: parent.nextMmapVpage,
    counters: newCounters(),
  };
  s.procs.set(child);
  const parentEntries: PteEntry[] = [];
  for (const [vpage, page] of parent.pages) {
    child.pages.set(vpage, { frame: page.frame, swapSlot: page.swapSlot });
    if (page.frame >= 0) s.frames.addOwner(page.frame, child.endpoint, vpage);
    if (page.swapSlot >= 0) s.swap!.ref(page.swapSlot);
  }
  // Every shared page read-only in both (pteFlags: no W on a shared frame).
  const childEntries: PteEntry[] = [];
  for (const vpage of parent.pages.keys()) {
    parentEntries.push(pageEntry(s, parent, vpage));
    childEntries.push(pageEntry(s, child, vpage));
  }
  yield* writeMap(parent.endpoint, parentEntries);
  yield* writeMap(child.endpoint, childEntries);
  vmTrace(s, 'fork', { parent: parent.name, child: child.endpoint, shared: childEntries.filter((e) => e.frame >= 0).length });
  return vmReply(0);
}

function* freeSpace(s: VmState, endpoint: number): Gen<void> {
  if (!s.procs.has(endpoint)) return;
  const vp = s.procs.get(endpoint);
  for (const vpage of [...vp.pages.keys()]) yield* releasePage(s, vp, vpage);
  s.procs.delete(endpoint);
}

export function* doExit(s: VmState, m: Envelope<VmExit>): Gen<Message | null> {
  if (!fromPm(s, m)) return vmReply(-EPERM);
  if (typeof m.endpoint !== 'number') return vmReply(-EINVAL);
  yield* freeSpace(s, m.endpoint);
  return vmReply(0);
}

export function* doExec(s: VmState, m: Envelope<VmExec>): Gen<Message | null> {
  if (!fromPm(s, m)) return vmReply(-EPERM);
  if (typeof m.endpoint !== 'number') return vmReply(-EINVAL);
  const old = s.procs.has(m.endpoint) ? s.procs.get(m.endpoint) : null;
  yield* freeSpace(s, m.endpoint);
  yield* clearMap(m.endpoint);
  const vp = s.procs.get(m.endpoint, old?.name);
  vp.context = old?.context ?? null;
  return vmReply(0);
}

export function* doSetcon(s: VmState, m: Envelope<VmSetcon>): Gen<Message | null> {
  if (!fromPm(s, m)) return vmReply(-EPERM);
  if (typeof m.endpoint !== 'number' || typeof m.context !== 'string') return vmReply(-EINVAL);
  s.procs.get(m.endpoint).context = m.context;
  return vmReply(0);
}
