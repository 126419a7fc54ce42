import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUILTIN_MODELS, type RotatingModel } from '../../../drivers/disk/model.js';
import { cylinderOf, overheadNs, revolutionNs, rotationNs, seekNs, transferNs } from '../../../drivers/disk/timing.js';

const hp = BUILTIN_MODELS.get('hp97560') as RotatingModel;
const ramdisk = BUILTIN_MODELS.get('ramdisk')!;
const ms = (x: number) => Math.round(x * 1e6);

describe('seek curve', () => {
  it('follows 3.24 + 0.400*sqrt(d) ms up to the knee at 383 cylinders', () => {
    expect(seekNs(hp, 1)).toBe(ms(3.24 + 0.4 * 1));
    expect(seekNs(hp, 100)).toBe(ms(3.24 + 0.4 * 10));
    expect(seekNs(hp, 383)).toBe(ms(3.24 + 0.4 * Math.sqrt(383)));
  });

  it('follows 8.00 + 0.008*d ms beyond the knee', () => {
    expect(seekNs(hp, 384)).toBe(ms(8 + 0.008 * 384));
    expect(seekNs(hp, 1961)).toBe(ms(8 + 0.008 * 1961));
  });

  it('costs nothing for no movement and is symmetric in direction', () => {
    expect(seekNs(hp, 0)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 1, max: 1961 }), (d) => seekNs(hp, -d) === seekNs(hp, d)));
  });

  it('never shortens as the distance grows (the two curves nearly meet at the knee)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1960 }), (d) => seekNs(hp, d + 1) >= seekNs(hp, d)));
  });

  it('is zero on a solid model', () => {
    expect(seekNs(ramdisk, 500)).toBe(0);
  });
});

describe('rotational position', () => {
  const spt = hp.sectorsPerTrack;
  const rev = revolutionNs(hp);
  const sectorNs = rev / spt;

  it('is zero when the sector starts under the head at that moment', () => {
    expect(rotationNs(hp, 0, 0)).toBe(0);
    // Exactly one revolution later the platter is back at phase 0 (60e9 * 72 / (4002 * 72) is not whole: use 4002 revolutions = 60 s).
    expect(rotationNs(hp, 60_000_000_000, 0)).toBe(0);
  });

  it('waits for the sector ahead, in whole sectors of time', () => {
    expect(rotationNs(hp, 0, 10)).toBe(Math.ceil(10 * sectorNs));
    // The same sector number on another track and cylinder is at the same angle.
    expect(rotationNs(hp, 0, 10 + spt * 19 * 5)).toBe(Math.ceil(10 * sectorNs));
  });

  it('wraps: a sector just passed costs almost a whole revolution', () => {
    const t = Math.ceil(5 * sectorNs) + 1; // just after sector 5 started under the head
    const wait = rotationNs(hp, t, 5);
    expect(wait).toBeGreaterThan(rev - sectorNs);
    expect(wait).toBeLessThanOrEqual(Math.ceil(rev));
    // ...and the wait lands on the sector's start, one revolution after its previous pass.
    expect(Math.abs(t + wait - (5 * sectorNs + rev))).toBeLessThanOrEqual(1);
  });

  it('always lies within one revolution and lands on the sector start', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: spt - 1 }), (t, s) => {
      const wait = rotationNs(hp, t, s);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.ceil(rev));
      // The wait is the least whole ns: one ns earlier the sector was still (just) ahead.
      if (wait > 0) expect(rotationNs(hp, t + wait - 1, s)).toBe(1);
    }));
  });
});

describe('geometry and transfer', () => {
  it('maps sectors to cylinders in LBA order (sectors, then heads, then cylinders)', () => {
    const perCyl = 19 * 72;
    expect(cylinderOf(hp, 0)).toBe(0);
    expect(cylinderOf(hp, perCyl - 1)).toBe(0);
    expect(cylinderOf(hp, perCyl)).toBe(1);
    expect(cylinderOf(hp, 100 * perCyl + 5)).toBe(100);
  });

  it('transfers a sector in 1/72 of a revolution and charges the controller overhead', () => {
    expect(transferNs(hp, 72)).toBe(Math.ceil(60e9 / 4002));
    expect(transferNs(hp, 2)).toBe(Math.ceil((2 * 60e9) / (4002 * 72)));
    expect(overheadNs(hp)).toBe(2_200_000);
  });

  it('gives the ramdisk a fixed latency and a bandwidth', () => {
    expect(overheadNs(ramdisk)).toBe(10_000);
    expect(transferNs(ramdisk, 2)).toBe(Math.ceil((1024 * 1e9) / 4e9));
    expect(rotationNs(ramdisk, 12345, 7)).toBe(0);
  });
});
