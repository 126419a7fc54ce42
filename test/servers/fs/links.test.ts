/*
 * Link counts never free a named file (issue 13, the live-FS fuzzer's seed 20260219): a read-write
 * mount refuses an image where an inode has fewer links than the entries naming it, or an entry names
 * a free inode, naming the inode and both counts, unless `fs ... trust-links`; the walk is bounded and
 * says when it was partial.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EIO } from '../../../kernel/index.js';
import { bootScript } from '../../../cli/commands/boot.js';
import { clearBit, testBit } from '../../../servers/fs/bitmap.js';
import { decodeInode, decodeSuperblock, DIRENT_BYTES, direntInode, direntName, encodeInode, geometryOf, INODE_BYTES, setDirentInode } from '../../../servers/fs/layout.js';
import { checkLinks } from '../../../servers/fs/linkcheck.js';
import { mountDevice } from '../../../servers/fs/super.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { memDevice, runSync } from './helpers.js';
import { call, runFs } from './system.js';

const BS = 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();
const KEEP = 'k'.repeat(1500);
const dir = mkdtempSync(join(tmpdir(), 'mksim-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** /keep (1500 bytes, also named /d/alias), /d, /other: synced and clean. */
function populated() {
  const img = formatImage({ sizeBytes: 1 << 20 });
  const { result } = runFs(img, function* () {
    yield* call({ type: 'FS_MKDIR', path: '/d', mode: 0o755 });
    const keep = (yield* call({ type: 'FS_CREATE', path: '/keep', mode: 0o644 })).ino!;
    yield* call({ type: 'FS_WRITE', path: '/keep', position: 0, buffer: enc.encode(KEEP) });
    yield* call({ type: 'FS_LINK', path: '/keep', path2: '/d/alias' });
    yield* call({ type: 'FS_CREATE', path: '/other', mode: 0o644 });
    yield* call({ type: 'FS_SYNC' });
    return { keep };
  });
  const sb = decodeSuperblock(img.subarray(1024));
  return { img, sb, g: geometryOf(sb), keep: result.keep };
}
type Image = ReturnType<typeof populated>;

function setNlinks(p: Image, nr: number, nlinks: number): void {
  const offset = p.g.inodeStart * BS + (nr - 1) * INODE_BYTES;
  const d = decodeInode(p.img, offset);
  d.nlinks = nlinks;
  encodeInode(d, p.img, offset);
}

/** Point the entry `name` of directory inode dirNr at inode nr. */
function setEntry(p: Image, dirNr: number, name: string, nr: number): void {
  const z = decodeInode(p.img, p.g.inodeStart * BS + (dirNr - 1) * INODE_BYTES).zone[0]!;
  for (let off = z * BS; off < (z + 1) * BS; off += DIRENT_BYTES) {
    if (direntInode(p.img, off) !== 0 && direntName(p.img, off) === name) { setDirentInode(p.img, off, nr); return; }
  }
  throw new Error(`no entry ${name}`);
}

function fsckMinix(img: Uint8Array, name: string): { status: number | null; out: string } {
  const path = join(dir, name);
  writeFileSync(path, img);
  const r = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8' });
  return { status: r.status, out: (r.stdout + r.stderr).replace(/^Forcing.*\n/m, '') };
}

/** What a read-only mount reads at `path` (the FS's own reader, no write). */
function readBack(img: Uint8Array, path: string): string {
  return runFs(img, function* () {
    const buffer = new Uint8Array(4 * BS);
    const r = yield* call({ type: 'FS_READ', path, position: 0, buffer });
    return r.status < 0 ? `error ${r.status}` : dec.decode(buffer.subarray(0, r.status));
  }, { readOnly: true }).result;
}

