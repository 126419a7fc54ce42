/*
 * The per-directory name cache: a hash of each recently searched directory's entries, after FreeBSD's
 * UFS dirhash (ufs_dirhash.c: ufsdirhash_build, _lookup, _add, _remove). MINIX's mfs has none: search_dir
 * scans every entry. The entry points are:
 *   DirCache.usable(nr, sizeBytes)    the directory's hash if it is built and the size still matches, else null
 *   DirCache.builder(entries, size)   an empty DirHash to fill during a whole scan; install(nr, hash) keeps it
 *   DirCache.drop(nr) / clear()       forget one directory (its inode freed: rmdir, last unlink) / all (a failed call's undo)
 *   DirHash.lookup/add/remove/firstFree   what searchDir asks and tells (path.ts)
 * The hash saves the scan of the entries, not the block accesses: searchDir still gets each block MINIX's
 * search_dir would get, so the buffer cache's order, hits, misses and disk reads, the virtual time and the
 * trace are those of the scan. Bounded: at most MAX_DIRS directories of MAX_ENTRIES entries each.
 */

/**
 * Directories hashed at once; the least recently used one goes first. More
 * than a working set of directories visited in turn (the fs benchmark's 100:
 * with fewer, each visit would find its hash evicted and scan again).
 */
export const MAX_DIRS = 256;
/** A bigger directory is not hashed, or no longer (it is scanned, as MINIX does): with MAX_DIRS, at most 256 Ki names kept. */
export const MAX_ENTRIES = 1024;

/** An entry's name as a key: its bytes up to the first NUL, one character per byte (no decoding to get wrong). */
export function nameKey(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let key = '';
  for (let i = start; i < end && bytes[i] !== 0; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

export class DirHash {
  /** Name key -> entry index (entry i is at byte i * DIRENT_BYTES of the directory). */
  private readonly names = new Map<string, number>();
  /** Indexes of the empty entries in blocks that exist (not holes), ascending: ENTER takes the first, as search_dir. */
  private readonly free: number[] = [];

  /** @param sizeBytes the directory's size when hashed: another size means it changed behind the hash */
  constructor(public sizeBytes: number) {}

  /** Slots it knows: names and free entries (what MAX_ENTRIES bounds). */
  get entries(): number {
    return this.names.size + this.free.length;
  }

  lookup(key: string): number | undefined {
    return this.names.get(key);
  }

  firstFree(): number {
    return this.free.length > 0 ? this.free[0]! : -1;
  }

  /** ENTER put `key` at entry `index` (a free one, or a new one at the end). */
  add(key: string, index: number): void {
    if (this.free.length > 0 && this.free[0] === index) this.free.shift();
    else {
      const at = this.free.indexOf(index);
      if (at >= 0) this.free.splice(at, 1);
    }
    this.names.set(key, index);
  }

  /** DELETE emptied entry `index`. */
  remove(key: string, index: number): void {
    this.names.delete(key);
    insertSorted(this.free, index);
  }

  /** The scan saw entry `index` empty (building). */
  noteFree(index: number): void {
    this.free.push(index);
  }

  /** The scan saw `key` at `index` (building); false on a second entry of the same name (a corrupt directory: not hashed). */
  noteName(key: string, index: number): boolean {
    if (this.names.has(key)) return false;
    this.names.set(key, index);
    return true;
  }
}

function insertSorted(list: number[], value: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1; else hi = mid;
  }
  list.splice(lo, 0, value);
}

export class DirCache {
  /** Directory inode number -> its hash; Map order is the LRU order (first = least recently used). */
  private readonly dirs = new Map<number, DirHash>();
  builds = 0;
  drops = 0;

  /** @param maxDirs directories hashed at once (0: none) */
  constructor(readonly maxDirs = MAX_DIRS) {
    if (!(Number.isSafeInteger(maxDirs) && maxDirs >= 0)) throw new RangeError(`name cache: ${maxDirs} directories`);
  }

  /** The hash of directory `nr` if it is built and the directory still has the size it was hashed at. */
  usable(nr: number, sizeBytes: number): DirHash | null {
    const h = this.dirs.get(nr);
    if (h === undefined) return null;
    if (h.sizeBytes !== sizeBytes || h.entries > MAX_ENTRIES) { this.drop(nr); return null; }
    // Most recently used last.
    this.dirs.delete(nr);
    this.dirs.set(nr, h);
    return h;
  }

  /** A new hash to fill while scanning directory `nr` whole; null when it has more than MAX_ENTRIES entries. */
  builder(entries: number, sizeBytes: number): DirHash | null {
    if (entries > MAX_ENTRIES || this.maxDirs === 0) return null;
    return new DirHash(sizeBytes);
  }

  /** Keep a hash a full scan filled. */
  install(nr: number, h: DirHash): void {
    this.dirs.delete(nr);
    if (this.dirs.size >= this.maxDirs) this.dirs.delete(this.dirs.keys().next().value!);
    this.dirs.set(nr, h);
    this.builds++;
  }

  drop(nr: number): void {
    if (this.dirs.delete(nr)) this.drops++;
  }

  clear(): void {
    this.drops += this.dirs.size;
    this.dirs.clear();
  }

  get size(): number {
    return this.dirs.size;
  }
}
