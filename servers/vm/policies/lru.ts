/*
 * LRU replacement: evict the page whose last reference is oldest. Exact,
 * because mksim's MMU reports the order of references (kernel/mmu.ts); real
 * hardware gives only an accessed bit, which is why real kernels run clock.
 *   lruPolicy(frames)   the ReplacementPolicy
 */
import type { ReplacementPolicy } from './policy.js';

export function lruPolicy(frames: number): ReplacementPolicy {
  const usedAt = new Float64Array(frames).fill(Infinity);
  let clock = 0;
  return {
    name: 'lru',
    // A page just loaded counts as used now (the faulting reference itself follows).
    onMap(frame) { usedAt[frame] = ++clock; },
    onReference(frame) { usedAt[frame] = ++clock; },
    onFree(frame) { usedAt[frame] = Infinity; },
    chooseVictim(candidates) {
      let best = candidates[0]!;
      for (const f of candidates) if (usedAt[f]! < usedAt[best]!) best = f;
      return best;
    },
  };
}
