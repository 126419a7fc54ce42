// A disk scheduling policy (boot script: `disk disk0 ... sched=policies/disk-aging-sstf.ts`).
// Shortest seek first, with aging: each request's seek distance is discounted by how long it
// has waited, counted in later arrivals, so a request far from a busy region is not starved.
// The interface is drivers/disk/queue.ts DiskScheduler; docs/extending.md walks through it.

interface Pending { readonly cylinder: number; readonly seq: number; readonly arrivalNs: number; readonly write: boolean }
interface Head { readonly cylinder: number; direction: 1 | -1 }

/** Cylinders forgiven per request that arrived after this one. */
const AGING_CYL_PER_ARRIVAL = 200;

export default {
  name: 'aging-sstf',
  pick(pending: readonly Pending[], head: Head): number {
    const newest = pending[pending.length - 1]!.seq;
    let best = 0;
    let bestCost = Infinity;
    pending.forEach((r, i) => {
      const cost = Math.abs(r.cylinder - head.cylinder) - AGING_CYL_PER_ARRIVAL * (newest - r.seq);
      if (cost < bestCost) { best = i; bestCost = cost; }   // ties: the earlier arrival (first seen)
    });
    return best;
  },
};
