/*
 * The speed work on the small-file path (issue 20: get_block's hit and
 * put_block without a generator, read/write messages built once) is pure
 * speed: the trace of a workload -- every message, kernel call, copy, cache
 * hit, miss, eviction and flush, in virtual time -- is byte for byte what it
 * was before it. The digests below were taken from the code before that work
 * (after the vectored copies, which did change the trace on purpose), with the
 * lazy quantum events of branch clockperf merged in (they change the clock's
 * records): clockperf at f9ca9bb merged with fsperf2 at eb2b023.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { close, mkdir, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, open, read, sync, unlink, write } from '../../lib/syscalls/fs.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import type { FsConfig } from '../../servers/fs/state.js';
import { expectClean, runProcs, type Results } from '../servers/fs/procs.js';

function workload(config: Partial<FsConfig>): { digest: string; records: number; out: Results } {
  const image = formatImage({ sizeBytes: 2 << 20, blockSize: 1024, inodes: 512 });
  const out: Results = {};
  const { records } = runProcs(image, {
    *init(proc) {
      for (let d = 0; d < 4; d++) yield* mkdir(proc, `/d${d}`, 0o755);
      for (let f = 0; f < 120; f++) {
        const fd = yield* open(proc, `/d${f % 4}/f${f}`, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
        yield* write(proc, fd, new Uint8Array(f % 7 === 0 ? 9000 : 700).fill(f & 0xff));
        yield* close(proc, fd);
      }
      for (let f = 0; f < 120; f += 10) yield* unlink(proc, `/d${f % 4}/f${f}`);
      yield* sync(proc);
      let sum = 0;
      for (let f = 1; f < 120; f += 3) {
        const back = new Uint8Array(16384);
        const fd = yield* open(proc, `/d${f % 4}/f${f}`, O_RDONLY);
        const n = yield* read(proc, fd, back);
        yield* close(proc, fd);
        for (let i = 0; i < n; i++) sum += back[i]!;
      }
      out.sum = sum;
    },
  }, { trace: true, config });
  expectClean(image);
  const text = records.map((r) => JSON.stringify(r)).join('\n');
  return { digest: createHash('sha256').update(text).digest('hex').slice(0, 16), records: records.length, out };
}

describe('pure-speed changes leave the trace as it was', () => {
  it('small files with a small cache (evictions, flushes), robust off and on: the same records, byte for byte', () => {
    const off = workload({ cacheBuffers: 12 });
    const on = workload({ cacheBuffers: 12, robust: true });
    expect(off.out).toEqual(on.out);
    expect({ off: off.digest, on: on.digest }).toEqual({ off: 'eecd56579d667e74', on: '094d43f7f082867b' });
  });
});
