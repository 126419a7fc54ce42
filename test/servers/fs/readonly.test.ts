/*
 * Read-only mounts (MINIX mount -r, s_rd_only): every modifying call fails
 * with EROFS, reads work, an inode with i_nlinks 0 is left alone, and not a
 * byte of the image changes; the boot script's `fs ... readonly`; a driver
 * that opened its image O_RDONLY refuses writes with EROFS.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareOf, Kernel, EROFS, sendrec, systemPrivileges, userPrivileges, type Envelope } from '../../../kernel/index.js';
import { diskDriver } from '../../../drivers/disk/main.js';
import { fsServer } from '../../../servers/fs/main.js';
import { decodeInode, decodeSuperblock, encodeInode, geometryOf } from '../../../servers/fs/layout.js';
import type { FsReply, FsRequest } from '../../../servers/fs/protocol.js';
import { O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, O_CREAT } from '../../../servers/fs/protocol.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { bootScript } from '../../../cli/commands/boot.js';
import { call, runFs } from './system.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** /f (with data), /d/ and /orphan, whose on-disk i_nlinks is 0. */
function populated(): { img: Uint8Array; orphan: number } {
  const img = formatImage({ sizeBytes: 1 << 20 });
  const orphan = runFs(img, function* () {
    yield* call({ type: 'FS_CREATE', path: '/f', mode: 0o644 });
    yield* call({ type: 'FS_WRITE', path: '/f', position: 0, buffer: text('hello\n') });
    yield* call({ type: 'FS_MKDIR', path: '/d', mode: 0o755 });
    const nr = (yield* call({ type: 'FS_CREATE', path: '/orphan', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_WRITE', path: '/orphan', position: 0, buffer: new Uint8Array(5000).fill(9) });
    yield* call({ type: 'FS_SYNC' });
    return nr;
  }).result;
  const g = geometryOf(decodeSuperblock(img.subarray(1024)));
  const offset = g.inodeStart * g.blockSize + (orphan - 1) * 64;
  const ino = decodeInode(img, offset);
  ino.nlinks = 0;
  encodeInode(ino, img, offset);
  return { img, orphan };
}

describe('a read-only mount', () => {
  it('fails every modifying call with EROFS, serves reads, and writes not a byte (the orphan stays)', () => {
    const { img } = populated();
    const before = img.slice();
    const { result } = runFs(img, function* () {
      const modifying: FsRequest[] = [
        { type: 'FS_CREATE', path: '/new', mode: 0o644 },
        { type: 'FS_CREATE', path: '/f', mode: 0o644, truncate: true },
        { type: 'FS_MKDIR', path: '/d/e', mode: 0o755 },
        { type: 'FS_WRITE', path: '/f', position: 0, buffer: text('x') },
        { type: 'FS_TRUNCATE', path: '/f', length: 0 },
        { type: 'FS_UNLINK', path: '/f' },
        { type: 'FS_RMDIR', path: '/d' },
        { type: 'FS_LINK', path: '/f', path2: '/g' },
        { type: 'FS_RENAME', path: '/f', path2: '/g' },
        { type: 'FS_SYMLINK', target: '/f', path: '/s' },
        { type: 'FS_CHMOD', path: '/f', mode: 0o600 },
        { type: 'FS_CHOWN', path: '/f', uid: 5, gid: 5 },
        { type: 'FS_UTIME', path: '/f', atime: 1, mtime: 1 },
        { type: 'FS_OPEN', path: '/f', flags: O_WRONLY },
        { type: 'FS_OPEN', path: '/f', flags: O_RDWR },
        { type: 'FS_OPEN', path: '/f', flags: O_RDONLY | O_TRUNC },
        { type: 'FS_OPEN', path: '/n', flags: O_WRONLY | O_CREAT, mode: 0o644 },
      ];
      const statuses: string[] = [];
      for (const m of modifying) statuses.push(`${m.type} ${(yield* call(m)).status}`);
      const buffer = new Uint8Array(6);
      const read = yield* call({ type: 'FS_READ', path: '/f', position: 0, buffer });
      const orphan = new Uint8Array(5000);
      const orphanRead = yield* call({ type: 'FS_READ', path: '/orphan', position: 0, buffer: orphan });
      const fd = (yield* call({ type: 'FS_OPEN', path: '/orphan', flags: O_RDONLY })).status;
      const close = (yield* call({ type: 'FS_CLOSE', fd })).status;
      const sync = (yield* call({ type: 'FS_SYNC' })).status;
      return { statuses, read: read.status, data: new TextDecoder().decode(buffer), orphanRead: orphanRead.status, orphanFull: orphan.every((b) => b === 9), close, sync };
    }, { readOnly: true });
    expect(result.statuses).toEqual([
      'FS_CREATE', 'FS_CREATE', 'FS_MKDIR', 'FS_WRITE', 'FS_TRUNCATE', 'FS_UNLINK', 'FS_RMDIR', 'FS_LINK', 'FS_RENAME', 'FS_SYMLINK',
      'FS_CHMOD', 'FS_CHOWN', 'FS_UTIME', 'FS_OPEN', 'FS_OPEN', 'FS_OPEN', 'FS_OPEN',
    ].map((t) => `${t} ${-EROFS}`));
    expect(result).toMatchObject({ read: 6, data: 'hello\n', orphanRead: 5000, orphanFull: true, close: 0, sync: 0 });
    expect(same(img, before)).toBe(true);
  });

  it('a read-write mount of the same image frees the orphan on its last put (the difference read-only makes)', () => {
    const { img, orphan } = populated();
    runFs(img, function* () {
      yield* call({ type: 'FS_STAT', path: '/orphan' });
      yield* call({ type: 'FS_SYNC' });
    });
    const g = geometryOf(decodeSuperblock(img.subarray(1024)));
    expect(decodeInode(img, g.inodeStart * g.blockSize + (orphan - 1) * 64).mode).toBe(0);
  });
});

describe('the boot script\'s fs readonly', () => {
  it('mounts the image read-only: writes fail with EROFS, reads work, the image file is unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-ro-boot-'));
    const image = join(dir, 'root.img');
    writeFileSync(image, populated().img);
    const hash = (): string => createHash('sha256').update(readFileSync(image)).digest('hex');
    const before = hash();
    const script = join(dir, 'ro.boot');
    writeFileSync(script, [
      `disk disk0 image=${image} model=ramdisk`,
      'fs   root=disk0 readonly',
      'process init uid=0',
      '    cat /f',
      '    cat /orphan',
      '    expect EROFS mkdir /x',
      '    expect EROFS write /f "changed"',
      '    expect EROFS rm /f',
      '    expect EROFS chmod 0600 /f',
      '    sync',
      '',
    ].join('\n'));
    const out: string[] = [];
    const code = bootScript(script, {}, (l) => out.push(l), (l) => out.push(l));
    expect(out.join('\n')).toMatch(/init: hello/);
    expect(code).toBe(0);
    expect(hash()).toBe(before);
    expect(checkImage(new Uint8Array(readFileSync(image))).problems.join('\n')).toMatch(/i_nlinks is 0, counted 1/);
  });
});

