// A buffer-cache replacement policy (boot script: `fs ... replacement=policies/cache-fifo.mjs`).
// First in, first out: a miss reuses the free buffer whose block was loaded longest ago,
// however often it was used since (Belady's anomaly is yours to find).
// The interface is servers/fs/replacement.ts CacheReplacement; docs/extending.md walks through it.

export default {
  name: 'fifo',
  /** free: the free buffers { blockNr, dirty, uses, lastUse, loadedAt }, the LRU list's order. */
  victim(free) {
    let oldest = 0;
    for (let i = 1; i < free.length; i++) if (free[i].loadedAt < free[oldest].loadedAt) oldest = i;
    return oldest;
  },
};
