/*
 * The buffer-cache lab (docs/labs/buffer-cache.md): hit ratio and read time
 * against the FS's cache size, for a skewed random-read workload.
 *   cacheRun(buffers, context)   one cache size: hits, misses, hit ratio, read-phase virtual ms
 *   bufferCacheLab               the registry entry
 */
import * as fs from '../../lib/syscalls/fs.js';
import type { UserProcess } from '../../lib/user/process.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { lcg, runFsLab } from './fs-rig.js';
import { fixed, mdTable } from './markdown.js';
import { lineChart } from './svg.js';
import type { LabContext, LabSpec } from './types.js';

const FILES = 40;
const FILE_BYTES = 8 * 1024;
const READS = 2000;
export const CACHE_SIZES = [16, 32, 64, 128, 256, 512] as const;

export interface CacheRow { readonly buffers: number; readonly hits: number; readonly misses: number; readonly hitRatio: number; readonly readPhaseMs: number }

export function cacheRun(buffers: number, context: LabContext): CacheRow {
  const image = formatImage({ sizeBytes: 8 << 20, blockSize: 1024 });
  let measuring = false;
  let startNs = 0;
  let endNs = 0;
  let hits = 0;
  let misses = 0;
  runFsLab(image, function* (p: UserProcess) {
    yield* fs.mkdir(p, '/data', 0o755);
    for (let i = 0; i < FILES; i++) yield* fs.writeFile(p, `/data/f${i}`, new Uint8Array(FILE_BYTES).fill(i));
    yield* fs.sync(p);
    const fds: number[] = [];
    for (let i = 0; i < FILES; i++) fds.push(yield* fs.open(p, `/data/f${i}`, fs.O_RDONLY));
    const rnd = lcg(42);
    measuring = true;
    startNs = p.ctx.nowNs();
    const buf = new Uint8Array(1024);
    for (let i = 0; i < READS; i++) {
      // Skewed: half the reads go to a quarter of the files (a hot set), as real workloads are.
      const hot = rnd() < 0.5;
      const f = hot ? Math.floor(rnd() * FILES / 4) : Math.floor(rnd() * FILES);
      yield* fs.lseek(p, fds[f]!, Math.floor(rnd() * (FILE_BYTES / 1024)) * 1024);
      yield* fs.read(p, fds[f]!, buf);
    }
    endNs = p.ctx.nowNs();
    measuring = false;
    for (const fd of fds) yield* fs.close(p, fd);
    return 0;
  }, {
    config: { cacheBuffers: buffers },
    onRecord: (r) => {
      // The FS buffer cache's records carry no `cache` field (the AVC's say cache=avc).
      if (!measuring || r.ev !== 'cache' || r.cache !== undefined) return;
      if (r.op === 'hit') hits++;
      else if (r.op === 'miss') misses++;
    },
  });
  context.onImage?.(image, `buffer-cache cache=${buffers}`);
  return { buffers, hits, misses, hitRatio: hits / (hits + misses), readPhaseMs: (endNs - startNs) / 1e6 };
}

export const bufferCacheLab: LabSpec = {
  name: 'buffer-cache',
  title: 'the buffer cache: hit ratio against cache size',
  doc: 'buffer-cache.md',
  plotDescription: 'hit ratio vs cache size (buffers, log scale)',
  run(context) {
    const rows = CACHE_SIZES.map((n) => cacheRun(n, context));
    const table = mdTable(
      [{ title: 'buffers', align: 'right' }, { title: 'hits', align: 'right' }, { title: 'misses', align: 'right' }, { title: 'hit ratio', align: 'right' }, { title: 'read phase (virtual ms)', align: 'right' }],
      rows.map((r) => [r.buffers, r.hits, r.misses, fixed(r.hitRatio, 3), fixed(r.readPhaseMs, 1)]),
    );
    const plot = lineChart({
      title: `Buffer cache: ${READS} skewed random reads of ${FILES} files`, xLabel: 'cache size (buffers)', yLabel: 'hit ratio', logX: true,
      series: [{ label: 'hit ratio', points: rows.map((r) => [r.buffers, Number(r.hitRatio.toFixed(4))] as const) }],
    });
    return { sections: [{ name: 'hit-ratio', title: 'Hit ratio against cache size', text: table }], data: rows, plot };
  },
};
