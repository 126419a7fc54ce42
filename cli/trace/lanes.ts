/*
 * Where zero-length events go so that Perfetto does not stack them.
 *   SameInstantLanes.next(track, ns)   the lane (0, 1, ...) of the next zero-length event of a track at ns
 *   MAX_SAME_INSTANT_LANES             lanes per track; past it, events share the last lane
 * Perfetto's slice tracker (SliceTracker::MaybeCloseStack) keeps a zero-length slice
 * open under a following zero-length slice at the same timestamp ("instants stack on
 * top of each other"), so N events of one actor at one virtual instant drew an N-deep
 * staircase. The k-th such event goes to the actor's k-th lane instead: a child track
 * (protobuf) or a sibling thread (Chrome JSON) right under the actor.
 */

export const MAX_SAME_INSTANT_LANES = 16;

export class SameInstantLanes {
  /** Per track: the instant of its last zero-length event and how many it has had there. */
  private readonly atNs = new Map<number, number>();
  private readonly counts = new Map<number, number>();

  /** Records arrive in time order; an event for an instant already passed (a slice closed late) takes lane 0. */
  next(track: number, ns: number): number {
    const at = this.atNs.get(track);
    if (at !== undefined && ns < at) return 0;
    if (at !== ns) {
      this.atNs.set(track, ns);
      this.counts.set(track, 1);
      return 0;
    }
    const n = this.counts.get(track)!;
    this.counts.set(track, n + 1);
    return Math.min(n, MAX_SAME_INSTANT_LANES - 1);
  }
}