describe('link counts below the number of names', () => {
  it('the fuzzer\'s seed 20260219, minimized: i_nlinks lowered, `rm` of one name, creates: the mount refuses the image and nothing changes', () => {
    const p = populated();
    setNlinks(p, p.keep, 1);
    const before = fsckMinix(p.img, 'before.img');
    expect(before).toEqual({ status: 4, out: `Inode ${p.keep} (mode = 0100644), i_nlinks=1, counted=2.\n` });
    const image = join(dir, 'seed-20260219.img');
    writeFileSync(image, p.img);
    const script = join(dir, 'seed-20260219.boot');
    writeFileSync(script, [
      `disk disk0 image=${image} block-size=1024 model=ramdisk`,
      'fs   root=disk0 cache=8',
      'process init uid=0',
      '    rm /keep',
      `    write /n1 "${'n'.repeat(1500)}"`,
      '    write /n2 "second"',
      '    sync',
      '',
    ].join('\n'));
    const out: string[] = [];
    const code = bootScript(script, {}, (l) => out.push(l), (l) => out.push(l));
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(`cannot mount disk0: link counts contradict the directories: inode ${p.keep} has i_nlinks 1 but 2 directory entries name it (/keep, /d/alias)`);
    expect(out.join('\n')).toContain('`fs ... trust-links`');
    const after = new Uint8Array(readFileSync(image));
    expect(Buffer.from(after).equals(Buffer.from(p.img))).toBe(true);
    expect(fsckMinix(after, 'after.img')).toEqual(before);
    expect(readBack(after, '/d/alias')).toBe(KEEP);
    expect(readBack(after, '/keep')).toBe(KEEP);
  });

  it('trusted anyway (`trust-links`), the same calls free the named inode: what the check prevents', () => {
    const p = populated();
    setNlinks(p, p.keep, 1);
    const { result } = runFs(p.img, function* () {
      const rm = (yield* call({ type: 'FS_UNLINK', path: '/keep' })).status;
      const ino = (yield* call({ type: 'FS_CREATE', path: '/n1', mode: 0o644 })).ino;
      yield* call({ type: 'FS_WRITE', path: '/n1', position: 0, buffer: enc.encode('n'.repeat(1500)) });
      yield* call({ type: 'FS_SYNC' });
      return { rm, ino };
    }, { trustLinks: true });
    expect(result).toEqual({ rm: 0, ino: p.keep });
    expect(readBack(p.img, '/d/alias')).toBe('n'.repeat(1500));
  });

  it('i_nlinks 0 under three names: refused before a read could free it', () => {
    const p = populated();
    runFs(p.img, function* () {
      yield* call({ type: 'FS_LINK', path: '/keep', path2: '/third' });
      yield* call({ type: 'FS_SYNC' });
    });
    setNlinks(p, p.keep, 0);
    const before = p.img.slice();
    const { result } = runFs(p.img, function* () {
      const stat = yield* call({ type: 'FS_STAT', path: '/d/alias' });
      yield* call({ type: 'FS_SYNC' });
      return { status: stat.status, message: stat.message ?? '' };
    });
    expect(result.status).toBe(-EIO);
    expect(result.message).toContain(`inode ${p.keep} has i_nlinks 0 but 3 directory entries name it (/keep, /third, /d/alias)`);
    expect(Buffer.from(p.img).equals(Buffer.from(before))).toBe(true);
  });

  it('a directory\'s count below its names (its entry, ".", the children\'s "..") is refused too', () => {
    const p = populated();
    runFs(p.img, function* () {
      yield* call({ type: 'FS_MKDIR', path: '/d/e', mode: 0o755 });
      yield* call({ type: 'FS_SYNC' });
    });
    const dNr = runFs(p.img, function* () { return (yield* call({ type: 'FS_STAT', path: '/d' })).stat!.ino; }, { readOnly: true }).result;
    setNlinks(p, dNr, 2);
    const { result } = runFs(p.img, function* () { return (yield* call({ type: 'FS_STAT', path: '/d' })).message ?? ''; });
    expect(result).toContain(`inode ${dNr} has i_nlinks 2 but 3 directory entries name it (/d, /d/., /d/e/..)`);
  });

  it('a clean image, and a count above the names (a leak, fsck\'s business), mount', () => {
    const p = populated();
    setNlinks(p, p.keep, 5);
    const { result } = runFs(p.img, function* () {
      const create = (yield* call({ type: 'FS_CREATE', path: '/n', mode: 0o644 })).status;
      const buffer = new Uint8Array(2 * BS);
      const read = yield* call({ type: 'FS_READ', path: '/d/alias', position: 0, buffer });
      return { create, data: dec.decode(buffer.subarray(0, read.status)) };
    });
    expect(result).toEqual({ create: 0, data: KEEP });
  });
});

