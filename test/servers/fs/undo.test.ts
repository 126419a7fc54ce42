/*
 * Every call that allocates is undone when it fails half way (issue 13, item 1):
 * each call x {ENOSPC, EIO on a read, EIO on a write that fails for good}, booted
 * from a script on a real image with the disk driver's fault injection; then
 * util-linux's fsck.minix -f must find the image clean and every file must read
 * back as before the call (or as the call's success leaves it).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { readAllFiles } from '../../../cli/crashtest/files.js';
import { decodeInode, decodeSuperblock, geometryOf, INODE_BYTES, SUPER_OFFSET_BYTES } from '../../../servers/fs/layout.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-undo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boot(name: string, body: string): { code: number; out: string } {
  const path = join(dir, `${name}.boot`);
  writeFileSync(path, body);
  const lines: string[] = [];
  const code = bootScript(path, {}, (l) => lines.push(l), (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

function fsck(image: string): { status: number | null; out: string } {
  const r = spawnSync('fsck.minix', ['-f', image], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const hash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => 97 + (i % 26));

/**
 * The image every row starts from: a root directory whose block is full (16 entries),
 * /d2 full too, /seven of exactly 7 blocks (the next block needs an indirect one),
 * /big with an indirect block, and free space left.
 */
const BASELINE = [
  'mkdir /d1', 'mkdir /d2', 'write /d1/x "moved"', 'write /a "aaaa"',
  'write --bytes 7168 /seven', 'write --bytes 1024 /one', 'write --bytes 10240 /big',
  ...Array.from({ length: 7 }, (_, i) => `write /f${i}`),
  ...Array.from({ length: 14 }, (_, i) => `write /d2/g${i}`),
  // /d3: seven full blocks of entries (links to /a), so its next block needs an indirect one.
  'mkdir /d3', ...Array.from({ length: 7 * 16 - 2 }, (_, i) => `ln /a /d3/h${i}`),
  'sync',
];

let baseImage = '';
let baseFiles: Map<string, string>;
let geometry: { imap: number; zmap: number; inodeBlockOf: (nr: number) => number; indirectOf: (nr: number) => number; nrOf: (path: string) => number };

beforeAll(() => {
  baseImage = join(dir, 'base.img');
  const r = boot('base', `disk disk0 image=${baseImage} create=256K model=ramdisk\nfs root=disk0\nprocess init uid=0\n${BASELINE.map((l) => `    ${l}\n`).join('')}`);
  expect(r).toMatchObject({ code: 0 });
  const bytes = new Uint8Array(readFileSync(baseImage));
  const files = readAllFiles(bytes);
  if (typeof files === 'string') throw new Error(files);
  baseFiles = files;
  const sb = decodeSuperblock(bytes.subarray(SUPER_OFFSET_BYTES));
  const g = geometryOf(sb);
  const inode = (nr: number) => decodeInode(bytes, g.inodeStart * 1024 + (nr - 1) * INODE_BYTES);
  // Inode numbers by creation order: 1 root, then the baseline's files and directories.
  const order = ['/', '/d1', '/d2', '/d1/x', '/a', '/seven', '/one', '/big'];
  geometry = {
    imap: g.imapStart, zmap: g.zmapStart,
    inodeBlockOf: (nr) => g.inodeStart + Math.floor((nr - 1) / g.inodesPerBlock),
    indirectOf: (nr) => inode(nr).zone[7]!,
    nrOf: (path) => order.indexOf(path) + 1,
  };
  expect(inode(geometry.nrOf('/big')).size).toBe(10240);
  expect(inode(geometry.nrOf('/a')).nlinks).toBe(1 + 7 * 16 - 2);
  expect(fsck(baseImage).status).toBe(0);
});

type Mode = 'ENOSPC' | 'EIO-read' | 'EIO-write';
interface Row {
  readonly call: string;
  /** The command that must fail (or, for truncate under ENOSPC, succeed). */
  readonly command: string;
  /** Commands before it (in the same boot). */
  readonly before?: readonly string[];
  /** The block whose read fails (EIO-read) or whose write fails for good (EIO-write). */
  readonly readBlock: () => number;
  readonly writeBlock: () => number;
  /** Files that differ from the baseline when the row's mode leaves a change behind (null: removed). */
  readonly changes?: Partial<Record<Mode, Record<string, Uint8Array | null>>>;
  /** The command succeeds in this mode (truncate never needs space). */
  readonly succeeds?: readonly Mode[];
  /** The modes that apply (default: all three). */
  readonly modes?: readonly Mode[];
}

const ROWS: readonly Row[] = [
  // Root is full: the new name needs a zone, after the inode was allocated and written.
  { call: 'create', command: 'write /new "x"', readBlock: () => geometry.zmap, writeBlock: () => geometry.imap },
  // '.' needs a zone (MINIX do_mkdir's case).
  { call: 'mkdir', command: 'mkdir /d1/sub', readBlock: () => geometry.zmap, writeBlock: () => geometry.imap },
  // Root is full: the second name needs a zone, after the link count was raised.
  { call: 'link', command: 'ln /a /b', readBlock: () => geometry.zmap, writeBlock: () => geometry.inodeBlockOf(geometry.nrOf('/a')) },
  { call: 'symlink', command: 'ln -s /a /d1/s', readBlock: () => geometry.zmap, writeBlock: () => geometry.imap },
  // /d2 is full: the new name needs a zone.
  { call: 'rename', command: 'mv /d1/x /d2/x', readBlock: () => geometry.zmap, writeBlock: () => geometry.zmap },
  // The eighth block needs a data zone and an indirect block.
  { call: 'write that grows', command: 'write --append /seven "z"', readBlock: () => geometry.zmap, writeBlock: () => geometry.zmap },
  // One zone free: the data zone is had, the indirect block is not; the data zone must go back.
  {
    call: 'write that needs an indirect block', before: ['rm /one'], command: 'write --append /seven "z"',
    readBlock: () => geometry.zmap, writeBlock: () => geometry.zmap, modes: ['ENOSPC'], changes: { ENOSPC: { '/one': null } },
  },
  // One zone free: the directory's new block is had, its indirect block is not.
  {
    call: 'create in a directory that needs an indirect block', before: ['rm /one'], command: 'write /d3/new "x"',
    readBlock: () => geometry.zmap, writeBlock: () => geometry.zmap, modes: ['ENOSPC'], changes: { ENOSPC: { '/one': null } },
  },
  // Truncation frees the seven direct zones, then cannot read the indirect block.
  {
    call: 'truncate', command: 'open t /big O_WRONLY|O_TRUNC', readBlock: () => geometry.indirectOf(geometry.nrOf('/big')), writeBlock: () => geometry.zmap,
    succeeds: ['ENOSPC'], changes: { ENOSPC: { '/big': new Uint8Array(0) } },
  },
];

