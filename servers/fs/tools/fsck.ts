/*
 * fsck: mksim's own checker for MINIX V3 images in memory.
 *   checkImage(image, { repair })  -> FsckReport: problems found, how many repaired, a summary
 * It checks the superblock against the image, walks the tree from the root
 * (each directory once, so a directory loop is found, not followed), and
 * checks zone ownership (range, claimed twice, an indirect block pointing at
 * itself), directory structure ('.' and '..'), link counts and both bitmaps.
 * With repair it clears bad pointers and entries, frees unreachable inodes,
 * sets link counts and rebuilds the bitmaps from what it found.
 * Blame follows util-linux fsck.minix (check_zones2, recursive_check2): the
 * walk is depth-first in directory-entry order, the root's zones first, a
 * file's zones claimed at its first link; when two pointers claim one zone,
 * the first met keeps it and the later pointer is cleared. Only directories,
 * regular files and symbolic links own zones: a device's i_zone[0] is its
 * device number (mfs new_node), not a zone.
 */
import { clearBit, setBit, testBit } from '../bitmap.js';
import {
  checkSuperblock, decodeInode, decodeSuperblock, DIRENT_BYTES, direntInode, direntName, encodeInode, emptyInode,
  geometryOf, INODE_BYTES, isDir, NR_DZONES, ROOT_INODE, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, setDirentInode, SUPER_OFFSET_BYTES,
  validFileType, type DiskInode, type Geometry, type Superblock,
} from '../layout.js';

/** A directory to walk: its inode, its parent, its path. */
interface DirVisit { readonly nr: number; readonly parent: number; readonly path: string; readonly ino: DiskInode }

/** Inodes whose i_zone holds zones (fsck.minix check_zones2); devices keep their device number there. */
function ownsZones(mode: number): boolean {
  const type = mode & S_IFMT;
  return type === S_IFDIR || type === S_IFREG || type === S_IFLNK;
}

export interface FsckOptions {
  readonly repair?: boolean;
}

export interface FsckReport {
  /** A superblock problem that stops the check (nothing else was examined). */
  readonly fatal: string | null;
  readonly problems: string[];
  readonly repaired: number;
  /** Problems found and not repaired. */
  readonly unrepaired: number;
  readonly inodesUsed: number;
  readonly zonesUsed: number;
  readonly directories: number;
  readonly files: number;
  /** True if the image was changed (repair). */
  readonly modified: boolean;
}

const MAX_LISTED = 1000;

class Checker {
  readonly sb: Superblock;
  readonly g: Geometry;
  readonly imap: Uint8Array;
  readonly zmap: Uint8Array;
  readonly linkCount: Uint32Array;
  /** Inode that owns each zone (0: none). */
  readonly zoneOwner: Uint32Array;
  /** 1: zones checked; 2: a directory already entered. */
  readonly seen: Uint8Array;
  readonly problems: string[] = [];
  problemsTotal = 0;
  repaired = 0;
  modified = false;
  directories = 0;
  files = 0;

  constructor(readonly image: Uint8Array, sb: Superblock, readonly repair: boolean) {
    this.sb = sb;
    this.g = geometryOf(sb);
    const bs = sb.blockSize;
    this.imap = image.subarray(this.g.imapStart * bs, this.g.zmapStart * bs);
    this.zmap = image.subarray(this.g.zmapStart * bs, this.g.inodeStart * bs);
    this.linkCount = new Uint32Array(sb.ninodes + 1);
    this.zoneOwner = new Uint32Array(sb.zones);
    this.seen = new Uint8Array(sb.ninodes + 1);
  }

  problem(text: string, fixed: boolean): void {
    this.problemsTotal++;
    if (fixed) {
      this.repaired++;
      this.modified = true;
    }
    if (this.problems.length < MAX_LISTED) this.problems.push(fixed ? `${text} (repaired)` : text);
  }

  block(nr: number): Uint8Array {
    const bs = this.sb.blockSize;
    return this.image.subarray(nr * bs, (nr + 1) * bs);
  }

  inodeOffset(nr: number): number {
    return this.g.inodeStart * this.sb.blockSize + (nr - 1) * INODE_BYTES;
  }

  readInode(nr: number): DiskInode {
    return decodeInode(this.image, this.inodeOffset(nr));
  }

  writeInode(nr: number, ino: DiskInode): void {
    encodeInode(ino, this.image, this.inodeOffset(nr));
    this.modified = true;
  }

  inRange(z: number): boolean {
    return z >= this.sb.firstDataZone && z < this.sb.zones;
  }

