/*
 * The fs and ipc benchmarks measure real work: the fs phases run through
 * lib/syscalls, the FS server and the disk driver and check what they wrote;
 * the baselines copy and pass what they claim to.
 */
import { describe, expect, it } from 'vitest';
import { memcpyMs, runFsPhases } from '../../bench/fs.js';
import { generatorPingPong } from '../../bench/ipc.js';

describe('bench fs', () => {
  it('writes, reads back and creates files through the whole system, and the image checks clean', () => {
    const r = runFsPhases({ fileBytes: 1 << 20, dirs: 4, files: 60, smallFileBytes: 1024 });
    for (const ms of [r.writeMs, r.readMs, r.smallMs]) expect(ms).toBeGreaterThan(0);
    expect(r.cpuShare).toBeGreaterThan(0);
  });

  it('fails when a phase cannot do its work: a small file larger than the free space is a short write, not a figure', () => {
    expect(() => runFsPhases({ fileBytes: 1 << 20, dirs: 1, files: 1, smallFileBytes: 70 << 20 })).toThrow(/fs bench: write: short write/);
  });

  it('memcpy and the generator ping-pong baselines take time for their work', () => {
    expect(memcpyMs(new Uint8Array(1 << 20).fill(3), 2)).toBeGreaterThan(0);
    expect(generatorPingPong(10_000)).toBeGreaterThan(0);
  });
});
