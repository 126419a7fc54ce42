/*
 * The crash points of a recording: the image a power cut after write k leaves, judged.
 *   choosePoints(writes, spec)           'all' or N points spread evenly over the writes
 *   walkCrashPoints(rec, spec, lostAt)   each chosen point classified by fsck (classifyImage); a point whose
 *                                        data check (lostAt) names lost files is damaged whatever fsck says
 *   damagedTimeNs(points, writeAtNs, endNs)   how long the image spent damaged (point k holds until the next)
 * Both crash tests (a script's, crashTest; a generated workload's, crashTestGenerated) walk their points here
 * and differ only in which data they expect to survive.
 */
import { classifyImage, type Verdict } from './classify.js';
import { applyWrites, type Recording } from './record.js';

export interface WalkedPoint {
  /** Writes that reached the image before the power failed. */
  readonly afterWrites: number;
  readonly verdict: Verdict;
  readonly reason: string | null;
  /** fsck's problems on the image as left. */
  readonly problems: readonly string[];
  /** Files the data check expected and did not read back. */
  readonly lost: readonly string[];
}

export interface WalkedPoints {
  readonly points: WalkedPoint[];
  readonly counts: Record<Verdict, number>;
  /** Points damaged by lost data. */
  readonly lostPoints: number;
}

export function choosePoints(writes: number, spec: 'all' | number): number[] {
  if (spec === 'all' || spec >= writes) return Array.from({ length: writes }, (_, i) => i + 1);
  const points = new Set<number>();
  for (let i = 1; i <= spec; i++) points.add(Math.max(1, Math.round((i * writes) / spec)));
  return [...points].sort((a, b) => a - b);
}

/**
 * Apply the recorded writes point by point (one image, written forward: each point costs only its own writes)
 * and judge each. `lostAt(image, k)` must not modify the image; `describeLost` words the reason of a data loss.
 */
export function walkCrashPoints(
  rec: Pick<Recording, 'initial' | 'writes'>,
  spec: 'all' | number,
  lostAt: (image: Uint8Array, afterWrites: number) => readonly string[],
  describeLost: (lost: readonly string[]) => string,
): WalkedPoints {
  const image = rec.initial.slice();
  let applied = 0;
  const points: WalkedPoint[] = [];
  const counts: Record<Verdict, number> = { clean: 0, repairable: 0, damaged: 0 };
  let lostPoints = 0;
  for (const k of choosePoints(rec.writes.length, spec)) {
    applyWrites(image, rec.writes, applied, k);
    applied = k;
    let { verdict, reason, problems } = classifyImage(image);
    const lost = lostAt(image, k);
    if (lost.length > 0) {
      lostPoints++;
      verdict = 'damaged';
      reason = describeLost(lost);
    }
    counts[verdict]++;
    points.push({ afterWrites: k, verdict, reason, problems, lost });
  }
  return { points, counts, lostPoints };
}

/** Sum the intervals of the damaged points: point k holds from write k until the next point (or `endNs`). */
export function damagedTimeNs(points: readonly { afterWrites: number; verdict: Verdict }[], writeAtNs: (k: number) => number, endNs: number): number {
  let total = 0;
  points.forEach((p, i) => {
    if (p.verdict !== 'damaged') return;
    const next = points[i + 1];
    total += (next === undefined ? endNs : writeAtNs(next.afterWrites)) - writeAtNs(p.afterWrites);
  });
  return total;
}