  /**
   * Check and claim every zone of an inode; returns the data zones by
   * logical block index (holes absent). Bad pointers are reported (and
   * cleared when repairing). Depth is fixed, and a zone is entered only when
   * first claimed, so a corrupt chain cannot loop.
   */
  claimZones(nr: number, ino: DiskInode, where: string): Map<number, number> {
    const data = new Map<number, number>();
    let inodeDirty = false;
    const perIndirect = this.g.zonesPerIndirect;
    const claim = (z: number, what: string, ancestors: readonly number[]): boolean => {
      if (!this.inRange(z)) {
        this.problem(`inode ${nr} (${where}): ${what} zone ${z} out of range [${this.sb.firstDataZone}, ${this.sb.zones})`, this.repair);
        return false;
      }
      if (ancestors.includes(z)) {
        this.problem(`inode ${nr} (${where}): indirect block ${z} points at itself`, this.repair);
        return false;
      }
      const owner = this.zoneOwner[z]!;
      if (owner !== 0) {
        this.problem(`inode ${nr} (${where}): ${what} zone ${z} already used by inode ${owner}`, this.repair);
        return false;
      }
      this.zoneOwner[z] = nr;
      return true;
    };
    const walk = (z: number, depth: number, firstIndex: number, ancestors: readonly number[]): void => {
      // depth: 1 single indirect, 2 double, 3 triple; the block holds zone numbers.
      const blk = this.block(z);
      const view = new DataView(blk.buffer, blk.byteOffset, blk.length);
      const span = perIndirect ** (depth - 1);
      const chain = [...ancestors, z];
      for (let i = 0; i < perIndirect; i++) {
        const child = view.getUint32(4 * i, true);
        if (child === 0) continue;
        const what = depth === 1 ? 'data' : 'indirect';
        if (!claim(child, what, chain)) {
          if (this.repair) view.setUint32(4 * i, 0, true);
          continue;
        }
        if (depth === 1) data.set(firstIndex + i, child);
        else walk(child, depth - 1, firstIndex + i * span, chain);
      }
    };
    for (let slot = 0; slot < 10; slot++) {
      const z = ino.zone[slot]!;
      if (z === 0) continue;
      const what = slot < NR_DZONES ? 'data' : 'indirect';
      if (!claim(z, what, [])) {
        if (this.repair) { ino.zone[slot] = 0; inodeDirty = true; }
        continue;
      }
      if (slot < NR_DZONES) { data.set(slot, z); continue; }
      const depth = slot - NR_DZONES + 1;
      const first = NR_DZONES + (depth >= 2 ? perIndirect : 0) + (depth >= 3 ? perIndirect ** 2 : 0);
      walk(z, depth, first, []);
    }
    if (inodeDirty) this.writeInode(nr, ino);
    return data;
  }

  /** Check an inode the first time an entry reaches it. False if the entry should go (bad inode). */
  enterInode(nr: number, where: string): DiskInode | null {
    const ino = this.readInode(nr);
    if (!validFileType(ino.mode)) {
      this.problem(`inode ${nr} (${where}): bad mode 0o${ino.mode.toString(8)}`, this.repair);
      return null;
    }
    if (!testBit(this.imap, nr)) {
      this.problem(`inode ${nr} (${where}) is in use but marked free in the inode bitmap`, this.repair);
      if (this.repair) setBit(this.imap, nr);
    }
    return ino;
  }

  run(): void {
    const root = this.readInode(ROOT_INODE);
    if (!isDir(root.mode)) {
      this.problem(`root inode ${ROOT_INODE} is not a directory (mode 0o${root.mode.toString(8)})`, false);
      return;
    }
    this.enterInode(ROOT_INODE, '/');
    this.seen[ROOT_INODE] = 2;
    // Depth-first in entry order, as fsck.minix's recursion, on an explicit stack: a subdirectory
    // is walked when its entry is met, before the next entry. Each directory is entered once
    // (seen), so the stack holds at most s_ninodes walks.
    const stack = [this.checkDirectory({ nr: ROOT_INODE, parent: ROOT_INODE, path: '/', ino: root })];
    while (stack.length > 0) {
      const step = stack[stack.length - 1]!.next();
      if (step.done === true) stack.pop();
      else stack.push(this.checkDirectory(step.value));
    }
    this.checkCounts();
  }

