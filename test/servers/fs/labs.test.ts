/*
 * The buffer-cache and elevator labs (cli/lab/, `mksim lab buffer-cache|elevator`)
 * on the real disk driver: the tables in docs/labs/ are what the labs print
 * today, every image they leave passes fsck.minix, and the figures have the
 * shape the labs explain.
 */
import { describe, expect, it } from 'vitest';
import { bufferCacheLab, type CacheRow } from '../../../cli/lab/buffer-cache.js';
import { elevatorLab, type ElevatorRow } from '../../../cli/lab/elevator.js';
import { expectDocMatches } from '../../support/lab-docs.js';
import { expectClean } from './procs.js';

describe('labs', () => {
  it('buffer cache: the hit ratio of a skewed random-read workload grows with the cache and the run gets faster', () => {
    let images = 0;
    const result = bufferCacheLab.run({ onImage: (img) => { images++; expectClean(img); } });
    expect(images).toBe(6);
    expectDocMatches(bufferCacheLab, result);
    const rows = result.data as CacheRow[];
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.hitRatio).toBeGreaterThanOrEqual(rows[i - 1]!.hitRatio);
    expect(rows.at(-1)!.hitRatio).toBeGreaterThan(0.95);
    expect(rows.at(-1)!.readPhaseMs).toBeLessThan(rows[0]!.readPhaseMs / 3);
    expect(result.plot).toMatch(/^<svg [^>]*>[\s\S]*<polyline [^>]*points="[\d., ]+"\/>[\s\S]*<\/svg>\n$/);
  });

  it('elevator: sorting dirty blocks before a sync cuts head movement; the driver policy cannot reorder a queue of one', () => {
    const result = elevatorLab.run({ onImage: (img) => expectClean(img) });
    expectDocMatches(elevatorLab, result);
    const rows = result.data as ElevatorRow[];
    const off = rows.filter((r) => !r.elevator);
    const on = rows.filter((r) => r.elevator);
    for (const r of on) expect(r.seekCyl).toBeLessThan(off[0]!.seekCyl / 2);
    // One FS, one request at a time: every policy sees a queue of one, so they all match.
    for (const group of [off, on]) for (const r of group) expect(r.seekCyl).toBe(group[0]!.seekCyl);
    expect((result.plot.match(/<rect x=/g) ?? []).length).toBe(8 + 2);
  });
});
