/*
 * FIFO replacement: evict the page loaded longest ago, whatever its use
 * (the policy that shows Belady's anomaly).
 *   fifoPolicy(frames)   the ReplacementPolicy
 */
import type { ReplacementPolicy } from './policy.js';

export function fifoPolicy(frames: number): ReplacementPolicy {
  // Load order: loadedAt[frame] = the load counter when its page came in.
  const loadedAt = new Float64Array(frames).fill(Infinity);
  let loads = 0;
  return {
    name: 'fifo',
    onMap(frame) { loadedAt[frame] = ++loads; },
    onReference() {},
    onFree(frame) { loadedAt[frame] = Infinity; },
    chooseVictim(candidates) {
      let best = candidates[0]!;
      for (const f of candidates) if (loadedAt[f]! < loadedAt[best]!) best = f;
      return best;
    },
  };
}
