/*
 * A reference string run through a policy with no kernel around it: the
 * textbook exercise, used by the tests (hand-computed counts, the optimal
 * property) and checked against the VM server's own counts on a boot.
 *   countFaults(factory, refs, frames)  -> { faults, evictions }
 * It drives the policy exactly as VM does: onReference for each hit, and on
 * a miss chooseVictim (when full), onFree, onMap, then onReference.
 */
import type { PolicyFactory } from './policy.js';

export function countFaults(factory: PolicyFactory, refs: readonly number[], frames: number): { faults: number; evictions: number } {
  if (!(Number.isSafeInteger(frames) && frames >= 1)) throw new RangeError(`frames ${frames}: at least 1`);
  const policy = factory(frames);
  const pageIn = new Map<number, number>(); // page -> frame
  const frameHolds: (number | null)[] = new Array(frames).fill(null);
  let faults = 0, evictions = 0;
  let pos = 0;
  const ctx = {
    nowNs: 0,
    nextUse(frame: number): number {
      const page = frameHolds[frame];
      for (let i = pos + 1; i < refs.length; i++) if (refs[i] === page) return i - pos;
      return Infinity;
    },
  };
  for (pos = 0; pos < refs.length; pos++) {
    const page = refs[pos]!;
    let frame = pageIn.get(page);
    if (frame === undefined) {
      faults++;
      frame = frameHolds.indexOf(null);
      if (frame < 0) {
        const candidates = frameHolds.map((_, f) => f);
        frame = policy.chooseVictim(candidates, ctx);
        pageIn.delete(frameHolds[frame]!);
        policy.onFree(frame);
        evictions++;
      }
      frameHolds[frame] = page;
      pageIn.set(page, frame);
      policy.onMap(frame, ctx);
    }
    policy.onReference(frame, false);
  }
  return { faults, evictions };
}
