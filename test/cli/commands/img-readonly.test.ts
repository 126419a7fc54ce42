/*
 * mksim img ls|cat|stat and fsck (without --repair) never write the image:
 * they open it O_RDONLY and mount it read-only, even when inodes on it have
 * i_nlinks 0 (which a read-write FS frees on the last put_inode). And img cat
 * streams: a corrupt i_size is an error, not a 4 GB buffer; a closed pipe ends it quietly.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeInode, decodeSuperblock, encodeInode, geometryOf } from '../../../servers/fs/layout.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { call, runFs } from '../../servers/fs/system.js';
import { MKSIM, mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-img-ro-'));
let images = 0;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hashOf = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Patch on-disk inodes of an image in memory. */
function patchInodes(img: Uint8Array, patch: Record<number, (ino: ReturnType<typeof decodeInode>) => void>): void {
  const g = geometryOf(decodeSuperblock(img.subarray(1024)));
  for (const [nr, f] of Object.entries(patch)) {
    const offset = g.inodeStart * g.blockSize + (Number(nr) - 1) * 64;
    const ino = decodeInode(img, offset);
    f(ino);
    encodeInode(ino, img, offset);
  }
}

/** /keep, and a subtree /t/sub/{f1,f2} and /t/g whose every inode has i_nlinks 0 on disk; /d/link dangles. */
function orphanImage(): { path: string; inos: Record<string, number> } {
  const img = formatImage({ sizeBytes: 1 << 20 });
  const inos = runFs(img, function* () {
    const r: Record<string, number> = {};
    r['/keep'] = (yield* call({ type: 'FS_CREATE', path: '/keep', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_WRITE', path: '/keep', position: 0, buffer: text('kept\n') });
    r['/t'] = (yield* call({ type: 'FS_MKDIR', path: '/t', mode: 0o755 })).ino!;
    r['/t/sub'] = (yield* call({ type: 'FS_MKDIR', path: '/t/sub', mode: 0o755 })).ino!;
    for (const f of ['/t/sub/f1', '/t/sub/f2', '/t/g']) {
      r[f] = (yield* call({ type: 'FS_CREATE', path: f, mode: 0o644 })).ino!;
      yield* call({ type: 'FS_WRITE', path: f, position: 0, buffer: text(`${f} body\n`.repeat(200)) });
    }
    yield* call({ type: 'FS_MKDIR', path: '/d', mode: 0o755 });
    yield* call({ type: 'FS_SYMLINK', target: '/nowhere', path: '/d/link' });
    yield* call({ type: 'FS_CREATE', path: '/d/file', mode: 0o644 });
    yield* call({ type: 'FS_SYNC' });
    return r;
  }).result;
  const zero = (ino: { nlinks: number }): void => { ino.nlinks = 0; };
  patchInodes(img, Object.fromEntries(['/t', '/t/sub', '/t/sub/f1', '/t/sub/f2', '/t/g'].map((p) => [inos[p]!, zero])));
  const path = join(dir, `orphans-${images++}.img`);
  writeFileSync(path, img);
  return { path, inos };
}

describe('read-only img commands and fsck write nothing', () => {
  it('img ls, cat, stat and fsck leave an image with a whole i_nlinks-0 subtree byte-identical, and show its data', () => {
    const { path } = orphanImage();
    const before = hashOf(path);
    const cat = mksim('img', 'cat', `${path}:/t/sub/f1`);
    expect(cat.code).toBe(0);
    expect(cat.stdout).toBe('/t/sub/f1 body\n'.repeat(200));
    expect(hashOf(path)).toBe(before);
    const ls = mksim('img', 'ls', `${path}:/t/sub`);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/-rw-r--r-- +0 +0 +0 +3000 f1\n/);
    expect(mksim('img', 'ls', `${path}:/t`).code).toBe(0);
    expect(mksim('img', 'stat', `${path}:/t/g`).stdout).toMatch(/Links: 0/);
    expect(mksim('img', 'cat', `${path}:/t/g`).stdout).toBe('/t/g body\n'.repeat(200));
    const fsck = mksim('fsck', path);
    expect(fsck.code).toBe(1);
    expect(fsck.stdout).toMatch(/i_nlinks is 0, counted 1/);
    expect(hashOf(path)).toBe(before);
    // The files are still there for a read-write mount (and for fsck --repair to fix the counts).
    expect(mksim('fsck', path, '--repair').code).toBe(0);
    expect(mksim('img', 'cat', `${path}:/t/sub/f2`).stdout).toBe('/t/sub/f2 body\n'.repeat(200));
    if (spawnSync('which', ['fsck.minix']).status === 0) expect(spawnSync('fsck.minix', ['-f', path]).status).toBe(0);
  });

  it('img ls lists a directory holding a dangling symbolic link, with its target', () => {
    const { path } = orphanImage();
    const ls = mksim('img', 'ls', `${path}:/d`);
    expect(ls.stderr).toBe('');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^lrwxrwxrwx +1 +0 +0 +8 link -> \/nowhere$/m);
    expect(ls.stdout).toMatch(/ file$/m);
  });
});

describe('img cat checks i_size and streams', () => {
  function bigImage(): { path: string; ino: number; data: Uint8Array } {
    const img = formatImage({ sizeBytes: 4 << 20 });
    const data = new Uint8Array(600 * 1024).map((_, i) => (i * 13 + (i >> 10)) & 0xff);
    const ino = runFs(img, function* () {
      const nr = (yield* call({ type: 'FS_CREATE', path: '/big', mode: 0o644 })).ino!;
      yield* call({ type: 'FS_WRITE', path: '/big', position: 0, buffer: data });
      yield* call({ type: 'FS_SYNC' });
      return nr;
    }).result;
    const path = join(dir, `big-${images++}.img`);
    writeFileSync(path, img);
    return { path, ino, data };
  }

  function withSize(path: string, ino: number, size: number): string {
    const img = new Uint8Array(readFileSync(path));
    patchInodes(img, { [ino]: (d) => { d.size = size; } });
    const out = `${path}-${size}.img`;
    writeFileSync(out, img);
    return out;
  }

  it('prints a file of 600 KiB byte for byte, and img cp streams it to a host file, the image unchanged', () => {
    const { path, data } = bigImage();
    const before = hashOf(path);
    const r = spawnSync(process.execPath, [MKSIM, 'img', 'cat', `${path}:/big`], { maxBuffer: 8 << 20 });
    expect(r.status).toBe(0);
    expect(Buffer.from(r.stdout).equals(Buffer.from(data))).toBe(true);
    const out = `${path}.out`;
    expect(mksim('img', 'cp', `${path}:/big`, out).code).toBe(0);
    expect(readFileSync(out).equals(Buffer.from(data))).toBe(true);
    expect(hashOf(path)).toBe(before);
  });

  it('i_size 0xffffffff: exit 1 naming the inode and s_max_size, no stack trace, in bounded time and memory', () => {
    const { path, ino } = bigImage();
    const bad = withSize(path, ino, 0xffffffff);
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, MKSIM, 'img', 'cat', `${bad}:/big`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`corrupt inode ${ino}: i_size 4294967295 is beyond the maximum file size 2147483647 \\(s_max_size\\)`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const rssKiB = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]);
    expect(rssKiB).toBeLessThan(400 * 1024);
  });

  it('a size past the last data zone is reported as corruption; --trust-size prints the tail as zeros', () => {
    const { path, ino, data } = bigImage();
    const size = data.length + 5 * 1024;
    const bad = withSize(path, ino, size);
    const r = mksim('img', 'cat', `${bad}:/big`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`corrupt inode ${ino}: i_size ${size} runs past its last data zone \\(file block 599 ends at byte ${600 * 1024}\\)`));
    const trusted = spawnSync(process.execPath, [MKSIM, 'img', 'cat', '--trust-size', `${bad}:/big`], { maxBuffer: 8 << 20 });
    expect(trusted.status).toBe(0);
    expect(trusted.stdout.length).toBe(size);
    expect(Buffer.from(trusted.stdout.subarray(0, data.length)).equals(Buffer.from(data))).toBe(true);
    expect(trusted.stdout.subarray(data.length).every((b: number) => b === 0)).toBe(true);
  });

  it('img cat IMAGE:/f | head exits quietly when head closes the pipe', () => {
    const { path } = bigImage();
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${MKSIM}" img cat "${path}:/big" | head -c 10 | wc -c`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('10');
    expect(r.status).toBe(0);
  });
});
