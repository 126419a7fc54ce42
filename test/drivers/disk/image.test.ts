import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileImage, memoryImage, openFileImage } from '../../../drivers/disk/image.js';
import { diskDriver } from '../../../drivers/disk/main.js';
import { hardwareOf, Kernel } from '../../../kernel/index.js';
import { BUILTIN_MODELS } from '../../../drivers/disk/model.js';
import type { DevReply } from '../../../drivers/disk/protocol.js';
import { block, BLOCK, bootDisk, devCall } from './system.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mksim-image-'));
const MKFS = '/usr/sbin/mkfs.minix';

describe('image back ends', () => {
  it('a created file image round-trips writes through the driver and is on disk after the run', () => {
    const file = join(tmp(), 'new.img');
    const run = bootDisk({ name: 'disk0', image: file, createBytes: 64 * BLOCK, sched: 'look' }, [function* (_c, d) {
      const w = yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(3, 0x33), block(4, 0x44), block(60, 0x60)] });
      const v = [block(3), block(4), block(60)];
      const r = yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: v });
      return { w, r, back: v.map((e) => e.buffer[BLOCK - 1]) };
    }]);
    const { w, r, back } = run.results[0] as { w: DevReply; r: DevReply; back: number[] };
    expect(w.done).toEqual([BLOCK, BLOCK, BLOCK]);
    expect(r.done).toEqual([BLOCK, BLOCK, BLOCK]);
    expect(back).toEqual([0x33, 0x44, 0x60]);
    expect(statSync(file).size).toBe(64 * BLOCK);
    const bytes = readFileSync(file);
    expect([bytes[3 * BLOCK], bytes[60 * BLOCK + 5], bytes[5 * BLOCK]]).toEqual([0x33, 0x60, 0]);
    // Reopened, the image holds what was written.
    const again = openFileImage(file);
    const buf = new Uint8Array(BLOCK);
    again.read(4 * BLOCK, buf);
    again.close();
    expect(buf.every((x) => x === 0x44)).toBe(true);
  });

  it.skipIf(!existsSync(MKFS))('opens an existing image made by mkfs.minix and reads its superblock', () => {
    const file = join(tmp(), 'minix.img');
    writeFileSync(file, new Uint8Array(1024 * BLOCK));
    execFileSync(MKFS, ['-3', file], { stdio: 'ignore' });
    const run = bootDisk({ name: 'disk0', image: file }, [function* (_c, d) {
      const sb = { position: 1024, buffer: new Uint8Array(64) };
      const size = yield* devCall(d, { type: 'DEV_IOCTL', minor: 0, request: 'SIZE' });
      yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [sb] });
      return { size: size.data!.size, magic: sb.buffer[24]! | (sb.buffer[25]! << 8) };
    }]);
    expect(run.results[0]).toEqual({ size: 1024 * BLOCK, magic: 0x4d5a });
  });

  it('memory images copy in and out', () => {
    const img = memoryImage(4096);
    img.write(100, Uint8Array.of(1, 2, 3));
    const out = new Uint8Array(4);
    img.read(99, out);
    expect([...out]).toEqual([0, 1, 2, 3]);
  });

  it('reports a missing image, a bad size and an image larger than the model', () => {
    const hw = hardwareOf(new Kernel());
    expect(() => diskDriver({ name: 'disk0', image: '/nonexistent/root.img' }, hw)).toThrow(/cannot open disk image \/nonexistent\/root.img: ENOENT/);
    expect(() => createFileImage(join(tmp(), 'x.img'), 0)).toThrow(/size must be a positive integer/);
    const small = { ...BUILTIN_MODELS.get('hp97560')!, name: 'small', cylinders: 1 } as const;
    expect(() => diskDriver({ name: 'disk1', sizeBytes: 1 << 20, model: small }, hw)).toThrow(/disk disk1: image memory has 1048576 bytes, more than model small holds \(700416\)/);
    expect(() => diskDriver({ name: 'disk0', sizeBytes: 4096, blockSize: 1000 }, hw)).toThrow(/block-size must be a power of two/);
    expect(() => diskDriver({ name: 'disk0', sizeBytes: 4096, sched: 'random' as 'fcfs' }, hw)).toThrow(/sched must be one of fcfs, sstf, look, clook/);
  });
});
