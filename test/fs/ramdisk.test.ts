/*
 * The ramdisk path of the FS benchmark (issue 20, item 3): a solid disk steps
 * the mechanism by the tabulated transitions, not an xstate actor, with the
 * same `state` records; DMA buffers reused between requests never show one
 * request's bytes to another; a memory image keeps its bytes when its pages
 * are touched at open.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { diskDriver } from '../../drivers/disk/main.js';
import { memoryImage } from '../../drivers/disk/image.js';
import { diskMechanismMachine, nextMechanismState, type MechanismEvent, type MechanismState } from '../../drivers/disk/mechanism.js';
import { close, mkdir, O_CREAT, O_RDONLY, O_WRONLY, open, read, sync, write } from '../../lib/syscalls/fs.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { expectClean, runProcs, type Results } from '../servers/fs/procs.js';

const EVENTS: readonly MechanismEvent[] = [
  { type: 'SEEK', toCyl: 0 }, { type: 'ON_CYLINDER' }, { type: 'SECTOR_REACHED' }, { type: 'TRANSFER_DONE', endCyl: 0 }, { type: 'POWER_OFF' },
];

describe('the ramdisk off the xstate path', () => {
  it('the table gives what the statechart does for every state and event', () => {
    const paths: MechanismEvent['type'][][] = [
      ['SEEK', 'ON_CYLINDER', 'SECTOR_REACHED', 'TRANSFER_DONE', 'SEEK'],
      ['ON_CYLINDER', 'SECTOR_REACHED', 'TRANSFER_DONE', 'SEEK', 'SEEK', 'TRANSFER_DONE'],
      ['SEEK', 'ON_CYLINDER', 'POWER_OFF', 'SEEK', 'ON_CYLINDER'],
    ];
    for (const path of paths) {
      const actor = createActor(diskMechanismMachine, { input: { headCyl: 0 } }).start();
      let plain: MechanismState = 'idle';
      for (const type of path) {
        actor.send(EVENTS.find((e) => e.type === type)!);
        plain = nextMechanismState(plain, type);
        expect(plain).toBe(actor.getSnapshot().value);
      }
    }
  });

  it('traces the same mechanism records, and reused DMA buffers carry each request its own bytes', () => {
    const image = formatImage({ sizeBytes: 4 << 20, blockSize: 1024 });
    const out: Results = {};
    const pattern = (seed: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
    const { records } = runProcs(image, {
      *init(proc) {
        yield* mkdir(proc, '/d', 0o755);
        for (let f = 0; f < 6; f++) {
          const fd = yield* open(proc, `/d/f${f}`, O_WRONLY | O_CREAT, 0o644);
          yield* write(proc, fd, pattern(f, 40_000 + f * 1000));
          yield* close(proc, fd);
          yield* sync(proc);
        }
        const same: boolean[] = [];
        for (let f = 5; f >= 0; f--) {
          const n = 40_000 + f * 1000;
          const back = new Uint8Array(n);
          const fd = yield* open(proc, `/d/f${f}`, O_RDONLY);
          const got = yield* read(proc, fd, back);
          yield* close(proc, fd);
          same.push(got === n && Buffer.from(back).equals(Buffer.from(pattern(f, n))));
        }
        out.same = same;
      },
    }, { trace: true, config: { cacheBuffers: 8 }, disk: (hw) => diskDriver({ name: 'disk0', image, model: 'ramdisk', blockSize: 1024 }, hw) });
    expect(out.same).toEqual([true, true, true, true, true, true]);
    const states = records.filter((r) => r.ev === 'state' && r.machine === 'disk');
    expect(states.length).toBeGreaterThan(40);
    // Each request: idle -> seeking -> rotating -> transferring -> idle, on the kernel's clock, head on cylinder 0.
    const cycle = ['idle>seeking', 'seeking>rotating', 'rotating>transferring', 'transferring>idle'];
    states.forEach((r, i) => {
      expect(`${r.from}>${r.to}`).toBe(cycle[i % 4]);
      expect(r.headCyl).toBe(0);
    });
    expectClean(image);
  });

  it('a memory image touched at open keeps every byte', () => {
    const bytes = Uint8Array.from({ length: 3 * 4096 + 100 }, (_, i) => (i * 13) & 0xff);
    const copy = bytes.slice();
    const img = memoryImage(bytes);
    const back = new Uint8Array(bytes.length);
    img.read(0, back);
    expect(Buffer.from(back).equals(Buffer.from(copy))).toBe(true);
  });
});