describe('a disk driver opened read-only', () => {
  it('answers a write with EROFS and the image file does not change, even under a read-write FS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-ro-driver-'));
    const image = join(dir, 'root.img');
    writeFileSync(image, populated().img);
    const before = readFileSync(image);
    const kernel = new Kernel({ seed: 1 });
    const disk = diskDriver({ name: 'disk0', image, model: 'ramdisk', readOnly: true }, hardwareOf(kernel));
    kernel.spawn({ name: 'disk0', priority: 1, privileges: systemPrivileges(), program: disk });
    const fs = kernel.spawn({ name: 'fs', priority: 4, privileges: systemPrivileges(), program: fsServer({ driver: 'disk0' }) }).endpoint;
    const statuses: number[] = [];
    kernel.spawn({
      name: 'client', priority: 7, privileges: userPrivileges(),
      program: function* () {
        for (const m of [{ type: 'FS_MKDIR', path: '/x', mode: 0o755 }, { type: 'FS_SYNC' }] as FsRequest[]) {
          const r: Envelope<FsReply> | number = yield sendrec(fs, m);
          statuses.push(typeof r === 'number' ? r : r.status);
        }
      },
    });
    kernel.run();
    disk.disk.image.close();
    expect(statuses[0]).toBe(0); // the directory exists in the cache only
    expect(statuses[1]).toBe(-EROFS);
    expect(readFileSync(image).equals(before)).toBe(true);
  });
});
