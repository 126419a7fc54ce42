/*
 * The debugger's `inode PATH` on an image made by the CLI: an inode the FS
 * has not read yet comes from its block, the directory from the disk; the
 * look reads no block through the cache (its counters do not move).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import type { Kernel } from '../../../kernel/index.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { inodeByPath } from '../../../cli/debug/inode.js';
import { attachDebugger } from '../../../cli/debug/session.js';
import { parseBreak } from '../../../cli/debug/when.js';
import { mksim } from '../../support/mksim.js';

describe('the debugger reads a file\'s inode without touching the FS', () => {
  it('before the FS looked the file up: inode from its block, directory from the disk; the cache counters unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-debug-inode-'));
    const image = join(dir, 'root.img');
    writeFileSync(join(dir, 'hi.txt'), 'hi\n');
    expect(mksim('mkfs', image, '--size', '2M').code).toBe(0);
    expect(mksim('img', 'cp', join(dir, 'hi.txt'), `${image}:/hi.txt`).code).toBe(0);
    const scriptPath = join(dir, 't.boot');
    const script = parseBootScript(`disk disk0 image=${image} model=ramdisk\nfs root=disk0\nprocess init\n    sleep 1ms\n    cat /hi.txt\n`, scriptPath);
    const input = ['cache', 'inode /hi.txt', 'inode /hi.txt/x', 'cache', 'continue'];
    let written = '';
    const lines: string[] = [];
    const system = buildSystem(script, { seed: 1, scriptPath }, (k) => {
      k.onConsole((proc, text) => lines.push(`${proc}: ${text}`));
      attachDebugger(k, [parseBreak('500us')], { input: { readLine: () => input.shift() ?? null }, write: (t) => { written += t; } });
    });
    system.kernel.run();
    system.close();
    expect(lines).toEqual(['init: hi']);
    expect(written).toMatch(/\/hi\.txt: inode 2 \(from the block \d+ \((buffer cache|disk disk0)\)\), served by fs\n {2}mode 0100644 \(regular\) {2}nlinks 1 {2}uid 0 {2}gid 0 {2}size 3 /);
    expect(written).toContain('/hi.txt: not a directory');
    const caches = written.split('\n').filter((l) => l.includes('hits '));
    expect(caches.length).toBe(2);
    expect(caches[0]).toBe(caches[1]);
  });
});

describe('the debugger walks a directory through its indirect zones', () => {
  // A directory of 1 KiB blocks whose entry sits in file block 263, the first under the double indirect zone
  // (7 direct + 256 single-indirect blocks before it); the blocks before it are holes. The FS's tables are
  // the dumps the debugger reads (kernel/debug.ts), here served from a map of blocks.
  const BLOCK = 1024;
  const geometry = { driver: 'disk0', blockSize: BLOCK, inodeStart: 2, inodesPerBlock: 16, ninodes: 64, zonesPerIndirect: 256 };
  const blocks = new Map<number, Uint8Array>();
  const put = (nr: number, fill: (b: DataView) => void): void => { const b = new Uint8Array(BLOCK); fill(new DataView(b.buffer)); blocks.set(nr, b); };
  const dirent = (b: DataView, off: number, ino: number, name: string): void => {
    b.setUint32(off, ino, true);
    for (let i = 0; i < name.length; i++) b.setUint8(off + 4 + i, name.charCodeAt(i));
  };
  const inode = (mode: number, size: number, zone: number[]): object => ({ mode, nlinks: 1, uid: 0, gid: 0, size, mtime: 0, zone, dirty: false, label: null });
  const rootZones = (slot: number, z: number): number[] => { const zs = new Array<number>(10).fill(0); zs[slot] = z; return zs; };
  const dumpsOf = (rootSlot: number, rootZone: number): Kernel => ({
    dumps: {
      offering: (what: string) => (what === 'geometry' ? ['fs'] : []),
      call: (name: string, what: string, arg?: string): unknown => {
        if (name === 'fs' && what === 'geometry') return geometry;
        if (name === 'fs' && what === 'inode') {
          if (arg === '1') return inode(0o040755, 264 * BLOCK, rootZones(rootSlot, rootZone));
          if (arg === '5') return inode(0o100644, 3, rootZones(0, 0));
          return null;
        }
        if (name === 'fs' && what === 'block') return blocks.get(Number(arg)) ?? null;
        return null;
      },
    },
  }) as unknown as Kernel;
  put(100, (b) => b.setUint32(0, 101, true)); // double indirect: its first pointer block
  put(101, (b) => b.setUint32(0, 102, true)); // ... whose first zone is file block 263
  put(102, (b) => dirent(b, 64, 5, 'deep'));
  put(200, (b) => b.setUint32(4 * 255, 102, true)); // a single indirect block whose last zone is file block 262

  it('finds an entry in file block 263 through zone 8 (double indirect), holes before it', () => {
    const lines = inodeByPath(dumpsOf(8, 100), '/deep');
    expect(lines[0]).toBe('/deep: inode 5 (from the inode table), served by fs');
    expect(inodeByPath(dumpsOf(8, 100), '/shallow')).toEqual(['/shallow: no such entry']);
  });

  it('finds it in file block 262 through zone 7 (single indirect)', () => {
    expect(inodeByPath(dumpsOf(7, 200), '/deep')[0]).toBe('/deep: inode 5 (from the inode table), served by fs');
  });
});
