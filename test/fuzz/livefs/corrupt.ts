/*
 * Seeded corruption of a populated image, recording exactly what it touched.
 *   corruptImage(image, walk, prng) -> { image, edits, touched }
 *   Touched   superblock?, inode slots, data zones (directory, indirect and file blocks), inode and
 *             zone bitmap bits: what the oracle excuses and what fsck's findings may blame
 *   touchedBy(edits, sb)   the same, from byte ranges (a reproducer's edits list)
 * Targets are chosen among the structures the tree uses (an inode's field, a directory entry, an
 * indirect pointer, a bitmap bit, a superblock field) or at random in the metadata, with values that
 * point at zero, far away, into the metadata, or at another object.
 */
import type { Prng } from '../../../kernel/random.js';
import { FIELD_NAME, geometryOf, INODE_BYTES, SUPER_OFFSET_BYTES, type Superblock } from '../../../servers/fs/layout.js';
import type { Walk } from './walk.js';

export interface Edit {
  readonly offset: number;
  readonly bytes: readonly number[];
  readonly what: string;
}

export interface Touched {
  superblock: boolean;
  readonly inodes: Set<number>;
  readonly zones: Set<number>;
  readonly imapBits: Set<number>;
  readonly zmapZones: Set<number>;
}

/** Used fields of the superblock (the rest of block 1 is padding nobody reads). */
const SUPER_FIELDS: readonly [keyof Superblock, number, number][] = [
  ['ninodes', 0, 4], ['imapBlocks', 6, 2], ['zmapBlocks', 8, 2], ['firstDataZone', 10, 2], ['logZoneSize', 12, 2],
  ['maxSize', 16, 4], ['zones', 20, 4], ['magic', 24, 2], ['blockSize', 28, 2], ['diskVersion', 30, 1],
];
const INODE_FIELDS: readonly [string, number, number][] = [
  ['i_mode', 0, 2], ['i_nlinks', 2, 2], ['i_uid', 4, 2], ['i_size', 8, 4], ['i_mtime', 16, 4],
  ...Array.from({ length: 10 }, (_, i): [string, number, number] => [`i_zone[${i}]`, 24 + 4 * i, 4]),
];

export function touchedBy(edits: readonly Edit[], sb: Superblock): Touched {
  const g = geometryOf(sb);
  const bs = sb.blockSize;
  const t: Touched = { superblock: false, inodes: new Set(), zones: new Set(), imapBits: new Set(), zmapZones: new Set() };
  for (const e of edits) {
    for (let at = e.offset; at < e.offset + e.bytes.length; at++) {
      const block = Math.floor(at / bs);
      if (at >= SUPER_OFFSET_BYTES && at < SUPER_OFFSET_BYTES + 32) t.superblock = true;
      else if (block >= g.imapStart && block < g.zmapStart) for (let b = 0; b < 8; b++) t.imapBits.add((at - g.imapStart * bs) * 8 + b);
      else if (block >= g.zmapStart && block < g.inodeStart) for (let b = 0; b < 8; b++) t.zmapZones.add((at - g.zmapStart * bs) * 8 + b + sb.firstDataZone - 1);
      else if (block >= g.inodeStart && block < g.inodeStart + g.inodeBlocks) t.inodes.add(Math.floor((at - g.inodeStart * bs) / INODE_BYTES) + 1);
      else if (block >= sb.firstDataZone) t.zones.add(block);
    }
  }
  return t;
}

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

function value(prng: Prng, w: Walk, width: number): number {
  const { sb } = w;
  const objects = [...w.paths.values()];
  const other = objects[prng.below(objects.length)]!;
  const choices = [
    0, 1, 0xffffffff, 0x7fffffff, sb.ninodes, sb.ninodes + 1, sb.firstDataZone - 1, sb.firstDataZone, sb.zones - 1, sb.zones,
    other.ino, other.zones[0] ?? sb.firstDataZone, other.indirect[0] ?? 2, prng.nextU32(), prng.below(256), prng.below(65536),
  ];
  const v = choices[prng.below(choices.length)]!;
  return width === 4 ? v >>> 0 : width === 2 ? v & 0xffff : v & 0xff;
}

function field(offset: number, width: number, v: number, what: string): Edit {
  return { offset, bytes: u32(v).slice(0, width), what };
}

