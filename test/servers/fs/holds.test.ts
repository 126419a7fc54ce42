/*
 * Put/put discipline on error paths (issue 13, item 9): a call that fails half
 * way has put every block and inode it got, so the hold counts are back at
 * their baseline (the call table asserts it after every request; here the
 * storage layer is driven directly, as the old error path's wholesale release
 * hid these leaks).
 */
import { describe, expect, it } from 'vitest';
import { FsError } from '../../../servers/fs/errors.js';
import { getInode, putInode } from '../../../servers/fs/inode.js';
import { clearBit } from '../../../servers/fs/bitmap.js';
import { decodeInode, decodeSuperblock, geometryOf, INODE_BYTES, readU32 } from '../../../servers/fs/layout.js';
import { makeDir } from '../../../servers/fs/open.js';
import type { FsState } from '../../../servers/fs/state.js';
import { mountDevice } from '../../../servers/fs/super.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { truncateInode } from '../../../servers/fs/write.js';
import { memDevice, runSync } from './helpers.js';
import { call, runFs } from './system.js';

function mount(img: Uint8Array): FsState {
  const sb = decodeSuperblock(img.subarray(1024));
  return runSync(mountDevice(null, memDevice(img, sb.blockSize), { driver: 'disk0', trustBitmaps: true }));
}

function holds(fs: FsState): { blocks: number[]; inodes: number[] } {
  return {
    blocks: fs.cache.bufs.filter((b) => b.count > 0).map((b) => b.blockNr),
    inodes: [...fs.inodes.byNr.values()].filter((i) => i.count > i.longHolds).map((i) => i.nr),
  };
}

function failure(f: () => void): string {
  try { f(); } catch (err) { if (err instanceof FsError) return err.message; throw err; }
  return 'no error';
}

describe('a call that fails half way leaves no block or inode held', () => {
  it('truncating a file whose indirect block names a free zone (a double free) puts the indirect block', () => {
    const img = formatImage({ sizeBytes: 1 << 20 });
    const nr = runFs(img, function* () {
      const r = yield* call({ type: 'FS_CREATE', path: '/f', mode: 0o644 });
      yield* call({ type: 'FS_WRITE', path: '/f', position: 0, buffer: new Uint8Array(20 * 1024).fill(1) });
      yield* call({ type: 'FS_SYNC' });
      return r.ino!;
    }).result;
    const sb = decodeSuperblock(img.subarray(1024));
    const g = geometryOf(sb);
    const indirect = decodeInode(img, g.inodeStart * 1024 + (nr - 1) * INODE_BYTES).zone[7]!;
    const zone = readU32(img, indirect * 1024);
    clearBit(img.subarray(g.zmapStart * 1024), zone - sb.firstDataZone + 1);
    const fs = mount(img);
    const ino = runSync(getInode(fs, nr));
    expect(failure(() => runSync(truncateInode(fs, ino, 0)))).toMatch(new RegExp(`double free: zone ${zone}`));
    runSync(putInode(fs, ino));
    expect(holds(fs)).toEqual({ blocks: [], inodes: [] });
  });

  it('mkdir on a full disk puts the new inode and the parent', () => {
    const img = formatImage({ sizeBytes: 128 * 1024 });
    runFs(img, function* () {
      yield* call({ type: 'FS_CREATE', path: '/fill', mode: 0o644 });
      yield* call({ type: 'FS_WRITE', path: '/fill', position: 0, buffer: new Uint8Array(200 * 1024) });
      yield* call({ type: 'FS_SYNC' });
    });
    const fs = mount(img);
    expect(failure(() => runSync(makeDir(fs, '/d', 0o755)))).toMatch(/no free zone/);
    expect(holds(fs)).toEqual({ blocks: [], inodes: [] });
  });
});
