import { describe, expect, it } from 'vitest';
import { EIO } from '../../../kernel/index.js';
import { decodeInode, decodeSuperblock, geometryOf, readU32, writeU32 } from '../../../servers/fs/layout.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { call, runFs } from './system.js';
import type { FsConfig } from '../../../servers/fs/state.js';

const BS = 1024;

/** A 2 MiB image with /a/b/ and /a/f (20 KiB: single indirect); returns the bytes and the inode numbers. */
function populated() {
  const img = formatImage({ sizeBytes: 2 << 20 });
  const { result } = runFs(img, function* () {
    const a = (yield* call({ type: 'FS_MKDIR', path: '/a', mode: 0o755 })).ino!;
    const b = (yield* call({ type: 'FS_MKDIR', path: '/a/b', mode: 0o755 })).ino!;
    const f = (yield* call({ type: 'FS_CREATE', path: '/a/f', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_WRITE', path: '/a/f', position: 0, buffer: new Uint8Array(20 * 1024).fill(7) });
    const loop = (yield* call({ type: 'FS_CREATE', path: '/a/b/loop', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_UNLINK', path: '/a/b/loop' });
    yield* call({ type: 'FS_SYNC' });
    return { a, b, f, loop };
  });
  const sb = decodeSuperblock(img.subarray(1024));
  const g = geometryOf(sb);
  const inodeOffset = (nr: number): number => g.inodeStart * BS + (nr - 1) * 64;
  return { img, ...result, sb, inodeOffset, inode: (nr: number) => decodeInode(img, inodeOffset(nr)) };
}

function statusOf(img: Uint8Array, path: string, type: 'FS_STAT' | 'FS_READ' | 'FS_UNLINK' = 'FS_STAT', config: Partial<FsConfig> = {}) {
  return runFs(img, function* () {
    const r = type === 'FS_READ'
      ? yield* call({ type, path, position: 0, buffer: new Uint8Array(64 * 1024) })
      : yield* call({ type, path } as never);
    const after = yield* call({ type: 'FS_STAT', path: '/' });
    return { status: r.status, message: r.message ?? '', afterStatus: after.status };
  }, config).result;
}

describe('corrupt images give clear errors, never a crash or a hang', () => {
  it('bad magic: mount and fsck name s_magic', () => {
    const img = formatImage({ sizeBytes: 1 << 20 });
    img[1024 + 24] = 0;
    expect(statusOf(img, '/')).toMatchObject({ status: -EIO, message: expect.stringMatching(/bad magic: s_magic is 0x4d00/) });
    expect(checkImage(img).fatal).toMatch(/s_magic/);
  });

  it('bitmap sizes beyond the image: mount and fsck name the field', () => {
    const img = formatImage({ sizeBytes: 1 << 20 });
    img[1024 + 6] = 0x88; // s_imap_blocks = 0x1388 = 5000 blocks on a 1024-block image
    img[1024 + 7] = 0x13;
    expect(statusOf(img, '/').message).toMatch(/s_imap_blocks 5000: the inode bitmap runs beyond the image/);
    expect(checkImage(img).fatal).toMatch(/s_imap_blocks 5000/);
    const img2 = formatImage({ sizeBytes: 1 << 20 });
    img2[1024 + 8] = 0xff; // s_zmap_blocks
    img2[1024 + 9] = 0x0f;
    expect(statusOf(img2, '/').message).toMatch(/s_zmap_blocks 4095/);
    const img3 = formatImage({ sizeBytes: 1 << 20 });
    writeU32(img3, 1024 + 20, 1 << 30); // s_zones
    expect(statusOf(img3, '/').message).toMatch(/s_zones 1073741824: beyond the image/);
  });

  it('an inode zone out of range: the read fails with EIO naming inode and zone, fsck --repair clears it', () => {
    const p = populated();
    writeU32(p.img, p.inodeOffset(p.f) + 24, 999_999);
    const r = statusOf(p.img, '/a/f', 'FS_READ');
    expect(r).toMatchObject({ status: -EIO, afterStatus: 0 });
    expect(r.message).toMatch(new RegExp(`inode ${p.f}: zone 999999 out of range`));
    const report = checkImage(p.img);
    expect(report.problems.join('\n')).toMatch(/zone 999999 out of range/);
    expect(checkImage(p.img, { repair: true }).unrepaired).toBe(0);
    expect(checkImage(p.img).problems).toEqual([]);
  });

  it('an indirect block pointing at itself: read and unlink fail with EIO, fsck names it, repair fixes it', () => {
    const p = populated();
    const ind = p.inode(p.f).zone[7]!;
    expect(ind).toBeGreaterThan(0);
    writeU32(p.img, ind * BS + 4, ind);
    // A read-write mount refuses the image (the file holds that zone twice: bitcheck.ts); trusted, the read path says why.
    expect(statusOf(p.img, '/a/f', 'FS_READ').message).toMatch(new RegExp(`inodes share zones: zone ${ind} is held twice by inode ${p.f}`));
    const trust = { trustBitmaps: true };
    const r = statusOf(p.img, '/a/f', 'FS_READ', trust);
    expect(r).toMatchObject({ status: -EIO, afterStatus: 0 });
    expect(r.message).toMatch(new RegExp(`indirect block ${ind} points at itself`));
    expect(statusOf(p.img, '/a/f', 'FS_UNLINK', trust)).toMatchObject({ status: -EIO, afterStatus: 0 });
    expect(checkImage(p.img).problems.join('\n')).toMatch(new RegExp(`indirect block ${ind} points at itself`));
    checkImage(p.img, { repair: true });
    expect(checkImage(p.img).problems).toEqual([]);
  });

  it('a directory loop: fsck finds it without following it; lookups through it stay bounded', () => {
    const p = populated();
    // Revive the freed entry 'loop' in /a/b, pointing back at /a.
    const bBlock = p.inode(p.b).zone[0]!;
    expect(readU32(p.img, bBlock * BS + 128)).toBe(0);
    writeU32(p.img, bBlock * BS + 128, p.a);
    const report = checkImage(p.img);
    expect(report.problems.join('\n')).toMatch(/directory loop: \/a\/b\/loop refers to directory inode \d+/);
    const deep = '/a' + '/b/loop'.repeat(500) + '/f';
    // A read-write mount refuses the image (/a has more names than links: linkcheck.ts); trusted, lookups stay bounded.
    expect(statusOf(p.img, deep).message).toMatch(new RegExp(`inode ${p.a} has i_nlinks 3 but 4 directory entries name it`));
    expect(statusOf(p.img, deep, 'FS_STAT', { trustLinks: true }).status).toBe(0);
    expect(statusOf(p.img, deep + '/b/loop'.repeat(100), 'FS_STAT', { trustLinks: true }).status).toBe(-36); // ENAMETOOLONG: the path bound
    checkImage(p.img, { repair: true });
    expect(checkImage(p.img).problems).toEqual([]);
  });

  it('fsck reports wrong link counts and bitmap bits, and repair makes the image clean', () => {
    const p = populated();
    p.img[p.inodeOffset(p.a) + 2] = 9; // i_nlinks of /a
    const zmapStart = (2 + p.sb.imapBlocks) * BS;
    p.img[zmapStart + 100] = 0xff; // zones marked used that no file uses
    const problems = checkImage(p.img).problems.join('\n');
    expect(problems).toMatch(new RegExp(`inode ${p.a}: i_nlinks is 9, counted 3`));
    expect(problems).toMatch(/is marked used but no file uses it/);
    expect(checkImage(p.img, { repair: true }).unrepaired).toBe(0);
    expect(checkImage(p.img).problems).toEqual([]);
  });
});
