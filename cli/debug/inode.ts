/*
 * A file's inode by path, for the debugger: resolved from outside the
 * system, through dumps (kernel/debug.ts), without a message or a get_block.
 *   inodeByPath(kernel, path)   -> text lines: the inode's fields, where they came from, its label
 * A block is taken from the FS's buffer cache when a valid buffer holds it
 * (newer than the disk), else from the disk image (the driver's `read`
 * dump); an inode from the FS's inode table when it is there. Directories
 * are searched block by block through their direct, single, double and triple
 * indirect zones, as mfs's read_map (zones = blocks: mksim's images have
 * s_log_zone_size 0).
 */
import type { Kernel } from '../../kernel/index.js';
import { decodeInode, DIRENT_BYTES, direntName, emptyInode, INODE_BYTES, NR_DZONES, readU32, ROOT_INODE, SINGLE_SLOT, TRIPLE_SLOT } from '../../servers/fs/layout.js';

interface Geometry { driver: string; blockSize: number; inodeStart: number; inodesPerBlock: number; ninodes: number; zonesPerIndirect: number }
interface InodeView { mode: number; nlinks: number; uid: number; gid: number; size: number; mtime: number; zone: number[]; from: string; label: string | null }

/** Path components looked up at most (a path is at most 255 of them in MINIX). */
const MAX_COMPONENTS = 255;

class Reader {
  constructor(private readonly k: Kernel, private readonly fsName: string, readonly g: Geometry) {}

  block(nr: number): { data: Uint8Array; from: string } | null {
    const cached = this.k.dumps.call(this.fsName, 'block', String(nr));
    if (cached instanceof Uint8Array) return { data: cached, from: 'buffer cache' };
    const raw = this.k.dumps.call(this.g.driver, 'read', `${nr * this.g.blockSize},${this.g.blockSize}`);
    return raw instanceof Uint8Array ? { data: raw, from: `disk ${this.g.driver}` } : null;
  }

  inode(nr: number): InodeView | null {
    if (!(nr >= 1 && nr <= this.g.ninodes)) return null;
    const inTable = this.k.dumps.call(this.fsName, 'inode', String(nr)) as (InodeView & { dirty: boolean }) | null | undefined;
    if (inTable !== null && inTable !== undefined) return { ...inTable, from: `inode table${inTable.dirty ? ' (dirty)' : ''}` };
    const blockNr = this.g.inodeStart + Math.floor((nr - 1) / this.g.inodesPerBlock);
    const b = this.block(blockNr);
    if (b === null) return null;
    const d = decodeInode(b.data, ((nr - 1) % this.g.inodesPerBlock) * INODE_BYTES, emptyInode());
    return { ...d, zone: [...d.zone], from: `block ${blockNr} (${b.from})`, label: null };
  }

  /**
   * The zone of file block `index` (0: a hole or unreadable), as mfs's read_map: the direct zones, then one,
   * two and three levels of indirect blocks. `indirect` keeps the indirect blocks one lookup has read.
   */
  zoneOf(ino: InodeView, index: number, indirect: Map<number, Uint8Array | null>): number {
    const n = this.g.zonesPerIndirect;
    let i = index;
    if (i < NR_DZONES) return ino.zone[i] ?? 0;
    i -= NR_DZONES;
    let slot = SINGLE_SLOT;
    let levels = 1;
    for (let span = n; i >= span; span *= n) {
      i -= span;
      slot++;
      levels++;
      if (slot > TRIPLE_SLOT) return 0;
    }
    let z = ino.zone[slot] ?? 0;
    for (let level = levels - 1; level >= 0 && z !== 0; level--) {
      if (!indirect.has(z)) indirect.set(z, this.block(z)?.data ?? null);
      const data = indirect.get(z);
      z = data === null || data === undefined ? 0 : readU32(data, 4 * (Math.floor(i / n ** level) % n));
    }
    return z;
  }

  /** The inode number of `name` in a directory, or 0: every block of its size, through its indirect zones. */
  lookup(dir: InodeView, name: string): number {
    const indirect = new Map<number, Uint8Array | null>();
    const blocks = Math.ceil(dir.size / this.g.blockSize);
    let left = dir.size;
    for (let index = 0; index < blocks; index++, left -= this.g.blockSize) {
      const z = this.zoneOf(dir, index, indirect);
      if (z === 0) continue;
      const b = this.block(z);
      if (b === null) return 0;
      for (let off = 0, l = left; off < this.g.blockSize && l > 0; off += DIRENT_BYTES, l -= DIRENT_BYTES) {
        const ino = readU32(b.data, off);
        if (ino !== 0 && direntName(b.data, off) === name) return ino;
      }
    }
    return 0;
  }
}

const TYPES: Readonly<Record<number, string>> = { 0o040000: 'directory', 0o100000: 'regular', 0o120000: 'symlink', 0o020000: 'char device', 0o060000: 'block device', 0o010000: 'fifo', 0o140000: 'socket' };

export function inodeByPath(k: Kernel, path: string): string[] {
  const fsName = k.dumps.offering('geometry')[0];
  if (fsName === undefined) return ['no file system is mounted (no FS server offers its tables)'];
  if (!path.startsWith('/')) return [`give an absolute path, such as /etc/passwd (got '${path}')`];
  const r = new Reader(k, fsName, k.dumps.call(fsName, 'geometry') as Geometry);
  let nr = ROOT_INODE;
  let ino = r.inode(nr);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length > MAX_COMPONENTS) return [`${path}: more than ${MAX_COMPONENTS} components`];
  let walked = '';
  for (const part of parts) {
    if (ino === null) return [`${walked || '/'}: cannot read inode ${nr}`];
    if ((ino.mode & 0o170000) !== 0o040000) return [`${walked}: not a directory`];
    nr = r.lookup(ino, part);
    walked += '/' + part;
    if (nr === 0) return [`${walked}: no such entry`];
    ino = r.inode(nr);
  }
  if (ino === null) return [`${path}: cannot read inode ${nr}`];
  const type = TYPES[ino.mode & 0o170000] ?? 'unknown type';
  return [
    `${path}: inode ${nr} (from the ${ino.from}), served by ${fsName}`,
    `  mode 0${ino.mode.toString(8)} (${type})  nlinks ${ino.nlinks}  uid ${ino.uid}  gid ${ino.gid}  size ${ino.size}  mtime ${ino.mtime}`,
    `  zones ${ino.zone.slice(0, NR_DZONES).join(' ')} | indirect ${ino.zone.slice(NR_DZONES).join(' ')}`,
    ...(ino.label !== null && ino.label !== undefined ? [`  label ${ino.label}`] : []),
  ];
}
