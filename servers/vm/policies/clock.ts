/*
 * Clock (second chance): frames on a circle in load order; the hand skips
 * (and clears the reference bit of) each referenced frame, and evicts the
 * first unreferenced one. Uses only what an x86 MMU gives (the accessed bit).
 *   clockPolicy(frames)   the ReplacementPolicy
 */
import type { ReplacementPolicy } from './policy.js';

export function clockPolicy(frames: number): ReplacementPolicy {
  const referenced = new Uint8Array(frames);
  /** The circle: frames in the order they were loaded; the hand indexes it. */
  const ring: number[] = [];
  let hand = 0;
  return {
    name: 'clock',
    onMap(frame) {
      // A new page goes just behind the hand (the slot of the page it replaced), referenced.
      const at = ring.indexOf(frame);
      if (at < 0) ring.splice(hand, 0, frame), hand = (hand + 1) % ring.length;
      referenced[frame] = 1;
    },
    onReference(frame) { referenced[frame] = 1; },
    onFree(frame) {
      const at = ring.indexOf(frame);
      if (at < 0) return;
      ring.splice(at, 1);
      if (at < hand) hand--;
      if (hand >= ring.length) hand = 0;
      referenced[frame] = 0;
    },
    chooseVictim(candidates) {
      const allowed = new Set(candidates);
      // Two sweeps clear every bit, so a third finds a victim: the loop is bounded.
      for (let step = 0; step < 3 * ring.length + 1; step++) {
        const f = ring[hand]!;
        if (allowed.has(f)) {
          if (referenced[f] === 0) return f;
          referenced[f] = 0;
        }
        hand = (hand + 1) % ring.length;
      }
      return candidates[0]!;
    },
  };
}
