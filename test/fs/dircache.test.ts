/*
 * The per-directory name cache (servers/fs/dircache.ts, issue 20): answers as a
 * scan would after unlink, rename, rmdir and a failed call's undo; the same
 * image and the same trace as with the cache off (it saves the scan of the
 * entries, not the block accesses).
 */
import { describe, expect, it } from 'vitest';
import { hardwareOf, type TraceRecord } from '../../kernel/index.js';
import { diskDriver } from '../../drivers/disk/main.js';
import { close, mkdir, sync, O_CREAT, O_WRONLY, open, readdir, rename, rmdir, stat, unlink, write } from '../../lib/syscalls/fs.js';
import type { SysGen, UserProcess } from '../../lib/user/process.js';
import { decodeInode, decodeSuperblock, geometryOf, INODE_BYTES, ROOT_INODE } from '../../servers/fs/layout.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { DirCache, MAX_ENTRIES } from '../../servers/fs/dircache.js';
import { getInode, putInode } from '../../servers/fs/inode.js';
import { DirOp, searchDir } from '../../servers/fs/path.js';
import type { FsState } from '../../servers/fs/state.js';
import { mountDevice } from '../../servers/fs/super.js';
import { memDevice, runSync } from '../servers/fs/helpers.js';
import { expectClean, runProcs, type Results } from '../servers/fs/procs.js';

function* create(proc: UserProcess, path: string, text = 'x'): SysGen<number> {
  const fd = yield* open(proc, path, O_WRONLY | O_CREAT, 0o644);
  if (fd < 0) return fd;
  yield* write(proc, fd, new TextEncoder().encode(text));
  return yield* close(proc, fd);
}

/** The inode number a path names, or the errno. */
function* inoOf(proc: UserProcess, path: string): SysGen<number> {
  const st = yield* stat(proc, path);
  return typeof st === 'number' ? st : st.ino;
}

/** Names in a directory, in entry order (slot reuse shows here). */
function* names(proc: UserProcess, path: string): SysGen<string> {
  const list = yield* readdir(proc, path);
  return typeof list === 'number' ? String(list) : list.map((e) => e.name).join(' ');
}

describe('the per-directory name cache', () => {
  it('after unlink, rename and rmdir a lookup sees the change, and a freed slot is reused first', () => {
    const image = formatImage({ sizeBytes: 1 << 20 });
    const out: Results = {};
    runProcs(image, {
      *init(proc) {
        yield* mkdir(proc, '/d', 0o755);
        for (let i = 0; i < 20; i++) yield* create(proc, `/d/f${i}`); // ENTER scans /d whole: hashed from here
        out.before = yield* inoOf(proc, '/d/f5');
        out.unlink = yield* unlink(proc, '/d/f5');
        out.afterUnlink = yield* inoOf(proc, '/d/f5');
        out.rename = yield* rename(proc, '/d/f6', '/d/g6');
        out.oldName = yield* inoOf(proc, '/d/f6');
        out.newName = (yield* inoOf(proc, '/d/g6')) > 0;
        // Over an existing name: the target's entry now names the source's inode.
        const f7 = yield* inoOf(proc, '/d/f7');
        out.renameOver = yield* rename(proc, '/d/f7', '/d/f8');
        out.f8IsOldF7 = (yield* inoOf(proc, '/d/f8')) === f7;
        out.f7Gone = yield* inoOf(proc, '/d/f7');
        yield* mkdir(proc, '/d/sub', 0o755);
        yield* create(proc, '/d/sub/a');
        out.subA = (yield* inoOf(proc, '/d/sub/a')) > 0;
        yield* unlink(proc, '/d/sub/a');
        out.rmdir = yield* rmdir(proc, '/d/sub');
        // A new directory may get the freed inode number: its names are its own.
        yield* mkdir(proc, '/d/sub2', 0o755);
        out.sub2A = yield* inoOf(proc, '/d/sub2/a');
        yield* create(proc, '/d/new');
        out.order = yield* names(proc, '/d');
        yield* sync(proc);
      },
    });
    expect(out).toMatchObject({
      unlink: 0, afterUnlink: -2, rename: 0, oldName: -2, newName: true,
      renameOver: 0, f8IsOldF7: true, f7Gone: -2, subA: true, rmdir: 0, sub2A: -2,
    });
    expect(out.before).toBeGreaterThan(0);
    // Slots as MINIX's search_dir picks them (the first free one): f5's went to g6; renaming f7 over f8 deleted
    // f8 and entered it again in f6's slot; sub took f7's, and after rmdir sub2 took it again and new took f8's old one.
    expect(out.order).toBe('. .. f0 f1 f2 f3 f4 g6 f8 sub2 new f9 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19');
    expectClean(image);
  });

  it('a failed unlink is rolled back: the name is found again, not left deleted in the hash', () => {
    const image = formatImage({ sizeBytes: 1 << 20 });
    runProcs(image, {
      *init(proc) {
        yield* mkdir(proc, '/d', 0o755);
        for (let i = 0; i < 10; i++) yield* create(proc, `/d/f${i}`);
        yield* sync(proc);
      },
    });
    const sb = decodeSuperblock(image.subarray(1024));
    const g = geometryOf(sb);
    // Inode 2 is /d (the first made after the root): its first zone holds every entry.
    const dirBlock = decodeInode(image, g.inodeStart * sb.blockSize + (2 - 1) * INODE_BYTES).zone[0]!;
    const out: Results = {};
    const { records } = runProcs(image, {
      *init(proc) {
        out.miss = yield* inoOf(proc, '/d/none'); // a whole scan: /d is hashed
        out.unlink = yield* unlink(proc, '/d/f3'); // the robust write of /d's block fails: EIO, undone
        out.after = yield* inoOf(proc, '/d/f3');
        out.order = yield* names(proc, '/d');
      },
    }, {
      config: { robust: true },
      trace: true,
      disk: (hw) => diskDriver({ name: 'disk0', image, model: 'ramdisk', blockSize: sb.blockSize, faults: [{ kind: 'write-error', blocks: [dirBlock] }] }, hw),
    });
    expect(records.some((r: TraceRecord) => r.ev === 'error' && r.call === 'FS_UNLINK' && r.undone === true)).toBe(true);
    expect(out).toMatchObject({ miss: -2, unlink: -5, order: '. .. f0 f1 f2 f3 f4 f5 f6 f7 f8 f9' });
    expect(out.after).toBeGreaterThan(0);
  });

  it('changes neither the image nor the trace: the same run with the cache off gives the same bytes', () => {
    const run = (dirCacheDirs: number | undefined) => {
      const image = formatImage({ sizeBytes: 2 << 20 });
      const out: Results = {};
      const { records } = runProcs(image, {
        *init(proc) {
          for (let d = 0; d < 3; d++) yield* mkdir(proc, `/d${d}`, 0o755);
          for (let i = 0; i < 90; i++) yield* create(proc, `/d${i % 3}/f${i}`, `file ${i}`);
          for (let i = 0; i < 90; i += 4) yield* unlink(proc, `/d${i % 3}/f${i}`);
          for (let i = 1; i < 90; i += 6) yield* rename(proc, `/d${i % 3}/f${i}`, `/d${(i + 1) % 3}/r${i}`);
          for (let i = 0; i < 30; i++) yield* create(proc, `/d${i % 3}/n${i}`);
          out.lookups = [];
          for (const p of ['/d0/f3', '/d1/r1', '/d2/f8', '/d0/n0', '/d1/f4']) (out.lookups as number[]).push(yield* inoOf(proc, p));
          out.ls = [yield* names(proc, '/d0'), yield* names(proc, '/d1'), yield* names(proc, '/d2')];
          yield* sync(proc);
        },
      }, { config: { cacheBuffers: 16, ...(dirCacheDirs !== undefined ? { dirCacheDirs } : {}) }, trace: true });
      return { image, out, trace: records.map((r) => JSON.stringify(r)) };
    };
    const on = run(undefined);
    const off = run(0);
    expect(on.out).toEqual(off.out);
    expect(on.trace.length).toBe(off.trace.length);
    expect(on.trace).toEqual(off.trace);
    expect(Buffer.from(on.image).equals(Buffer.from(off.image))).toBe(true);
    expectClean(on.image);
  });
});

