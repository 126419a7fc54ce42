/*
 * Allocation never trusts a corrupt bitmap (issue 13, item 7): a mount refuses
 * an image whose bitmaps contradict its inode table, naming the inode or zone,
 * unless told to trust them; and allocation never hands out an inode whose
 * on-disk mode is non-zero or a zone an inode in the table holds.
 */
import { describe, expect, it } from 'vitest';
import { EIO } from '../../../kernel/index.js';
import { clearBit } from '../../../servers/fs/bitmap.js';
import { decodeInode, decodeSuperblock, encodeInode, geometryOf, INODE_BYTES } from '../../../servers/fs/layout.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { call, runFs } from './system.js';
import { expectClean } from './procs.js';

const BS = 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** /keep (3 blocks of 'k') and /other, synced; the bytes, inode numbers and the map of /keep. */
function populated() {
  const img = formatImage({ sizeBytes: 1 << 20 });
  const { result } = runFs(img, function* () {
    const keep = (yield* call({ type: 'FS_CREATE', path: '/keep', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_WRITE', path: '/keep', position: 0, buffer: new Uint8Array(3 * BS).fill(107) });
    const other = (yield* call({ type: 'FS_CREATE', path: '/other', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_SYNC' });
    return { keep, other };
  });
  const sb = decodeSuperblock(img.subarray(1024));
  const g = geometryOf(sb);
  const keepInode = decodeInode(img, g.inodeStart * BS + (result.keep - 1) * INODE_BYTES);
  return { img, sb, g, ...result, keepZone: keepInode.zone[0]! };
}

/** Clear inode nr's bit, or zone z's bit, in the image's bitmaps. */
function clearInodeBit(p: ReturnType<typeof populated>, nr: number): void {
  clearBit(p.img.subarray(p.g.imapStart * BS), nr);
}
function clearZoneBit(p: ReturnType<typeof populated>, zone: number): void {
  clearBit(p.img.subarray(p.g.zmapStart * BS), zone - p.sb.firstDataZone + 1);
}

/** Make /new and write 4 blocks to it (taking inodes and zones); read /keep back. */
function* useAndRead(touchFirst: boolean) {
  if (touchFirst) yield* call({ type: 'FS_STAT', path: '/keep' });
  const create = yield* call({ type: 'FS_CREATE', path: '/new', mode: 0o644 });
  const write = yield* call({ type: 'FS_WRITE', path: '/new', position: 0, buffer: new Uint8Array(4 * BS).fill(110) });
  const buf = new Uint8Array(3 * BS);
  const read = yield* call({ type: 'FS_READ', path: '/keep', position: 0, buffer: buf });
  yield* call({ type: 'FS_SYNC' });
  return { create: create.status, createMessage: create.message ?? '', ino: create.ino, write: write.status, read: read.status, keep: buf };
}

describe('allocation never trusts a corrupt bitmap', () => {
  it('a live inode free in the inode bitmap: the mount refuses the image and names the inode', () => {
    const p = populated();
    clearInodeBit(p, p.keep);
    const { result } = runFs(p.img, useAndRead.bind(null, false));
    expect(result.create).toBe(-EIO);
    expect(result.createMessage).toMatch(new RegExp(`the bitmaps contradict the inode table: inode ${p.keep} is in use \\(mode 0o100644\\) but free in the inode bitmap`));
    expect(result.createMessage).toMatch(/trust-bitmaps/);
  });

  it('a live zone free in the zone bitmap: the mount refuses the image and names the zone and its inode', () => {
    const p = populated();
    clearZoneBit(p, p.keepZone);
    const { result } = runFs(p.img, useAndRead.bind(null, false));
    expect(result.createMessage).toMatch(new RegExp(`zone ${p.keepZone} \\(inode ${p.keep}\\) is in use but free in the zone bitmap`));
  });

  it('two inodes holding one zone (a corrupt pointer, the fuzzer\'s seeds 20260352, 20260682, 20260939): refused, naming both; a write would overwrite the other file', () => {
    const p = populated();
    const offset = p.g.inodeStart * BS + (p.other - 1) * INODE_BYTES;
    const other = decodeInode(p.img, offset);
    other.zone[0] = p.keepZone;
    other.size = BS;
    encodeInode(other, p.img, offset);
    const before = p.img.slice();
    const { result } = runFs(p.img, function* () {
      const write = yield* call({ type: 'FS_WRITE', path: '/other', position: 0, buffer: new Uint8Array(BS).fill(111) });
      yield* call({ type: 'FS_SYNC' });
      return { status: write.status, message: write.message ?? '' };
    });
    expect(result.status).toBe(-EIO);
    expect(result.message).toContain(`inodes share zones: zone ${p.keepZone} is held by inode ${p.keep} and by inode ${p.other}`);
    expect(Buffer.from(p.img).equals(Buffer.from(before))).toBe(true);
    expect(dec.decode(p.img.subarray(p.keepZone * BS, (p.keepZone + 1) * BS))).toBe('k'.repeat(BS));
  });

  it('trusted anyway: a new file never gets the live inode, and the bitmap is mended', () => {
    const p = populated();
    clearInodeBit(p, p.keep);
    const { result, records } = runFs(p.img, useAndRead.bind(null, false), { trustBitmaps: true }, true);
    expect(result).toMatchObject({ create: 0, write: 4 * BS, read: 3 * BS });
    expect(result.ino).not.toBe(p.keep);
    expect(dec.decode(result.keep)).toBe('k'.repeat(3 * BS));
    expect(records.some((r) => r.ev === 'error' && String(r.message).includes(`inode ${p.keep} is in use`))).toBe(true);
    expectClean(p.img);
  });

  it('trusted anyway: a new file never gets a zone an inode in the table holds', () => {
    const p = populated();
    clearZoneBit(p, p.keepZone);
    const { result } = runFs(p.img, useAndRead.bind(null, true), { trustBitmaps: true });
    expect(result).toMatchObject({ create: 0, write: 4 * BS, read: 3 * BS });
    expect(dec.decode(result.keep)).toBe('k'.repeat(3 * BS));
    expectClean(p.img);
  });

  it('a clean image mounts and a full one still says ENOSPC (no endless search)', () => {
    const img = formatImage({ sizeBytes: 128 * 1024 });
    const { result } = runFs(img, function* () {
      yield* call({ type: 'FS_CREATE', path: '/f', mode: 0o644 });
      return (yield* call({ type: 'FS_WRITE', path: '/f', position: 0, buffer: enc.encode('x'.repeat(200 * BS)) })).status;
    });
    expect(result).toBeGreaterThan(0);
    expect(result).toBeLessThan(200 * BS);
    expectClean(img);
  });
});
