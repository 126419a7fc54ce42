/*
 * Buffer-cache replacement: which free buffer a miss takes (the boot
 * script's `fs replacement=lru|FILE`).
 *   CacheReplacement      the policy interface: victim(free) -> the index of the buffer to reuse
 *   FreeBuffer            what a policy sees of a free buffer (copies: it cannot change the cache)
 *   lruReplacement        MINIX's: the front of the LRU list (get_block takes `front`); the default
 *   REPLACEMENTS          the built-ins by name
 * `free` is MINIX's LRU list itself, front first: put_block appends a
 * returned buffer at the rear (a ONE_SHOT one at the front), so index 0 is
 * the least recently used, and LRU is `() => 0`. Other policies (FIFO, LFU,
 * CLOCK, ...) order by the counters instead. A dirty victim costs a flush of
 * the whole device first (get_block's "avoid hysteresis" flushall).
 */

export interface FreeBuffer {
  readonly blockNr: number;
  readonly dirty: boolean;
  /** get_block calls that found (or loaded) this block since it was loaded. */
  readonly uses: number;
  /** The cache's access count at this block's last get_block (higher: more recent). */
  readonly lastUse: number;
  /** The cache's access count when this block was loaded (higher: loaded later). */
  readonly loadedAt: number;
}

export interface CacheReplacement {
  readonly name: string;
  /** The buffer a miss reuses: an index into `free` (never empty), the LRU list's order, front first. */
  victim(free: readonly FreeBuffer[]): number;
}

export const lruReplacement: CacheReplacement = { name: 'lru', victim: () => 0 };

export const REPLACEMENTS: Readonly<Record<string, CacheReplacement>> = { lru: lruReplacement };
export const CACHE_REPLACEMENT_NAMES = Object.keys(REPLACEMENTS);
