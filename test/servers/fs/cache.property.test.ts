import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockType, BufferCache, GetMode, type Buf } from '../../../servers/fs/cache.js';
import { FsError } from '../../../servers/fs/errors.js';
import { memDevice, runSync } from './helpers.js';

const BS = 1024;
const BLOCKS = 24;

function setup(buffers: number, elevator = true) {
  const dev = memDevice(new Uint8Array(BLOCKS * BS), BS);
  const cache = new BufferCache(dev, { buffers, blockSize: BS, robust: false, elevator });
  return { dev, cache };
}

type Op =
  | { kind: 'write'; block: number; value: number; oneShot: boolean; noRead: boolean }
  | { kind: 'read'; block: number; oneShot: boolean }
  | { kind: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), block: fc.nat(BLOCKS - 1), value: fc.integer({ min: 1, max: 255 }), oneShot: fc.boolean(), noRead: fc.boolean() }),
  fc.record({ kind: fc.constant('read' as const), block: fc.nat(BLOCKS - 1), oneShot: fc.boolean() }),
  fc.constant({ kind: 'flush' as const }),
);

describe('buffer cache properties', () => {
  it('never holds two buffers for one block and never loses dirty data on eviction', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 10 }), fc.array(opArb, { maxLength: 200 }), (buffers, ops) => {
      const { dev, cache } = setup(buffers);
      const model = new Uint8Array(BLOCKS);
      for (const op of ops) {
        if (op.kind === 'flush') { expect(runSync(cache.flushall())).toBe(0); continue; }
        const mode = op.kind === 'write' && op.noRead ? GetMode.NO_READ : GetMode.NORMAL;
        const b = runSync(cache.getBlock(op.block, mode));
        if (op.kind === 'write') {
          b.data.fill(op.value);
          cache.markDirty(b);
          model[op.block] = op.value;
        } else {
          expect(b.data[0]).toBe(model[op.block]);
          expect(b.data[BS - 1]).toBe(model[op.block]);
        }
        runSync(cache.putBlock(b, op.oneShot ? BlockType.FULL_DATA | BlockType.ONE_SHOT : BlockType.FULL_DATA));
        cache.check();
      }
      runSync(cache.flushall());
      for (let blk = 0; blk < BLOCKS; blk++) expect(dev.bytes[blk * BS]).toBe(model[blk]);
    }));
  });

  it('keeps the LRU list in MINIX order: hits leave it, ONE_SHOT returns to the front, others to the rear, misses take the front', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 8 }), fc.array(fc.tuple(fc.nat(BLOCKS - 1), fc.boolean()), { maxLength: 150 }), (buffers, ops) => {
      const { cache } = setup(buffers);
      const model: number[] = new Array(buffers).fill(-1);
      for (const [block, oneShot] of ops) {
        const at = model.indexOf(block);
        if (at >= 0) model.splice(at, 1); else model.shift();
        const b = runSync(cache.getBlock(block));
        runSync(cache.putBlock(b, oneShot ? BlockType.PARTIAL_DATA | BlockType.ONE_SHOT : BlockType.PARTIAL_DATA));
        if (oneShot) model.unshift(block); else model.push(block);
        expect(cache.lruOrder()).toEqual(model);
      }
    }));
  });
});

describe('buffer cache', () => {
  it('evicting a dirty buffer flushes the whole device in block order, in runs of consecutive blocks', () => {
    const { dev, cache } = setup(4);
    for (const blk of [9, 3, 4, 10]) {
      const b = runSync(cache.getBlock(blk, GetMode.NO_READ));
      cache.markDirty(b);
      runSync(cache.putBlock(b, BlockType.FULL_DATA));
    }
    dev.requests.length = 0;
    cache.stats.flushes = 0;
    const b = runSync(cache.getBlock(20));
    expect(dev.requests).toEqual([
      { write: true, blocks: [3, 4] },
      { write: true, blocks: [9, 10] },
      { write: false, blocks: [20] },
    ]);
    expect(cache.stats.flushes).toBe(1);
    runSync(cache.putBlock(b, BlockType.FULL_DATA));
  });

  it('with the elevator off writes the same blocks in pool order, unsorted', () => {
    const { dev, cache } = setup(4, false);
    for (const blk of [9, 3, 4, 10]) {
      const b = runSync(cache.getBlock(blk, GetMode.NO_READ));
      cache.markDirty(b);
      runSync(cache.putBlock(b, BlockType.FULL_DATA));
    }
    dev.requests.length = 0;
    runSync(cache.flushall());
    expect(dev.requests.flatMap((r) => r.blocks)).toEqual([9, 3, 4, 10]);
    expect(dev.requests.map((r) => r.blocks)).toEqual([[9], [3, 4], [10]]);
  });

  it('a failed write stops the batch and leaves the rest dirty; eviction of that buffer fails with EIO and keeps its data', () => {
    const { dev, cache } = setup(4);
    const held: Buf[] = [];
    for (const blk of [1, 2, 3, 4]) {
      const b = runSync(cache.getBlock(blk, GetMode.NO_READ));
      b.data.fill(blk);
      cache.markDirty(b);
      held.push(b);
    }
    for (const b of held) runSync(cache.putBlock(b, BlockType.FULL_DATA));
    dev.failWrite.add(3);
    expect(runSync(cache.flushall())).toBeLessThan(0);
    expect(held.map((b) => b.dirty)).toEqual([false, false, true, true]);
    expect(dev.bytes[1 * BS]).toBe(1);
    expect(dev.bytes[3 * BS]).toBe(0);
    // Blocks 1 and 2 are clean now; block 3 is at the front after them... evict until block 3 is the victim.
    runSync(cache.putBlock(runSync(cache.getBlock(10)), BlockType.FULL_DATA));
    runSync(cache.putBlock(runSync(cache.getBlock(11)), BlockType.FULL_DATA));
    expect(() => runSync(cache.getBlock(12))).toThrow(FsError);
    cache.check();
    expect(runSync(cache.getBlock(3)).data[0]).toBe(3);
    dev.failWrite.clear();
    expect(runSync(cache.flushall())).toBe(0);
    expect(dev.bytes[3 * BS]).toBe(3);
    expect(dev.bytes[4 * BS]).toBe(4);
  });

  it('writes metadata through at once when robust, data only on flush', () => {
    const dev = memDevice(new Uint8Array(BLOCKS * BS), BS);
    const cache = new BufferCache(dev, { buffers: 8, blockSize: BS, robust: true, elevator: true });
    const inode = runSync(cache.getBlock(2));
    cache.markDirty(inode);
    runSync(cache.putBlock(inode, BlockType.INODE));
    const data = runSync(cache.getBlock(9));
    cache.markDirty(data);
    runSync(cache.putBlock(data, BlockType.FULL_DATA));
    expect(dev.requests.filter((r) => r.write)).toEqual([{ write: true, blocks: [2] }]);
  });

  it('prefetch reads the absent blocks in one vectored request and caches them', () => {
    const { dev, cache } = setup(8);
    runSync(cache.putBlock(runSync(cache.getBlock(5)), BlockType.FULL_DATA));
    dev.requests.length = 0;
    runSync(cache.prefetch([4, 5, 6, 7]));
    expect(dev.requests).toEqual([{ write: false, blocks: [4] }, { write: false, blocks: [6, 7] }]);
    cache.check();
    dev.requests.length = 0;
    runSync(cache.putBlock(runSync(cache.getBlock(7)), BlockType.FULL_DATA));
    expect(dev.requests).toEqual([]);
  });
});
