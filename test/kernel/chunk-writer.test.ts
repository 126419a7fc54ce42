import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkWriter } from '../../kernel/chunk-writer.js';
import { Prng } from '../../kernel/random.js';

describe('the trace chunk writer (a worker thread on the other core)', () => {
  it('writes every chunk in order, also when the ring is full and chunks are larger than a slot', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mksim-chunks-')), 'out.bin');
    const fd = openSync(path, 'w');
    const writer = new ChunkWriter(fd, 1024);
    const random = new Prng(7);
    const expected: number[] = [];
    for (let i = 0; i < 300; i++) {
      const chunk = new Uint8Array(1 + random.below(3000));
      for (let j = 0; j < chunk.length; j++) chunk[j] = random.below(256);
      expected.push(...chunk);
      writer.write(chunk);
      chunk.fill(0); // the writer copied it: reusing the buffer is safe
    }
    writer.close();
    closeSync(fd);
    expect([...readFileSync(path)]).toEqual(expected);
  });

  it('reports a failed write at close', () => {
    const fd = openSync('/dev/full', 'w');
    const writer = new ChunkWriter(fd, 64);
    writer.write(new Uint8Array(100));
    expect(() => writer.close()).toThrow(/writing the trace file failed/);
    closeSync(fd);
  });
});
