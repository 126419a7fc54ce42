import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-compat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mkfs compatibility with util-linux', () => {
  for (const size of [360 * 1024, 4 << 20, 64 << 20]) {
    it(`mksim mkfs of ${size} bytes equals mkfs.minix -3 byte for byte but for the root's times, and passes fsck.minix -f`, () => {
      const path = join(dir, `u${size}.img`);
      writeFileSync(path, new Uint8Array(size));
      execFileSync('mkfs.minix', ['-3', path], { stdio: 'ignore' });
      const theirs = new Uint8Array(readFileSync(path));
      const ours = formatImage({ sizeBytes: size, blockSize: 1024 });
      // Copy their root times (bytes 12..24 of inode 1) before comparing.
      const inodeStart = (2 + (theirs[1024 + 6]! | (theirs[1024 + 7]! << 8)) + (theirs[1024 + 8]! | (theirs[1024 + 9]! << 8))) * 1024;
      ours.set(theirs.subarray(inodeStart + 12, inodeStart + 24), inodeStart + 12);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      const mine = join(dir, `m${size}.img`);
      writeFileSync(mine, ours);
      expect(spawnSync('fsck.minix', ['-f', mine]).status).toBe(0);
      expect(checkImage(ours).problems).toEqual([]);
    });
  }

  it('honours --inodes as mkfs.minix -i does', () => {
    const path = join(dir, 'i.img');
    writeFileSync(path, new Uint8Array(2 << 20));
    execFileSync('mkfs.minix', ['-3', '-i', '100', path], { stdio: 'ignore' });
    const theirs = new Uint8Array(readFileSync(path));
    const ours = formatImage({ sizeBytes: 2 << 20, inodes: 100 });
    expect(Buffer.from(ours.subarray(1024, 1056)).equals(Buffer.from(theirs.subarray(1024, 1056)))).toBe(true);
  });
});
