import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EIO } from '../../../kernel/index.js';
import type { DevReply } from '../../../drivers/disk/protocol.js';
import { block, BLOCK, bootDisk, devCall, recordsOf } from './system.js';

const patterned = (blocks: number) => Uint8Array.from({ length: blocks * BLOCK }, (_, i) => 1 + (Math.floor(i / BLOCK) % 200));

describe('read and write errors', () => {
  it('a read error fails its element with EIO and stops the vector there', () => {
    const run = bootDisk({ name: 'disk0', image: patterned(16), faults: [{ kind: 'read-error', blocks: [3] }] }, [function* (_c, d) {
      const v = [block(2), block(3), block(4)];
      const r = yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: v });
      return { r, first: v[0]!.buffer[0], second: v[1]!.buffer[0] };
    }]);
    const { r, first, second } = run.results[0] as { r: DevReply; first: number; second: number };
    expect(r).toMatchObject({ status: -EIO, done: [BLOCK, 0, 0] });
    expect([first, second]).toEqual([3, 0]);
    expect(recordsOf(run, 'inject')).toMatchObject([{ device: 'disk0', kind: 'read-error', block: 3 }]);
  });

  it('a transient read error (count=1) fails once and a retry succeeds', () => {
    const run = bootDisk({ name: 'disk0', image: patterned(16), faults: [{ kind: 'read-error', blocks: [5], count: 1 }] }, [function* (_c, d) {
      const a = yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [block(5)] });
      const b = yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [block(5)] });
      return [a.status, b.status];
    }]);
    expect(run.results[0]).toEqual([-EIO, 0]);
  });

  it('a write error on block 120 leaves that block unwritten and counts an error', () => {
    const bytes = new Uint8Array(200 * BLOCK);
    const run = bootDisk({ name: 'disk0', image: bytes, faults: [{ kind: 'write-error', blocks: [120] }] }, [function* (_c, d) {
      const r = yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(119, 9), block(120, 9), block(121, 9)] });
      const s = yield* devCall(d, { type: 'DEV_IOCTL', minor: 0, request: 'STATISTICS' });
      return { r, s };
    }]);
    const { r, s } = run.results[0] as { r: DevReply; s: DevReply };
    expect(r).toMatchObject({ status: -EIO, done: [BLOCK, 0, 0] });
    expect([bytes[119 * BLOCK], bytes[120 * BLOCK], bytes[121 * BLOCK]]).toEqual([9, 0, 0]);
    expect(s.data).toMatchObject({ errors: 1, bytesWritten: BLOCK });
  });
});

describe('power cuts', () => {
  it('crash-after-writes=3 stops the simulation with exactly three blocks in the image file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mksim-disk-')), 'crash.img');
    let replied = false;
    const run = bootDisk({ name: 'disk0', image: file, createBytes: 32 * BLOCK, faults: [{ kind: 'crash-after-writes', writes: 3 }] }, [function* (_c, d) {
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(1, 0xaa), block(2, 0xaa)] });
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(10, 0xbb), block(11, 0xbb), block(12, 0xbb)] });
      replied = true;
    }]);
    expect(run.outcome).toBe('stopped');
    expect(run.kernel.stopReason).toMatch(/power cut: disk disk0 after 3 block writes/);
    expect(replied).toBe(false);
    const image = readFileSync(file);
    expect([1, 2, 10, 11, 12].map((b) => image[b * BLOCK])).toEqual([0xaa, 0xaa, 0xbb, 0, 0]);
    expect(recordsOf(run, 'inject')).toMatchObject([{ kind: 'crash-after-writes', block: 10 }]);
    expect(recordsOf(run, 'state').at(-1)).toMatchObject({ to: 'off', event: 'POWER_OFF' });
  });

  it('a torn vectored write keeps the first half of its sectors, then the power fails', () => {
    const bytes = new Uint8Array(32 * BLOCK);
    const run = bootDisk({ name: 'disk0', image: bytes, faults: [{ kind: 'torn-write', nth: 2 }] }, [function* (_c, d) {
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(1, 1)] });
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(4, 2), block(5, 2), block(20, 2), block(21, 2)] });
    }]);
    expect(run.outcome).toBe('stopped');
    expect([1, 4, 5, 20, 21].map((b) => bytes[b * BLOCK])).toEqual([1, 2, 2, 0, 0]);
  });

  it('a torn single-block write tears inside the block at a sector boundary', () => {
    const bytes = new Uint8Array(32 * BLOCK);
    const run = bootDisk({ name: 'disk0', image: bytes, faults: [{ kind: 'torn-write', block: 7 }] }, [function* (_c, d) {
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(6, 1)] });
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(7, 5)] });
    }]);
    expect(run.outcome).toBe('stopped');
    expect([bytes[6 * BLOCK], bytes[7 * BLOCK + 511], bytes[7 * BLOCK + 512]]).toEqual([1, 5, 0]);
  });

  it('rejects malformed faults with a message naming the disk', () => {
    expect(() => bootDisk({ name: 'disk0', faults: [{ kind: 'read-error', blocks: [] }] }, [])).toThrow(/fault disk0 read-error: needs block=N/);
    expect(() => bootDisk({ name: 'disk0', faults: [{ kind: 'crash-after-writes', writes: 0 }] }, [])).toThrow(/crash-after-writes must be an integer >= 1/);
  });
});
