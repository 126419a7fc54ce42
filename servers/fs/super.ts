/*
 * Mounting, as MINIX's super.c read_super. The entry points are:
 *   mountDevice(ctx, dev, config)  read and check the superblock, build the cache and tables (inodes,
 *                                  processes, filps, locks; the root device in the device table);
 *                                  a MountError names the field at fault
 *   syncAll(fs)                    write dirty inodes, then flush the cache (sync, unmount)
 *                                  read-write: the bitmaps are checked against the inode table (bitcheck.ts)
 *                                  unless config.trustBitmaps; link counts against the directory tree
 *                                  (linkcheck.ts) unless config.trustLinks
 *   remountReadOnly(fs, block, status)   a write failed for good: no more writes, EROFS from now on
 * A read-only mount (config.readOnly, MINIX `mount -r`) reads the superblock
 * and writes nothing: no superblock state, no times, no freeing of orphans;
 * its device refuses writes, so a missed check cannot reach the disk
 * (the checks themselves: state.ts checkWritable at each modifying call).
 */
import { EROFS, errnoName, SYSTEM_CHANNEL, type ActorContext, type KernelCall, type Severity } from '../../kernel/index.js';
import { checkBitmaps } from './bitcheck.js';
import { checkLinks } from './linkcheck.js';
import { BufferCache } from './cache.js';
import { DirCache } from './dircache.js';
import { readBytes, type BlockDevice } from './device.js';
import { DeviceTable, ROOT_MAJOR } from './dmap.js';
import { FilpTable } from './filp.js';
import { FprocTable } from './fproc.js';
import { InodeTable, writeDirtyInodes } from './inode.js';
import { newLabelStore } from './label.js';
import { LockTable } from './lock.js';
import { checkSuperblock, decodeSuperblock, geometryOf, NameCache, SUPER_OFFSET_BYTES } from './layout.js';
import { DEFAULT_FS_CONFIG, type FsConfig, type FsState } from './state.js';

export class MountError extends Error {
  readonly userFacing = true;
  readonly exitCode = 1;
}

/** A device that refuses every write (the backstop of a read-only mount). */
function readOnlyDevice(dev: BlockDevice, ctx: ActorContext | null): BlockDevice {
  return {
    transfer: function* (write, vector) {
      if (!write) return yield* dev.transfer(false, vector);
      ctx?.trace('error', { call: 'write', message: 'a write reached the device of a read-only mount' });
      return { status: -EROFS, done: vector.map(() => 0) };
    },
    size: () => dev.size(),
  };
}