describe('searchDir through the hash', () => {
  function mount(img: Uint8Array, dirCacheDirs?: number): FsState {
    const sb = decodeSuperblock(img.subarray(1024));
    return runSync(mountDevice(null, memDevice(img, sb.blockSize), { driver: 'disk0', ...(dirCacheDirs !== undefined ? { dirCacheDirs } : {}) }));
  }

  it('is built by a whole scan, answers as the scan with the same block accesses, and is bounded', () => {
    const answers = (dirCacheDirs?: number) => {
      const fs = mount(formatImage({ sizeBytes: 1 << 20 }), dirCacheDirs);
      const root = runSync(getInode(fs, ROOT_INODE));
      // 40 names: 3 blocks of 16 entries with the root's '.' and '..'.
      for (let i = 0; i < 40; i++) runSync(searchDir(fs, root, `n${i}`, DirOp.ENTER, 100 + i));
      const hashed = fs.dirs.size;
      const got = [];
      for (const name of ['n0', 'n17', 'n39', 'none', '..']) got.push(runSync(searchDir(fs, root, name, DirOp.LOOK_UP)));
      got.push(runSync(searchDir(fs, root, 'n17', DirOp.DELETE)), runSync(searchDir(fs, root, 'n17', DirOp.LOOK_UP)));
      runSync(searchDir(fs, root, 'late', DirOp.ENTER, 7));
      let eexist = '';
      try { runSync(searchDir(fs, root, 'n3', DirOp.ENTER, 9)); } catch (err) { eexist = (err as Error).message; }
      runSync(putInode(fs, root));
      return { hashed, got, eexist, hits: fs.cache.stats.hits, misses: fs.cache.stats.misses, builds: fs.dirs.builds };
    };
    const on = answers();
    const off = answers(0);
    expect(on.hashed).toBe(1);
    expect(off.hashed).toBe(0);
    expect(on.builds).toBe(1);
    expect(on.got).toEqual([100, 117, 139, 0, ROOT_INODE, 117, 0]);
    expect(on.eexist).toMatch(/'n3' exists/);
    expect({ ...on, hashed: 0, builds: 0 }).toEqual(off);
  });

  it('keeps at most maxDirs directories, the least recently used going first', () => {
    const cache = new DirCache(2);
    for (const nr of [5, 6]) cache.install(nr, cache.builder(2, 128)!);
    expect(cache.usable(5, 128)).not.toBeNull(); // 5 is now the most recent
    cache.install(7, cache.builder(2, 128)!);
    expect([cache.usable(5, 128) !== null, cache.usable(6, 128) !== null, cache.usable(7, 128) !== null]).toEqual([true, false, true]);
    // A size it was not hashed at: changed behind the hash, so dropped.
    expect(cache.usable(7, 192)).toBeNull();
    expect(cache.usable(7, 128)).toBeNull();
    expect(new DirCache(0).builder(2, 128)).toBeNull();
    expect(cache.builder(MAX_ENTRIES + 1, 64 * (MAX_ENTRIES + 1))).toBeNull();
  });
});
