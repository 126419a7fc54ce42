/*
 * Link counts against the directory tree, at a read-write mount: mksim goes beyond MINIX here
 * (MINIX's unlink_file and put_inode trust i_nlinks: a count below the number of names frees an
 * inode another name still holds, and the next create reuses it). The entry point:
 *   checkLinks(fs, budget)   problems (each names the inode, its i_nlinks and the entries that name it): an
 *                    inode named by more entries than its i_nlinks, or an entry naming a free inode (mode 0)
 * Bounded cost, said in docs/fs.md: a walk from the root, each directory once, reading its blocks
 * (and their indirect blocks) and the inode-table blocks of what it names, at most
 * MOUNT_LINK_CHECK_BLOCKS block reads; when they run out the check is partial (check.stopped), and
 * the counts found so far are lower bounds, so what it refuses is still a contradiction.
 */
import type { KernelCall } from '../../kernel/index.js';
import { BlockType } from './cache.js';
import { FsError } from './errors.js';
import { Inode } from './inode.js';
import { decodeInode, DIRENT_BYTES, direntInode, direntName, INODE_BYTES, isDir, ROOT_INODE, type DiskInode } from './layout.js';
import { readMap, zonePath } from './read.js';
import type { FsState } from './state.js';

/**
 * Block reads the walk may make (directory, indirect and inode-table blocks; cache hits count too, and
 * each block index of a directory costs its full depth, a hole included, so a sparse directory is bounded too).
 */
export const MOUNT_LINK_CHECK_BLOCKS = 1024;
/** Problems reported by name before "and N more". */
const MAX_NAMED = 8;
/** Paths kept per inode for the message. */
const PATHS_KEPT = 3;

export interface LinkCheck {
  readonly problems: string[];
  more: number;
  /** Why the walk ended before every directory was read (the budget, a block that cannot be read), or null. */
  stopped: string | null;
  blocksRead: number;
  /** Directories read to their end, and entries counted (for the partial message). */
  directories: number;
  entries: number;
}

class OutOfBudget extends Error {}

export function* checkLinks(fs: FsState, budget = MOUNT_LINK_CHECK_BLOCKS): Generator<KernelCall, LinkCheck, any> {
  const check: LinkCheck = { problems: [], more: 0, stopped: null, blocksRead: 0, directories: 0, entries: 0 };
  /** Entries naming each inode (by number), and the first few of their paths. */
  const names = new Map<number, number>();
  const paths = new Map<number, string[]>();
  const inodes = new Map<number, DiskInode>();
  try {
    yield* walkTree(fs, check, budget, names, paths, inodes);
  } catch (err) {
    if (err instanceof OutOfBudget) check.stopped = `the budget of ${budget} block reads ran out`;
    else if (err instanceof FsError) check.stopped = err.message;
    else throw err;
  }
  // Counts from a partial walk are lower bounds: a count below them is a contradiction all the same.
  for (const [nr, named] of names) {
    const d = inodes.get(nr);
    if (d === undefined) continue; // its inode-table block was not read (budget)
    const where = (paths.get(nr) ?? []).join(', ') + (named > PATHS_KEPT ? ', ...' : '');
    let text: string | null = null;
    if (d.mode === 0) text = `inode ${nr} is free (mode 0) but named by ${where}`;
    else if (d.nlinks < named) text = `inode ${nr} has i_nlinks ${d.nlinks} but ${named} directory entries name it (${where})`;
    if (text === null) continue;
    if (check.problems.length < MAX_NAMED) check.problems.push(text); else check.more++;
  }
  return check;
}

function* walkTree(fs: FsState, check: LinkCheck, budget: number, names: Map<number, number>, paths: Map<number, string[]>,
  inodes: Map<number, DiskInode>): Generator<KernelCall, void, any> {
  const { sb, g } = fs;
  const spend = (blocks: number): void => {
    if (check.blocksRead + blocks > budget) throw new OutOfBudget();
    check.blocksRead += blocks;
  };
  /** The inode, from its table block (read once: every inode in it is kept). */
  const inodeOf = function* (nr: number): Generator<KernelCall, DiskInode, any> {
    const known = inodes.get(nr);
    if (known !== undefined) return known;
    const blk = Math.floor((nr - 1) / g.inodesPerBlock);
    spend(1);
    const bp = yield* fs.cache.getBlock(g.inodeStart + blk);
    const first = blk * g.inodesPerBlock + 1;
    for (let i = 0; i < g.inodesPerBlock && first + i <= sb.ninodes; i++) inodes.set(first + i, decodeInode(bp.data, i * INODE_BYTES));
    yield* fs.cache.putBlock(bp, BlockType.INODE);
    return inodes.get(nr)!;
  };
  const perBlock = sb.blockSize / DIRENT_BYTES;
  // Breadth first, each directory once (a corrupt tree may name one directory twice, or loop).
  const visited = new Set<number>([ROOT_INODE]);
  const queue: { nr: number; path: string }[] = [];
  const root = yield* inodeOf(ROOT_INODE);
  if (!isDir(root.mode)) return; // nothing to walk; path lookups fail with ENOTDIR
  queue.push({ nr: ROOT_INODE, path: '' });
  for (let head = 0; head < queue.length; head++) {
    const { nr: dirNr, path: dirPath } = queue[head]!;
    const dir = new Inode(dirNr, (yield* inodeOf(dirNr)));
    const entries = Math.floor(dir.d.size / DIRENT_BYTES);
    const blocks = Math.ceil(entries / perBlock);
    for (let bi = 0; bi < blocks; bi++) {
      spend(1 + (zonePath(fs, bi)?.indexes.length ?? 0));
      let z: number;
      try {
        z = yield* readMap(fs, dir, bi);
      } catch (err) {
        // A pointer out of range: searchDir fails at this block too, so no name past it can be looked up.
        if (err instanceof FsError) break;
        throw err;
      }
      if (z === 0) continue;
      const bp = yield* fs.cache.getBlock(z);
      const found: { nr: number; name: string }[] = [];
      const n = Math.min(perBlock, entries - bi * perBlock);
      for (let e = 0; e < n; e++) {
        const nr = direntInode(bp.data, e * DIRENT_BYTES);
        // Beyond s_ninodes: searchDir refuses the entry (EIO), it names nothing.
        if (nr !== 0 && nr <= sb.ninodes) found.push({ nr, name: direntName(bp.data, e * DIRENT_BYTES) });
      }
      yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
      for (const { nr, name } of found) {
        check.entries++;
        names.set(nr, (names.get(nr) ?? 0) + 1);
        const path = `${dirPath}/${name}`;
        const kept = paths.get(nr);
        if (kept === undefined) paths.set(nr, [path]); else if (kept.length < PATHS_KEPT) kept.push(path);
        const d = yield* inodeOf(nr);
        if (isDir(d.mode) && !visited.has(nr)) { visited.add(nr); queue.push({ nr, path }); }
      }
    }
    check.directories++;
  }
}
