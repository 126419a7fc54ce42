/*
 * A windowed cache hit ratio, shared by the exports' counter tracks and the HTML plot.
 *   HitWindow.add(hit)   record one lookup; returns the ratio over the last CACHE_WINDOW lookups
 *   CACHE_WINDOW         lookups the ratio covers
 */

/** Lookups the windowed cache hit ratio covers. */
export const CACHE_WINDOW = 64;

/** The hit ratio over the last CACHE_WINDOW lookups of one cache (a ring: constant memory). */
export class HitWindow {
  private readonly ring = new Uint8Array(CACHE_WINDOW);
  private next = 0;
  private size = 0;
  private hits = 0;

  add(hit: boolean): number {
    if (this.size === CACHE_WINDOW) this.hits -= this.ring[this.next]!;
    else this.size++;
    this.ring[this.next] = hit ? 1 : 0;
    if (hit) this.hits++;
    this.next = (this.next + 1) % CACHE_WINDOW;
    return this.hits / this.size;
  }
}