// In /d1, which has room: the root directory must stay exactly full.
const FILL = 'expect ENOSPC write --bytes 400000 /d1/fill';

function script(image: string, mode: Mode, row: Row): string {
  const fault = mode === 'EIO-read' ? `fault disk0 read-error block=${row.readBlock()}\n`
    : mode === 'EIO-write' ? `fault disk0 write-error block=${row.writeBlock()}\n` : '';
  // robust=on for write errors: the call's own writes fail, so the call itself must be undone.
  const fs = mode === 'EIO-write' ? 'fs root=disk0 robust=on' : 'fs root=disk0';
  const errno = mode === 'ENOSPC' ? 'ENOSPC' : 'EIO';
  const ok = row.succeeds?.includes(mode) === true;
  const lines = [
    ...(mode === 'ENOSPC' ? [FILL] : []),
    ...(row.before ?? []),
    `expect ${ok ? 'ok' : errno} ${row.command}`,
    // After a write failed for good the FS is read-only; else it goes on working.
    mode === 'EIO-write' ? 'expect EROFS mkdir /later' : 'expect ok ls /d1',
    mode === 'EIO-write' ? 'expect ok cat /a' : 'sync',
  ];
  return `disk disk0 image=${image} model=ramdisk\n${fault}${fs}\nprocess init uid=0\n${lines.map((l) => `    ${l}\n`).join('')}`;
}

describe('a call that fails half way is undone: fsck.minix -f is clean and the files are as before', () => {
  for (const row of ROWS) {
    for (const mode of row.modes ?? (['ENOSPC', 'EIO-read', 'EIO-write'] as const)) {
      it(`${row.call} x ${mode}`, () => {
        const image = join(dir, `${row.call.replace(/ /g, '-')}-${mode}.img`);
        copyFileSync(baseImage, image);
        const r = boot(`${row.call.replace(/ /g, '-')}-${mode}`, script(image, mode, row));
        if (mode === 'EIO-write') {
          expect(r.code).toBe(1);
          expect(r.out).toMatch(/fs: error: writing block \d+ failed \(EIO\): the file system is now read-only/);
          expect(r.out).not.toMatch(/expectation failed/);
        } else {
          expect(r).toMatchObject({ code: 0 });
        }
        expect(fsck(image)).toMatchObject({ status: 0 });
        const files = readAllFiles(new Uint8Array(readFileSync(image)));
        if (typeof files === 'string') throw new Error(files);
        const expected = new Map(baseFiles);
        for (const [path, content] of Object.entries(row.changes?.[mode] ?? {})) {
          if (content === null) expected.delete(path); else expected.set(path, hash(content));
        }
        if (mode === 'ENOSPC') {
          expect(files.has('/d1/fill')).toBe(true);
          files.delete('/d1/fill');
        }
        expect(Object.fromEntries(files)).toEqual(Object.fromEntries(expected));
      });
    }
  }

  it('the baseline holds what it wrote', () => {
    expect(baseFiles.get('/seven')).toBe(hash(pattern(7168)));
    expect(baseFiles.get('/d1/x')).toBe(hash(new TextEncoder().encode('moved')));
  });
});

describe('write errors', () => {
  it('a transient write error (once) is tried again: the call succeeds and the FS stays read-write', () => {
    const image = join(dir, 'transient.img');
    copyFileSync(baseImage, image);
    const r = boot('transient', `disk disk0 image=${image} model=ramdisk\nfault disk0 write-error block=${geometry.imap} count=1\nfs root=disk0 robust=on\nprocess init uid=0\n    mkdir /d1/sub\n    mkdir /d1/sub2\n    sync\n`);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).not.toMatch(/error/);
    expect(fsck(image)).toMatchObject({ status: 0 });
  });

  it('after a write failed for good, reads go on, from a cache whose dirty blocks can no longer be written', () => {
    const image = join(dir, 'stopped.img');
    copyFileSync(baseImage, image);
    // robust=off and a small cache: the failed blocks stay dirty while the reads need buffers. The
    // inode bitmap is the first block the sorted flush writes, so nothing reaches the disk.
    const r = boot('stopped', `disk disk0 image=${image} model=ramdisk\nfault disk0 write-error block=${geometry.imap}\nfs root=disk0 cache=8\nprocess init uid=0\n`
      + '    write /d1/y "new"\n    expect EIO sync\n    expect EROFS write /d1/z "x"\n    cat /d1/x\n    cat /seven\n    cat /a\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/init: moved/);
    expect(r.out).toMatch(/init: aaaa/);
    expect(r.out).not.toMatch(/expectation failed|cat: E/);
    expect(fsck(image)).toMatchObject({ status: 0 });
  });
});
