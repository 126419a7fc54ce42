/*
 * The FS server's dumps for the debugger (`mksim boot --break`), offered to
 * the kernel at mount (ActorContext.offerDump, kernel/debug.ts). Read-only:
 * they run while the simulation is paused, and look without touching (no
 * get_block: a look must not move a buffer on the LRU list).
 *   offerFsDumps(ctx, fs, driver)
 *     cache          buffers, valid, dirty, held, the hit/miss counters, the LRU front
 *     geometry       the driver's name, block size, inode table start, inodes per block, first data zone
 *     block NR       a copy of block NR if a valid buffer holds it (it may be newer than the disk), else null
 *     inode NR       the in-memory inode NR (it may be newer than its block), else null
 */
import type { ActorContext } from '../../kernel/index.js';
import type { FsState } from './state.js';

const LRU_SHOWN = 16;

export function offerFsDumps(ctx: ActorContext, fs: FsState, driver: string): void {
  ctx.offerDump('cache', () => {
    let valid = 0, dirty = 0, held = 0;
    for (const b of fs.cache.bufs) {
      if (b.valid) valid++;
      if (b.dirty) dirty++;
      if (b.count > 0) held++;
    }
    const lru = fs.cache.lruOrder();
    return {
      buffers: fs.cache.bufs.length, blockSize: fs.cache.blockSize, valid, dirty, held, ...fs.cache.stats,
      freeBuffers: lru.filter((nr) => nr < 0).length,
      lruFront: lru.filter((nr) => nr >= 0).slice(0, LRU_SHOWN),
      dirtyBlocks: fs.cache.bufs.filter((b) => b.dirty).map((b) => b.blockNr).sort((a, b) => a - b).slice(0, LRU_SHOWN),
      readOnly: fs.readOnly,
    };
  });
  ctx.offerDump('geometry', () => ({
    driver,
    blockSize: fs.g.blockSize, inodeStart: fs.g.inodeStart, inodesPerBlock: fs.g.inodesPerBlock,
    ninodes: fs.sb.ninodes, firstDataZone: fs.sb.firstDataZone, zonesPerIndirect: fs.g.zonesPerIndirect,
  }));
  ctx.offerDump('block', (arg) => {
    const b = fs.cache.find(Number(arg));
    return b !== null && b.valid ? b.data.slice() : null;
  });
  ctx.offerDump('inode', (arg) => {
    const ino = fs.inodes.byNr.get(Number(arg));
    if (ino === undefined) return null;
    return { ...ino.d, zone: [...ino.d.zone], count: ino.count, dirty: ino.dirty, label: fs.labels.cache.get(ino.nr) ?? null };
  });
}
