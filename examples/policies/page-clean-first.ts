// A page-replacement policy (boot script: `vm ... replacement=policies/page-clean-first.ts`).
// FIFO, clean pages first: evicting a page written since it was loaded costs a page-out to
// swap (a seek, a rotation and a transfer on a disk), evicting a clean one costs nothing.
// So evict the oldest clean page, and only when every candidate is dirty the oldest of all.
// (Linux's reclaim also prefers clean pages; the lab's swap-cost part shows why.)
// The interface is servers/vm/policies/policy.ts ReplacementPolicy; docs/extending.md walks through it.
// VM loads this file once per run, so this state starts empty for every run.

const loadedAt = new Map<number, number>();   // frame -> load order
const written = new Set<number>();            // frames whose page was stored to since its load
let loads = 0;

export default {
  name: 'clean-first',
  onMap(frame: number): void {
    loadedAt.set(frame, ++loads);
    written.delete(frame);
  },
  onReference(frame: number, write: boolean): void {
    if (write) written.add(frame);
  },
  onFree(frame: number): void {
    loadedAt.delete(frame);
    written.delete(frame);
  },
  chooseVictim(candidates: readonly number[]): number {
    const oldest = (frames: readonly number[]) => frames.reduce((a, b) => (loadedAt.get(b)! < loadedAt.get(a)! ? b : a));
    const clean = candidates.filter((f) => !written.has(f));
    return oldest(clean.length > 0 ? clean : candidates);
  },
};
