/*
 * The timeline viewer's overview: the whole trace's message count per time bucket,
 * counted at export in one pass with a bounded number of buckets.
 *   Density          add(tNs) per message, result() -> { bucketNs, counts }
 * The trace's length is not known in advance: buckets start at 1 µs and double in
 * width (adjacent pairs merged) whenever time runs past the last one, so there are
 * at most DENSITY_BUCKETS whatever the trace's length.
 */

export const DENSITY_BUCKETS = 1024;

export interface DensityMeta {
  readonly bucketNs: number;
  readonly counts: number[];
}

export class Density {
  private bucketNs = 1000;
  private readonly counts = new Float64Array(DENSITY_BUCKETS);
  private used = 0;

  add(tNs: number): void {
    let b = Math.floor(tNs / this.bucketNs);
    while (b >= DENSITY_BUCKETS) {
      for (let i = 0; i < DENSITY_BUCKETS / 2; i++) this.counts[i] = this.counts[2 * i]! + this.counts[2 * i + 1]!;
      this.counts.fill(0, DENSITY_BUCKETS / 2);
      this.bucketNs *= 2;
      b = Math.floor(tNs / this.bucketNs);
    }
    this.counts[b] = this.counts[b]! + 1;
    this.used = Math.max(this.used, b + 1);
  }

  result(): DensityMeta {
    return { bucketNs: this.bucketNs, counts: Array.from(this.counts.subarray(0, this.used)) };
  }
}