export function corruptImage(base: Uint8Array, w: Walk, prng: Prng): { image: Uint8Array; edits: Edit[]; touched: Touched } {
  const { sb, g } = w;
  const bs = sb.blockSize;
  const objects = [...w.paths.values()];
  const edits: Edit[] = [];
  const inodeAt = (nr: number): number => g.inodeStart * bs + (nr - 1) * INODE_BYTES;
  const n = 1 + prng.below(prng.below(4) === 0 ? 4 : 2);
  for (let i = 0; i < n; i++) {
    const r = prng.below(100);
    const obj = objects[prng.below(objects.length)]!;
    if (r < 30) {
      // An inode field of an object in the tree (or, sometimes, a free slot).
      const nr = prng.below(5) === 0 ? 1 + prng.below(sb.ninodes) : obj.ino;
      const [name, off, width] = INODE_FIELDS[prng.below(INODE_FIELDS.length)]!;
      edits.push(field(inodeAt(nr) + off, width, value(prng, w, width), `inode ${nr} ${name}`));
    } else if (r < 48) {
      // A directory entry: its inode number, a byte of its name, or the whole entry zeroed.
      const dirs = objects.filter((o) => o.kind === 'dir' && o.zones.length > 0);
      const d = dirs[prng.below(dirs.length)]!;
      const z = d.zones[prng.below(d.zones.length)]!;
      const slot = prng.below(bs / 64);
      const at = z * bs + slot * 64;
      const k = prng.below(3);
      if (k === 0) edits.push(field(at, 4, value(prng, w, 4), `${d.path} zone ${z} entry ${slot} inode`));
      else if (k === 1) edits.push({ offset: at + 4 + prng.below(8), bytes: [prng.below(256)], what: `${d.path} zone ${z} entry ${slot} name` });
      else edits.push({ offset: at, bytes: new Array(64).fill(0), what: `${d.path} zone ${z} entry ${slot} zeroed` });
    } else if (r < 58) {
      // An indirect block's pointer (or a directory block when no file has one).
      const withInd = objects.filter((o) => o.indirect.length > 0);
      const o = withInd.length > 0 ? withInd[prng.below(withInd.length)]! : obj;
      const z = o.indirect[0] ?? o.zones[0] ?? sb.firstDataZone;
      const slot = prng.below(prng.below(2) === 0 ? 16 : bs / 4);
      edits.push(field(z * bs + 4 * slot, 4, value(prng, w, 4), `${o.path} indirect zone ${z} slot ${slot}`));
    } else if (r < 74) {
      // A bitmap bit: an object's inode or zone marked free, or a random bit flipped.
      const zone = prng.below(2) === 0;
      const start = zone ? g.zmapStart : g.imapStart;
      const bit = prng.below(3) !== 0
        ? (zone ? (obj.zones[0] ?? obj.indirect[0] ?? sb.firstDataZone) - sb.firstDataZone + 1 : obj.ino)
        : prng.below(zone ? g.zoneBits : sb.ninodes + 1);
      const at = start * bs + (bit >> 3);
      edits.push({ offset: at, bytes: [base[at]! ^ (1 << (bit & 7))], what: `${zone ? 'zone' : 'inode'} bitmap bit ${bit}` });
    } else if (r < 80) {
      const [name, off, width] = SUPER_FIELDS[prng.below(SUPER_FIELDS.length)]!;
      edits.push(field(SUPER_OFFSET_BYTES + off, width, value(prng, w, width), `superblock ${FIELD_NAME[name]}`));
    } else if (r < 92) {
      // Bit flips anywhere in the metadata or the tree's directory blocks.
      const dirZones = [...w.dirZones.values()].flat();
      const block = prng.below(2) === 0 || dirZones.length === 0 ? 1 + prng.below(sb.firstDataZone - 1) : dirZones[prng.below(dirZones.length)]!;
      const at = block * bs + (block === 1 ? prng.below(32) : prng.below(bs));
      edits.push({ offset: at, bytes: [base[at]! ^ (1 << prng.below(8))], what: `bit flip in block ${block}` });
    } else {
      // A file's data block.
      const files = objects.filter((o) => o.kind === 'file' && o.zones.length > 0);
      const f = files.length > 0 ? files[prng.below(files.length)]! : obj;
      const z = f.zones[prng.below(Math.max(1, f.zones.length))] ?? sb.firstDataZone;
      edits.push({ offset: z * bs + prng.below(bs), bytes: [prng.below(256)], what: `${f.path} data zone ${z}` });
    }
  }
  const image = base.slice();
  for (const e of edits) image.set(e.bytes, e.offset);
  return { image, edits, touched: touchedBy(edits, sb) };
}