describe('an entry naming a free inode', () => {
  it('mode 0 and bit clear: refused (allocation would hand the number to a new file, which the old name would then reach)', () => {
    const p = populated();
    const free = p.keep + 3;
    expect(testBit(p.img.subarray(p.g.imapStart * BS), free)).toBe(false);
    setEntry(p, 1, 'other', free);
    const { result } = runFs(p.img, function* () {
      const create = yield* call({ type: 'FS_CREATE', path: '/n', mode: 0o644 });
      return { status: create.status, message: create.message ?? '' };
    });
    expect(result.status).toBe(-EIO);
    expect(result.message).toContain(`inode ${free} is free (mode 0) but named by /other`);
  });

  it('mode 0 with its bit set: refused as well', () => {
    const p = populated();
    const otherNr = runFs(p.img, function* () { return (yield* call({ type: 'FS_STAT', path: '/other' })).stat!.ino; }, { readOnly: true }).result;
    p.img.fill(0, p.g.inodeStart * BS + (otherNr - 1) * INODE_BYTES, p.g.inodeStart * BS + otherNr * INODE_BYTES);
    const { result } = runFs(p.img, function* () { return (yield* call({ type: 'FS_STAT', path: '/other' })).message ?? ''; });
    expect(result).toContain(`inode ${otherNr} is free (mode 0) but named by /other`);
  });

  it('in use but its bit clear: the bitmap check refuses it', () => {
    const p = populated();
    clearBit(p.img.subarray(p.g.imapStart * BS), p.keep);
    const { result } = runFs(p.img, function* () { return (yield* call({ type: 'FS_STAT', path: '/d/alias' })).message ?? ''; });
    expect(result).toContain(`inode ${p.keep} is in use (mode 0o100644) but free in the inode bitmap`);
  });
});

describe('the walk is bounded', () => {
  it('out of budget, it says the check was partial, and still refuses a count below the names it found', () => {
    const p = populated();
    setNlinks(p, p.keep, 0);
    const fs = runSync(mountDevice(null, memDevice(p.img, BS), { driver: 'disk0', trustLinks: true }));
    const full = runSync(checkLinks(fs));
    expect(full.stopped).toBeNull();
    expect(full.problems).toEqual([`inode ${p.keep} has i_nlinks 0 but 2 directory entries name it (/keep, /d/alias)`]);
    expect(full.directories).toBe(2);
    // Root's inode block, root's directory block, /d's directory block: 3 block reads in all.
    expect(full.blocksRead).toBe(3);
    const partial = runSync(checkLinks(fs, 2));
    expect(partial).toMatchObject({ stopped: 'the budget of 2 block reads ran out', directories: 1 });
    expect(partial.problems).toEqual([`inode ${p.keep} has i_nlinks 0 but 1 directory entries name it (/keep)`]);
  });

  it('a directory too big for the budget: the mount goes on and says so in the trace and on the console', () => {
    const p = populated();
    // The root claims 2000 blocks of entries (holes past the first): more than 1024 block reads.
    const rootOffset = p.g.inodeStart * BS;
    const root = decodeInode(p.img, rootOffset);
    root.size = 2000 * BS;
    encodeInode(root, p.img, rootOffset);
    const { result, records } = runFs(p.img, function* () { return (yield* call({ type: 'FS_CREATE', path: '/n', mode: 0o644 })).status; }, {}, true);
    expect(result).toBe(0);
    const partial = records.filter((r) => JSON.stringify(r).includes('link-count check partial'));
    // The trace's `error` record (call: mount) and the console line (a `log` record).
    expect(partial.map((r) => r.ev).sort()).toEqual(['error', 'log']);
    for (const r of partial) expect(JSON.stringify(r)).toMatch(/link-count check partial \(0 whole directories and 5 entries read\): the budget of 1024 block reads ran out/);
  });
});
