/*
 * Belady's optimal replacement (MIN): evict the page whose next use is
 * furthest in the future (never used again first). Needs the future
 * reference string (PolicyContext.nextUse), so it is an oracle for labs,
 * not a policy a kernel can run.
 *   optimalPolicy(frames)   the ReplacementPolicy
 * Ties (several pages never used again) go to the lowest frame number.
 */
import type { ReplacementPolicy } from './policy.js';

export function optimalPolicy(_frames: number): ReplacementPolicy {
  return {
    name: 'optimal',
    onMap() {},
    onReference() {},
    onFree() {},
    chooseVictim(candidates, ctx) {
      let best = candidates[0]!;
      let bestNext = ctx.nextUse(best);
      for (const f of candidates) {
        const next = ctx.nextUse(f);
        if (next > bestNext || (next === bestNext && f < best)) { best = f; bestNext = next; }
      }
      return best;
    },
  };
}
