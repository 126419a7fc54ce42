import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocBit, allocZone, BitMap, countFree, freeBit, freeZone } from '../../../servers/fs/alloc.js';
import { BufferCache } from '../../../servers/fs/cache.js';
import { FsError } from '../../../servers/fs/errors.js';
import { InodeTable } from '../../../servers/fs/inode.js';
import { decodeSuperblock, geometryOf } from '../../../servers/fs/layout.js';
import type { FsState } from '../../../servers/fs/state.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { memDevice, runSync } from './helpers.js';

function offlineFs(sizeBytes: number, inodes?: number): FsState {
  const img = formatImage({ sizeBytes, inodes });
  const sb = decodeSuperblock(img.subarray(1024));
  const dev = memDevice(img, sb.blockSize);
  return {
    ctx: null, dev, sb, g: geometryOf(sb),
    cache: new BufferCache(dev, { buffers: 8, blockSize: sb.blockSize, robust: false, elevator: true }),
    inodes: new InodeTable(16), readAheadBlocks: 0, epochSec: 0, isearch: 0, zsearch: 0, readOnly: false,
  };
}

describe('bitmap allocation properties', () => {
  it('never hands out a zone twice, frees restore the count, and every zone lies among the data zones', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(400)), { maxLength: 300 }), (ops) => {
      const fs = offlineFs(300 * 1024);
      const held = new Set<number>();
      const startFree = runSync(countFree(fs, BitMap.ZMAP));
      for (const op of ops) {
        if (op === -1 || held.size === 0) {
          let z: number;
          try {
            z = runSync(allocZone(fs, op === -1 ? 0 : fs.sb.firstDataZone + op));
          } catch (err) {
            expect((err as FsError).errno).toBe(28);
            expect(runSync(countFree(fs, BitMap.ZMAP))).toBe(0);
            continue;
          }
          expect(held.has(z)).toBe(false);
          expect(z).toBeGreaterThanOrEqual(fs.sb.firstDataZone);
          expect(z).toBeLessThan(fs.sb.zones);
          held.add(z);
        } else {
          const z = [...held][op % held.size]!;
          held.delete(z);
          runSync(freeZone(fs, z));
        }
        expect(runSync(countFree(fs, BitMap.ZMAP))).toBe(startFree - held.size);
      }
    }));
  });

  it('allocates near the hint: the first free zone at or after it', () => {
    const fs = offlineFs(1 << 20);
    const a = runSync(allocZone(fs, fs.sb.firstDataZone + 100));
    expect(a).toBe(fs.sb.firstDataZone + 100);
    expect(runSync(allocZone(fs, fs.sb.firstDataZone + 100))).toBe(fs.sb.firstDataZone + 101);
  });

  it('inode bits: no double allocation until full (0), bit 0 and the root never handed out', () => {
    const fs = offlineFs(200 * 1024, 32);
    const got = new Set<number>();
    for (;;) {
      const b = runSync(allocBit(fs, BitMap.IMAP, 0));
      if (b === 0) break;
      expect(got.has(b)).toBe(false);
      got.add(b);
    }
    expect(got.size).toBe(fs.sb.ninodes - 1);
    expect(got.has(1)).toBe(false);
  });

  it('freeing a free bit is reported as a double free, never ignored', () => {
    const fs = offlineFs(1 << 20);
    const z = runSync(allocZone(fs, 0));
    runSync(freeZone(fs, z));
    expect(() => runSync(freeZone(fs, z))).toThrow(/double free: zone \d+ is already free/);
    expect(() => runSync(freeBit(fs, BitMap.IMAP, 5))).toThrow(/double free: inode 5/);
  });
});
