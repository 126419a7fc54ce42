import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EEXIST, EIO, EISDIR, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EPERM } from '../../../kernel/index.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { call, runFs } from './system.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fsckMinix(bytes: Uint8Array): { status: number | null; out: string } {
  const path = join(dir, `img-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes);
  const r = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Large arrays: vitest's deep equality is slow on megabytes. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('FS server over messages', () => {
  it('creates, writes, reads back, lists, stats, unlinks and rmdirs; the image passes fsck.minix -f and mksim fsck', () => {
    const img = formatImage({ sizeBytes: 4 << 20, blockSize: 1024 });
    const data = pattern(300_000, 7);
    const { result } = runFs(img, function* () {
      expect((yield* call({ type: 'FS_MKDIR', path: '/home', mode: 0o755 })).status).toBe(0);
      expect((yield* call({ type: 'FS_MKDIR', path: '/home/alice', mode: 0o700, uid: 1000, gid: 1000 })).status).toBe(0);
      expect((yield* call({ type: 'FS_CREATE', path: '/home/alice/notes.txt', mode: 0o644 })).status).toBe(0);
      expect((yield* call({ type: 'FS_WRITE', path: '/home/alice/notes.txt', position: 0, buffer: data })).status).toBe(data.length);
      const back = new Uint8Array(data.length + 100);
      expect((yield* call({ type: 'FS_READ', path: '/home/alice/notes.txt', position: 0, buffer: back })).status).toBe(data.length);
      expect(sameBytes(back.subarray(0, data.length), data)).toBe(true);
      const st = yield* call({ type: 'FS_STAT', path: '/home/alice' });
      expect(st.stat).toMatchObject({ mode: 0o40700, nlinks: 2, uid: 1000, gid: 1000, size: 192 });
      expect((yield* call({ type: 'FS_STAT', path: '/home' })).stat!.nlinks).toBe(3);
      const ls = yield* call({ type: 'FS_GETDENTS', path: '/home/alice', index: 0, count: 100 });
      expect(ls.entries!.map((e) => e.name)).toEqual(['.', '..', 'notes.txt']);
      for (let i = 0; i < 40; i++) expect((yield* call({ type: 'FS_CREATE', path: `/home/f${i}`, mode: 0o600 })).status).toBe(0);
      for (let i = 0; i < 40; i += 2) expect((yield* call({ type: 'FS_UNLINK', path: `/home/f${i}` })).status).toBe(0);
      expect((yield* call({ type: 'FS_RMDIR', path: '/home' })).status).toBe(-ENOTEMPTY);
      expect((yield* call({ type: 'FS_UNLINK', path: '/home/alice' })).status).toBe(-EPERM);
      expect((yield* call({ type: 'FS_MKDIR', path: '/home/alice', mode: 0o755 })).status).toBe(-EEXIST);
      expect((yield* call({ type: 'FS_CREATE', path: '/home/alice', mode: 0o644 })).status).toBe(-EISDIR);
      expect((yield* call({ type: 'FS_STAT', path: '/nope' })).status).toBe(-ENOENT);
      expect((yield* call({ type: 'FS_STAT', path: '/home/alice/notes.txt/x' })).status).toBe(-ENOTDIR);
      expect((yield* call({ type: 'FS_MKDIR', path: '/tmp', mode: 0o777 })).status).toBe(0);
      expect((yield* call({ type: 'FS_RMDIR', path: '/tmp' })).status).toBe(0);
      expect((yield* call({ type: 'FS_SYNC' })).status).toBe(0);
      return (yield* call({ type: 'FS_STATFS' })).statfs!;
    });
    expect(result.freeInodes).toBe(result.inodes - 24);
    const report = checkImage(img);
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(21);
    expect(fsckMinix(img)).toMatchObject({ status: 0 });
  });

  it('unlinking frees every zone, the indirect blocks too', () => {
    const img = formatImage({ sizeBytes: 8 << 20, blockSize: 1024 });
    const { result } = runFs(img, function* () {
      const before = (yield* call({ type: 'FS_STATFS' })).statfs!;
      yield* call({ type: 'FS_CREATE', path: '/big', mode: 0o644 });
      expect((yield* call({ type: 'FS_WRITE', path: '/big', position: 0, buffer: pattern(2_000_000, 1) })).status).toBe(2_000_000);
      const during = (yield* call({ type: 'FS_STAT', path: '/big' })).stat!;
      expect(during.zones).toBe(Math.ceil(2_000_000 / 1024) + 1 + 1 + Math.ceil((Math.ceil(2_000_000 / 1024) - 7 - 256) / 256));
      yield* call({ type: 'FS_UNLINK', path: '/big' });
      yield* call({ type: 'FS_SYNC' });
      return { before, after: (yield* call({ type: 'FS_STATFS' })).statfs! };
    });
    expect(result.after).toEqual(result.before);
    expect(checkImage(img).problems).toEqual([]);
  });

  it('holes read as zeros and a file beyond the double-indirect range round-trips (triple indirect)', () => {
    const img = formatImage({ sizeBytes: 4 << 20, blockSize: 1024 });
    // 7 + 256 + 65536 blocks of 1 KiB: past 67,377,152 bytes only the triple indirect block maps.
    const far = (7 + 256 + 65536 + 1000) * 1024 + 100;
    const tail = pattern(5000, 3);
    runFs(img, function* () {
      yield* call({ type: 'FS_CREATE', path: '/sparse', mode: 0o644 });
      expect((yield* call({ type: 'FS_WRITE', path: '/sparse', position: 10, buffer: pattern(10, 9) })).status).toBe(10);
      expect((yield* call({ type: 'FS_WRITE', path: '/sparse', position: far, buffer: tail })).status).toBe(tail.length);
      const st = (yield* call({ type: 'FS_STAT', path: '/sparse' })).stat!;
      expect(st.size).toBe(far + tail.length);
      const back = new Uint8Array(tail.length);
      expect((yield* call({ type: 'FS_READ', path: '/sparse', position: far, buffer: back })).status).toBe(tail.length);
      expect(back).toEqual(tail);
      const hole = new Uint8Array(4096).fill(0xee);
      yield* call({ type: 'FS_READ', path: '/sparse', position: 20_000_000, buffer: hole });
      expect(hole.every((b) => b === 0)).toBe(true);
      const head = new Uint8Array(30).fill(0xee);
      yield* call({ type: 'FS_READ', path: '/sparse', position: 0, buffer: head });
      expect([...head.subarray(0, 10)]).toEqual(new Array(10).fill(0));
      expect(head.subarray(10, 20)).toEqual(pattern(10, 9));
      expect([...head.subarray(20)]).toEqual(new Array(10).fill(0));
      // Shrinking to inside the first block frees every indirect level and zeroes the tail.
      expect((yield* call({ type: 'FS_TRUNCATE', path: '/sparse', length: 15 })).status).toBe(0);
      expect((yield* call({ type: 'FS_STAT', path: '/sparse' })).stat!.zones).toBe(1);
      yield* call({ type: 'FS_TRUNCATE', path: '/sparse', length: 30 });
      const again = new Uint8Array(30).fill(0xee);
      yield* call({ type: 'FS_READ', path: '/sparse', position: 0, buffer: again });
      expect([...again.subarray(15)]).toEqual(new Array(15).fill(0));
      yield* call({ type: 'FS_SYNC' });
      return 0;
    });
    expect(checkImage(img).problems).toEqual([]);
    expect(fsckMinix(img).status).toBe(0);
  });

  it('4096-byte images round-trip through mkfs, the server and fsck', () => {
    const img = formatImage({ sizeBytes: 16 << 20, blockSize: 4096 });
    const data = pattern(1_500_000, 5);
    runFs(img, function* () {
      yield* call({ type: 'FS_MKDIR', path: '/d', mode: 0o755 });
      yield* call({ type: 'FS_CREATE', path: '/d/file', mode: 0o644 });
      yield* call({ type: 'FS_WRITE', path: '/d/file', position: 0, buffer: data });
      yield* call({ type: 'FS_SYNC' });
      return 0;
    });
    // A second boot on the same bytes reads what the first wrote.
    const { result } = runFs(img, function* () {
      const back = new Uint8Array(data.length);
      yield* call({ type: 'FS_READ', path: '/d/file', position: 0, buffer: back });
      return back;
    });
    expect(sameBytes(result, data)).toBe(true);
    expect(checkImage(img)).toMatchObject({ problems: [], files: 1, directories: 2 });
  });

  it('a write that fills the disk is partial, the next one gets ENOSPC, inodes run out with ENOSPC, and the image stays consistent', () => {
    const img = formatImage({ sizeBytes: 200 * 1024, blockSize: 1024, inodes: 16 });
    runFs(img, function* () {
      yield* call({ type: 'FS_CREATE', path: '/fill', mode: 0o644 });
      const r = yield* call({ type: 'FS_WRITE', path: '/fill', position: 0, buffer: new Uint8Array(400 * 1024) });
      expect(r.status).toBeGreaterThan(100 * 1024);
      expect(r.status).toBeLessThan(200 * 1024);
      expect((yield* call({ type: 'FS_STAT', path: '/fill' })).stat!.size).toBe(r.status);
      const again = yield* call({ type: 'FS_WRITE', path: '/fill', position: r.status, buffer: new Uint8Array(4096) });
      expect(again.status).toBe(-ENOSPC);
      let last = 0;
      for (let i = 0; i < 20 && last === 0; i++) last = (yield* call({ type: 'FS_CREATE', path: `/i${i}`, mode: 0o644 })).status;
      expect(last).toBe(-ENOSPC);
      yield* call({ type: 'FS_SYNC' });
      return 0;
    });
    expect(checkImage(img).problems).toEqual([]);
  });

  it('images made by mkfs.minix -3 are read and written by mksim and then pass fsck.minix -f', () => {
    const path = join(dir, 'util.img');
    writeFileSync(path, new Uint8Array(4 << 20));
    execFileSync('mkfs.minix', ['-3', path], { stdio: 'ignore' });
    const img = new Uint8Array(readFileSync(path));
    runFs(img, function* () {
      const ls = yield* call({ type: 'FS_GETDENTS', path: '/', index: 0, count: 10 });
      expect(ls.entries!.map((e) => e.name)).toEqual(['.', '..']);
      yield* call({ type: 'FS_MKDIR', path: '/etc', mode: 0o755 });
      for (let i = 0; i < 30; i++) {
        yield* call({ type: 'FS_CREATE', path: `/etc/file-with-a-rather-long-name-number-${i}`, mode: 0o644 });
        yield* call({ type: 'FS_WRITE', path: `/etc/file-with-a-rather-long-name-number-${i}`, position: 0, buffer: pattern(i * 1000, i) });
      }
      yield* call({ type: 'FS_SYNC' });
      return 0;
    });
    expect(fsckMinix(img)).toMatchObject({ status: 0 });
    expect(checkImage(img).problems).toEqual([]);
  });

  it('a failing mount answers every request with EIO and names the superblock field', () => {
    const img = formatImage({ sizeBytes: 1 << 20 });
    img[1024 + 24] = 0x12;
    const { result } = runFs(img, function* () { return yield* call({ type: 'FS_STAT', path: '/' }); });
    expect(result.status).toBe(-EIO);
    expect(result.message).toMatch(/s_magic is 0x4d12/);
  });

  it('a malformed request gets EINVAL and the server keeps serving', () => {
    const img = formatImage({ sizeBytes: 1 << 20 });
    const { result } = runFs(img, function* () {
      const bad = yield* call({ type: 'FS_READ', path: '/', position: -1 } as never);
      const good = yield* call({ type: 'FS_STAT', path: '/' });
      return [bad.status, good.status];
    });
    expect(result).toEqual([-22, 0]);
  });
});
