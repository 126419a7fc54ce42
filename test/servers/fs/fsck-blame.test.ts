/*
 * mksim fsck against util-linux fsck.minix on images with real defects:
 * a device node (its i_zone[0] is a device number, not a zone) and two
 * inodes claiming one zone (the repair must blame the inode fsck.minix
 * blames and leave the other file intact).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../kernel/random.js';
import {
  decodeInode, decodeSuperblock, encodeInode, geometryOf, NR_DZONES, readU32, S_IFBLK, S_IFCHR, writeU32,
  type DiskInode,
} from '../../../servers/fs/layout.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { call, runFs } from './system.js';

const BS = 1024;
const dir = mkdtempSync(join(tmpdir(), 'mksim-fsck-blame-'));
let imageCount = 0;

/** Run fsck.minix on a copy of the bytes; returns its exit status, output and the image after it. */
function fsckMinix(bytes: Uint8Array, ...flags: string[]): { status: number | null; out: string; after: Uint8Array } {
  const path = join(dir, `img-${imageCount++}`);
  writeFileSync(path, bytes);
  const r = spawnSync('fsck.minix', [...flags, path], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr, after: new Uint8Array(readFileSync(path)) };
}

/** A fresh image made by mkfs.minix -3 (1 KiB blocks: what fsck.minix checks). */
function mkfsMinix(sizeBytes: number, inodes: number): Uint8Array {
  const path = join(dir, `mkfs-${imageCount++}`);
  writeFileSync(path, new Uint8Array(sizeBytes));
  const r = spawnSync('mkfs.minix', ['-3', '-i', String(inodes), path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mkfs.minix failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(path));
}

function inodeAt(img: Uint8Array) {
  const sb = decodeSuperblock(img.subarray(1024));
  const g = geometryOf(sb);
  const offset = (nr: number): number => g.inodeStart * BS + (nr - 1) * 64;
  return {
    sb,
    read: (nr: number): DiskInode => decodeInode(img, offset(nr)),
    write: (nr: number, ino: DiskInode): void => encodeInode(ino, img, offset(nr)),
  };
}

/** Every zone pointer of an inode in walk order, with where it sits (so a test can rewrite one). */
function pointers(img: Uint8Array, ino: DiskInode): { zone: number; slot: number; block: number; index: number; data: boolean; fileBlock: number }[] {
  const out: { zone: number; slot: number; block: number; index: number; data: boolean; fileBlock: number }[] = [];
  const per = BS / 4;
  const walk = (z: number, depth: number, first: number): void => {
    for (let i = 0; i < per; i++) {
      const c = readU32(img, z * BS + 4 * i);
      if (c === 0) continue;
      out.push({ zone: c, slot: -1, block: z, index: i, data: depth === 1, fileBlock: first + i * per ** (depth - 1) });
      if (depth > 1) walk(c, depth - 1, first + i * per ** (depth - 1));
    }
  };
  let first = NR_DZONES;
  for (let slot = 0; slot < 10; slot++) {
    const z = ino.zone[slot]!;
    const depth = slot - NR_DZONES + 1;
    if (z !== 0) {
      out.push({ zone: z, slot, block: 0, index: 0, data: slot < NR_DZONES, fileBlock: slot < NR_DZONES ? slot : -1 });
      if (slot >= NR_DZONES) walk(z, depth, first);
    }
    if (slot >= NR_DZONES) first += per ** depth;
  }
  return out;
}

/** A file's bytes read back through the FS server (holes as zeros). */
function readBack(img: Uint8Array, path: string, size: number): Uint8Array {
  return runFs(img.slice(), function* () {
    const buffer = new Uint8Array(size);
    const r = yield* call({ type: 'FS_READ', path, position: 0, buffer });
    if (r.status !== size) throw new Error(`read ${path}: ${r.status} ${r.message ?? ''}`);
    return buffer;
  }).result;
}

/** Several files read back in one boot. */
function readAll(img: Uint8Array, files: readonly FileInfo[]): Map<string, Uint8Array> {
  return runFs(img.slice(), function* () {
    const out = new Map<string, Uint8Array>();
    for (const f of files) {
      const buffer = new Uint8Array(f.data.length);
      const r = yield* call({ type: 'FS_READ', path: f.path, position: 0, buffer });
      if (r.status !== buffer.length) throw new Error(`read ${f.path}: ${r.status} ${r.message ?? ''}`);
      out.set(f.path, buffer);
    }
    return out;
  }).result;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('fsck: a device node holds a device number in i_zone[0], not a zone', () => {
  for (const type of [S_IFCHR, S_IFBLK]) {
    const kind = type === S_IFCHR ? 'character' : 'block';
    it(`a ${kind} device whose number equals a file's zone: clean for fsck.minix -f and for mksim fsck; --repair leaves the file whole`, () => {
      const img = mkfsMinix(1 << 20, 64);
      const data = new Uint8Array(3000).map((_, i) => (i * 7 + 3) & 0xff);
      const nrs = runFs(img, function* () {
        // The device's entry comes first in the root, so a checker that takes i_zone[0] for a zone meets it first.
        const dev = (yield* call({ type: 'FS_CREATE', path: '/tty0', mode: 0o600 })).ino!;
        const file = (yield* call({ type: 'FS_CREATE', path: '/data', mode: 0o644 })).ino!;
        yield* call({ type: 'FS_WRITE', path: '/data', position: 0, buffer: data });
        yield* call({ type: 'FS_SYNC' });
        return { dev, file };
      }).result;
      // Turn /tty0 into a device node, as mfs new_node makes one: i_zone[0] = the device number,
      // here chosen equal to /data's first zone.
      const inodes = inodeAt(img);
      const fileZone = inodes.read(nrs.file).zone[0]!;
      const dev = inodes.read(nrs.dev);
      dev.mode = type | 0o600;
      dev.zone[0] = fileZone;
      inodes.write(nrs.dev, dev);

      expect(fsckMinix(img, '-f').status).toBe(0);
      expect(checkImage(img.slice()).problems).toEqual([]);
      const repaired = img.slice();
      const report = checkImage(repaired, { repair: true });
      expect(report.modified).toBe(false);
      expect(inodeAt(repaired).read(nrs.file).zone[0]).toBe(fileZone);
      expect(same(readBack(repaired, '/data', data.length), data)).toBe(true);
      expect(fsckMinix(repaired, '-f').status).toBe(0);
    });
  }

  it('stat and lstat of a device whose number lies outside the zones: no zones, no corruption error', () => {
    const img = mkfsMinix(1 << 20, 64);
    const nr = runFs(img, function* () {
      const ino = (yield* call({ type: 'FS_CREATE', path: '/sda', mode: 0o600 })).ino!;
      yield* call({ type: 'FS_SYNC' });
      return ino;
    }).result;
    const inodes = inodeAt(img);
    const dev = inodes.read(nr);
    dev.mode = S_IFBLK | 0o600;
    dev.zone[0] = (8 << 8) | 0; // major 8 minor 0: 2048, beyond this image's 1024 zones
    inodes.write(nr, dev);
    expect(fsckMinix(img, '-f').status).toBe(0);
    const st = runFs(img, function* () {
      const r = yield* call({ type: 'FS_LSTAT', path: '/sda' });
      return { status: r.status, zones: r.stat?.zones, mode: r.stat?.mode };
    }).result;
    expect(st).toEqual({ status: 0, zones: 0, mode: S_IFBLK | 0o600 });
  });
});

describe('the FS: unlinking a device node frees no zone (MINIX truncate_inode refuses devices)', () => {
  it('rm of a character device (i_size 4096) whose number equals a file\'s zone leaves that zone allocated and the file whole', () => {
    const img = mkfsMinix(1 << 20, 64);
    const data = new Uint8Array(3000).map((_, i) => (i * 5 + 1) & 0xff);
    const nrs = runFs(img, function* () {
      const dev = (yield* call({ type: 'FS_CREATE', path: '/tty0', mode: 0o600 })).ino!;
      const file = (yield* call({ type: 'FS_CREATE', path: '/data', mode: 0o644 })).ino!;
      yield* call({ type: 'FS_WRITE', path: '/data', position: 0, buffer: data });
      yield* call({ type: 'FS_SYNC' });
      return { dev, file };
    }).result;
    const inodes = inodeAt(img);
    const dev = inodes.read(nrs.dev);
    dev.mode = S_IFCHR | 0o600;
    dev.zone[0] = inodes.read(nrs.file).zone[0]!;
    dev.size = 4096; // nothing reads a device's i_size; a truncation to 0 would free i_zone[0]
    inodes.write(nrs.dev, dev);
    expect(fsckMinix(img, '-f').status).toBe(0);
    const after = runFs(img, function* () {
      const rm = (yield* call({ type: 'FS_UNLINK', path: '/tty0' })).status;
      // A new file must not be handed the zone /data still holds.
      yield* call({ type: 'FS_CREATE', path: '/new', mode: 0o644 });
      yield* call({ type: 'FS_WRITE', path: '/new', position: 0, buffer: new Uint8Array(4096).fill(0xee) });
      yield* call({ type: 'FS_SYNC' });
      return rm;
    }).result;
    expect(after).toBe(0);
    expect(same(readBack(img, '/data', data.length), data)).toBe(true);
    expect(checkImage(img.slice()).problems).toEqual([]);
    expect(fsckMinix(img, '-f').status).toBe(0);
  });
});

interface FileInfo { readonly path: string; readonly ino: number; readonly data: Uint8Array }

/** A seeded tree of directories and files (some past the single indirect range) on a mkfs.minix image. */
function populate(seed: number): { img: Uint8Array; files: FileInfo[]; dirs: { path: string; ino: number }[] } {
  const rng = new Prng(seed);
  const img = mkfsMinix(4 << 20, 256);
  const dirs: { path: string; ino: number }[] = [{ path: '', ino: 1 }];
  const files: FileInfo[] = [];
  runFs(img, function* () {
    for (let i = 0; i < 6; i++) {
      const parent = dirs[rng.below(dirs.length)]!;
      const path = `${parent.path}/d${i}`;
      dirs.push({ path, ino: (yield* call({ type: 'FS_MKDIR', path, mode: 0o755 })).ino! });
    }
    for (let i = 0; i < 14; i++) {
      const parent = dirs[rng.below(dirs.length)]!;
      const path = `${parent.path}/f${i}`;
      // Mostly small files; a few reach the double indirect range (past 7 + 256 blocks).
      const size = rng.below(4) === 0 ? 263 * BS + rng.below(40 * BS) : 1 + rng.below(30 * BS);
      const data = new Uint8Array(size);
      for (let k = 0; k < size; k += 4096) data.fill((i * 31 + k / 4096) & 0xff, k, Math.min(size, k + 4096));
      const ino = (yield* call({ type: 'FS_CREATE', path, mode: 0o644 })).ino!;
      const r = yield* call({ type: 'FS_WRITE', path, position: 0, buffer: data });
      if (r.status !== size) throw new Error(`write ${path}: ${r.status}`);
      files.push({ path, ino, data });
    }
    yield* call({ type: 'FS_SYNC' });
  });
  return { img, files, dirs };
}

/**
 * The file fsck.minix blames for a zone claimed twice: the later one in its depth-first walk
 * ("Block has been used before. Now in file `X'."). Its check-only run is the oracle: its
 * repair (-a) of a V3 image writes the bitmaps and inode table at the wrong offset
 * (util-linux 2.38.1 write_tables: write_super_block returns before seeking for V3), so the
 * tables stay as they were and the blocks after the last one read are overwritten.
 */
function blamedByFsckMinix(out: string): string | null {
  return /Block has been used before\. Now in file `([^']*)'/.exec(out)?.[1] ?? null;
}

function blamedByMksim(problems: readonly string[]): string | null {
  for (const p of problems) {
    const m = /^inode \d+ \((.*)\): (?:data|indirect) zone \d+ already used by inode \d+/.exec(p);
    if (m !== null) return m[1]!;
  }
  return null;
}

describe('fsck --repair blames the inode fsck.minix blames when two inodes claim one zone', () => {
  const CASES = 16;
  it(`${CASES} seeded images with a duplicate claim: the file fsck.minix names loses the pointer, every other file reads back whole`, () => {
    const blamedFirst = { a: 0, b: 0 };
    for (let seed = 1; seed <= CASES; seed++) {
      const { img, files, dirs } = populate(seed);
      const rng = new Prng(1000 + seed);
      const inodes = inodeAt(img);
      // A pointer of regular file b (direct, indirect, or inside an indirect block) is made to claim
      // a zone of a (a file or a directory). b is a regular file so that no directory turns to
      // garbage: what the checkers then do with unreachable inodes differs, and is not blame.
      const owners = [...files.map((f) => f.ino), ...dirs.filter((d) => d.ino !== 1).map((d) => d.ino)];
      const b = files[rng.below(files.length)]!.ino;
      let a = owners[rng.below(owners.length)]!;
      while (a === b) a = owners[rng.below(owners.length)]!;
      const aPtrs = pointers(img, inodes.read(a));
      const bIno = inodes.read(b);
      const bPtrs = pointers(img, bIno);
      const stolen = aPtrs[rng.below(aPtrs.length)]!.zone;
      const victim = bPtrs[rng.below(bPtrs.length)]!;
      if (victim.slot >= 0) { bIno.zone[victim.slot] = stolen; inodes.write(b, bIno); } else writeU32(img, victim.block * BS + victim.index * 4, stolen);
      const pathOf = (nr: number): string => files.find((f) => f.ino === nr)?.path ?? dirs.find((d) => d.ino === nr)!.path;

      const theirs = fsckMinix(img, '-f');
      const expected = blamedByFsckMinix(theirs.out);
      expect(expected === pathOf(a) || expected === pathOf(b), `seed ${seed}: fsck.minix blamed ${expected}\n${theirs.out}`).toBe(true);
      const mine = img.slice();
      const report = checkImage(mine, { repair: true });
      expect(blamedByMksim(report.problems), `seed ${seed}: ${report.problems.join('\n')}`).toBe(expected);
      expect(report.unrepaired, report.problems.join('\n')).toBe(0);

      // Every file the corruption did not touch reads back byte for byte; so does a when b is blamed.
      const intact = files.filter((f) => f.ino !== b && (f.ino !== a || expected === pathOf(b)));
      const back = readAll(mine, intact);
      for (const f of intact) expect(same(back.get(f.path)!, f.data), `seed ${seed} ${f.path}`).toBe(true);
      expect(fsckMinix(mine, '-f').status, `seed ${seed}`).toBe(0);
      expect(checkImage(mine.slice()).problems).toEqual([]);
      if (expected === pathOf(a)) blamedFirst.a++; else blamedFirst.b++;
    }
    // Both orders occur, so the walk order matters in these cases.
    expect(blamedFirst.a).toBeGreaterThan(0);
    expect(blamedFirst.b).toBeGreaterThan(0);
  }, 120_000);
});