export function* mountDevice(ctx: ActorContext | null, mountDev: BlockDevice, config: FsConfig): Generator<KernelCall, FsState, any> {
  const name = config.driver;
  const readOnly = config.readOnly === true;
  const dev = readOnly ? readOnlyDevice(mountDev, ctx) : mountDev;
  const raw = yield* readBytes(dev, SUPER_OFFSET_BYTES, 1024);
  if (typeof raw === 'number') throw new MountError(`cannot mount ${name}: reading the superblock failed (${raw})`);
  const sb = decodeSuperblock(raw);
  let sizeBytes = yield* dev.size();
  if (sizeBytes < 0) {
    // No SIZE ioctl: the image must at least hold its last zone.
    const last = yield* readBytes(dev, Math.max(0, sb.zones - 1) * sb.blockSize, 1);
    sizeBytes = typeof last === 'number' ? 0 : sb.zones * sb.blockSize;
  }
  const problems = checkSuperblock(sb, sizeBytes);
  if (problems.length > 0) throw new MountError(`cannot mount ${name}: ${problems.join('; ')}`);
  const dmap = new DeviceTable();
  dmap.register(ROOT_MAJOR, name, ctx?.endpointOf(name) ?? -1);
  const cache = new BufferCache(dev, {
    buffers: config.cacheBuffers ?? DEFAULT_FS_CONFIG.cacheBuffers,
    blockSize: sb.blockSize,
    robust: config.robust ?? DEFAULT_FS_CONFIG.robust,
    elevator: config.elevator ?? DEFAULT_FS_CONFIG.elevator,
    ctx,
    ...(config.replacement !== undefined ? { replacement: config.replacement } : {}),
  });
  const fs: FsState = {
    ctx, dev, sb, g: geometryOf(sb), cache,
    inodes: new InodeTable(config.inodeSlots ?? DEFAULT_FS_CONFIG.inodeSlots),
    readAheadBlocks: config.readAheadBlocks ?? DEFAULT_FS_CONFIG.readAheadBlocks,
    epochSec: config.epochSec ?? DEFAULT_FS_CONFIG.epochSec,
    isearch: 0,
    zsearch: 0,
    procs: new FprocTable(),
    filps: new FilpTable(config.filpSlots),
    locks: new LockTable(),
    dmap,
    labels: newLabelStore(),
    readOnly,
    names: new NameCache(),
    dirs: new DirCache(config.dirCacheDirs),
    nextPipeNr: 1,
  };
  cache.onWriteFailure = (blockNr, status) => remountReadOnly(fs, blockNr, status);
  // A read-write mount allocates: bitmaps that contradict the inode table would hand out live inodes
  // and zones, so such an image is refused (a read-only mount allocates nothing and is not checked).
  if (!readOnly && config.trustBitmaps !== true) {
    const check = yield* checkBitmaps(fs);
    if (check.problems.length > 0 || check.shared.length > 0) {
      const more = check.more > 0 ? `; and ${check.more} more` : '';
      const parts = [
        ...(check.problems.length > 0 ? [`the bitmaps contradict the inode table: ${check.problems.join('; ')}`] : []),
        ...(check.shared.length > 0 ? [`inodes share zones: ${check.shared.join('; ')}`] : []),
      ];
      throw new MountError(`cannot mount ${name}: ${parts.join('; ')}${more} `
        + '(repair the image with fsck, or mount it with `fs ... trust-bitmaps`)');
    }
    // `mount-check`, not `mount`: the mount goes on (a `mount` record says it was refused).
    if (check.stopped !== null) ctx?.trace('error', { call: 'mount-check', message: `bitmap check incomplete: ${check.stopped}` });
    fs.checkedInodeBlocks = check.inodeBlocks;
  }
  // An unlink frees an inode at its last link: a count below the number of names would free a file
  // another name still holds (and a read of a name whose count is 0 frees it at once).
  if (!readOnly && config.trustLinks !== true) {
    const links = yield* checkLinks(fs);
    if (links.problems.length > 0) {
      const more = links.more > 0 ? `; and ${links.more} more` : '';
      throw new MountError(`cannot mount ${name}: link counts contradict the directories: ${links.problems.join('; ')}${more} `
        + '(repair the image with fsck, or mount it with `fs ... trust-links`)');
    }
    if (links.stopped !== null) {
      const message = `link-count check partial (${links.directories} whole directories and ${links.entries} entries read): ${links.stopped}`;
      ctx?.trace('error', { call: 'mount-check', message });
      ctx?.print(`warning: ${message}`);
    }
  }
  return fs;
}

/**
 * ext's errors=remount-ro: a write failed for good (the cache tried it again
 * WRITE_RETRIES times), so the image on disk can no longer be kept
 * consistent. Write nothing more, so it stays as the last writes left it;
 * every later modifying call fails with EROFS. Said on the console, in the
 * system log at severity error (which makes `mksim boot` exit 1) and in the
 * trace: an `error` record with `call: 'remount-ro'`, the block and the status.
 * MINIX's FS has no such mode: it panics or goes on writing.
 */
export function remountReadOnly(fs: FsState, blockNr: number, status: number): void {
  fs.cache.stopWrites();
  if (fs.readOnly) return;
  fs.readOnly = true;
  fs.readOnlyCause = `read-only since writing block ${blockNr} failed (${errnoName(status)})`;
  fs.ctx?.trace('error', { call: 'remount-ro', block: blockNr, status, message: fs.readOnlyCause });
  const text = `writing block ${blockNr} failed (${errnoName(status)}): the file system is now read-only`;
  fs.ctx?.print(`error: ${text}`);
  fs.ctx?.log(SYSTEM_CHANNEL, text, { severity: 'error' satisfies Severity });
}

export function* syncAll(fs: FsState): Generator<KernelCall, number, any> {
  yield* writeDirtyInodes(fs);
  return yield* fs.cache.flushall();
}