  /** The entries of one directory; yields each subdirectory entered for the first time, to be walked at once. */
  *checkDirectory(dir: DirVisit): Generator<DirVisit, void, void> {
    const { nr, parent, path, ino } = dir;
    this.directories++;
    const bs = this.sb.blockSize;
    const zones = this.claimZones(nr, ino, path);
    if (ino.size % DIRENT_BYTES !== 0) this.problem(`directory inode ${nr} (${path}): size ${ino.size} is not a multiple of ${DIRENT_BYTES}`, false);
    const entries = Math.floor(ino.size / DIRENT_BYTES);
    const perBlock = bs / DIRENT_BYTES;
    const join = (name: string): string => (path === '/' ? `/${name}` : `${path}/${name}`);
    // Only mapped blocks are read: a hole in a directory holds no entries.
    const blockIndexes = [...zones.keys()].filter((i) => i * perBlock < entries).sort((a, b) => a - b);
    if (!zones.has(0)) this.problem(`directory inode ${nr} (${path}) has no first block: '.' and '..' are missing`, false);
    for (const bi of blockIndexes) {
      const blk = this.block(zones.get(bi)!);
      for (let e = 0; e < perBlock; e++) {
        const index = bi * perBlock + e;
        if (index >= entries) break;
        const off = e * DIRENT_BYTES;
        const child = direntInode(blk, off);
        const name = direntName(blk, off);
        const clearEntry = (): void => {
          if (this.repair) { setDirentInode(blk, off, 0); this.modified = true; }
        };
        if (index <= 1) {
          const want = index === 0 ? '.' : '..';
          const wantNr = index === 0 ? nr : parent;
          if (name !== want || child !== wantNr) {
            this.problem(`directory inode ${nr} (${path}): entry ${index} is '${name}' -> ${child}, expected '${want}' -> ${wantNr}`, this.repair);
            if (this.repair) { setDirentInode(blk, off, wantNr); blk.fill(0, off + 4, off + DIRENT_BYTES); blk.set(index === 0 ? [46] : [46, 46], off + 4); }
          }
          this.linkCount[wantNr]!++;
          continue;
        }
        if (child === 0) continue;
        const where = join(name);
        if (child > this.sb.ninodes) {
          this.problem(`${where}: entry points to inode ${child} beyond s_ninodes ${this.sb.ninodes}`, this.repair);
          clearEntry();
          continue;
        }
        if (name === '' || name === '.' || name === '..' || name.includes('/')) {
          this.problem(`directory inode ${nr} (${path}): bad name '${name}' in entry ${index}`, false);
        }
        if (this.seen[child] === 2) {
          this.problem(`directory loop: ${where} refers to directory inode ${child}, already in the tree`, this.repair);
          clearEntry();
          continue;
        }
        if (this.seen[child] === 0) {
          const cino = this.enterInode(child, where);
          if (cino === null) { clearEntry(); continue; }
          if (isDir(cino.mode)) {
            this.seen[child] = 2;
            this.linkCount[child]!++;
            yield { nr: child, parent: nr, path: where, ino: cino };
            continue;
          }
          this.seen[child] = 1;
          this.files++;
          if (ownsZones(cino.mode)) this.claimZones(child, cino, where);
        }
        this.linkCount[child]!++;
      }
    }
  }

  checkCounts(): void {
    const { sb } = this;
    if (!testBit(this.imap, 0)) { this.problem('inode bitmap bit 0 (reserved) is clear', this.repair); if (this.repair) setBit(this.imap, 0); }
    if (!testBit(this.zmap, 0)) { this.problem('zone bitmap bit 0 (reserved) is clear', this.repair); if (this.repair) setBit(this.zmap, 0); }
    for (let nr = 1; nr <= sb.ninodes; nr++) {
      const counted = this.linkCount[nr]!;
      const marked = testBit(this.imap, nr);
      if (counted === 0) {
        if (!marked) continue;
        const ino = this.readInode(nr);
        this.problem(`inode ${nr} (mode 0o${ino.mode.toString(8)}, ${ino.nlinks} links) is marked used but no directory refers to it`, this.repair);
        if (this.repair) {
          clearBit(this.imap, nr);
          this.writeInode(nr, emptyInode());
        }
        continue;
      }
      const ino = this.readInode(nr);
      if (ino.nlinks !== counted) {
        this.problem(`inode ${nr}: i_nlinks is ${ino.nlinks}, counted ${counted}`, this.repair);
        if (this.repair) { ino.nlinks = counted; this.writeInode(nr, ino); }
      }
    }
    for (let z = sb.firstDataZone; z < sb.zones; z++) {
      const bit = z - sb.firstDataZone + 1;
      const used = this.zoneOwner[z] !== 0;
      if (used === testBit(this.zmap, bit)) continue;
      this.problem(used ? `zone ${z} is used by inode ${this.zoneOwner[z]} but marked free` : `zone ${z} is marked used but no file uses it`, this.repair);
      if (this.repair) (used ? setBit : clearBit)(this.zmap, bit);
    }
  }
}

export function checkImage(image: Uint8Array, options: FsckOptions = {}): FsckReport {
  const empty = { problems: [], repaired: 0, unrepaired: 1, inodesUsed: 0, zonesUsed: 0, directories: 0, files: 0, modified: false };
  if (image.length < SUPER_OFFSET_BYTES + 32) return { ...empty, fatal: `image of ${image.length} bytes is too small for a superblock` };
  const sb = decodeSuperblock(image.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));
  const bad = checkSuperblock(sb, image.length);
  if (bad.length > 0) return { ...empty, fatal: `superblock: ${bad.join('; ')}` };
  const c = new Checker(image, sb, options.repair === true);
  c.run();
  if (c.problemsTotal > c.problems.length) c.problems.push(`... and ${c.problemsTotal - c.problems.length} more problems`);
  let inodesUsed = 0;
  for (let nr = 1; nr <= sb.ninodes; nr++) if (c.linkCount[nr]! > 0) inodesUsed++;
  let zonesUsed = 0;
  for (let z = sb.firstDataZone; z < sb.zones; z++) if (c.zoneOwner[z] !== 0) zonesUsed++;
  return {
    fatal: null, problems: c.problems, repaired: c.repaired, unrepaired: c.problemsTotal - c.repaired, inodesUsed, zonesUsed,
    directories: c.directories, files: c.files, modified: c.modified,
  };
}
