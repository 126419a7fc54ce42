import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBootScript } from '../../cli/boot/parse.js';
import { imageAfter, recordWorkload } from '../../cli/crashtest/record.js';
import { readAllFiles } from '../../cli/crashtest/files.js';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { decodeSuperblock, geometryOf, SUPER_OFFSET_BYTES } from '../../servers/fs/layout.js';
import { FUZZ_SEED, runs } from './budget.js';
import { fuzzBoot } from './system.js';

// A populated image: directories, small files, files with an indirect block, a hard link.
const LAB = 'examples/crash.boot';
const rec = recordWorkload(parseBootScript(readFileSync(LAB, 'utf8'), LAB), { seed: 1, scriptPath: LAB });
const BASE = imageAfter(rec, rec.writes.length);
const sb = decodeSuperblock(BASE.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));
const g = geometryOf(sb);
const BS = sb.blockSize;

/** Byte ranges of each on-disk structure. */
const REGIONS = {
  superblock: [SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32],
  'inode bitmap': [g.imapStart * BS, g.zmapStart * BS],
  'zone bitmap': [g.zmapStart * BS, g.inodeStart * BS],
  inodes: [g.inodeStart * BS, (g.inodeStart + g.inodeBlocks) * BS],
  // Directories and indirect blocks live among the first data zones of this small image.
  'data zones': [sb.firstDataZone * BS, Math.min(BASE.length, (sb.firstDataZone + 64) * BS)],
} as const;

const corruption = fc.record({
  region: fc.constantFrom(...(Object.keys(REGIONS) as (keyof typeof REGIONS)[])),
  edits: fc.array(fc.record({
    at: fc.nat(),
    // A random byte, or a 32-bit value that points far away, at zero, or at itself-ish.
    value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xffffffff, 0, 1, 2, 0x7fffffff, sb.firstDataZone, sb.ninodes + 1)),
    wide: fc.boolean(),
  }), { minLength: 1, maxLength: 8 }),
});

interface Corruption {
  readonly region: keyof typeof REGIONS;
  readonly edits: readonly { readonly at: number; readonly value: number; readonly wide: boolean }[];
}

function corrupt(c: Corruption): Uint8Array {
  const image = BASE.slice();
  const [from, to] = REGIONS[c.region];
  for (const e of c.edits) {
    const at = from + (e.at % Math.max(1, to - from - 4));
    if (e.wide) new DataView(image.buffer).setUint32(at, e.value >>> 0, true);
    else image[at] = e.value & 0xff;
  }
  return image;
}

const dir = mkdtempSync(join(tmpdir(), 'mksim-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKLOAD = (image: string) => `
disk disk0 image=${image} block-size=1024 model=ramdisk
fs   root=disk0 cache=16
clock mode=tickless
process init uid=0
    ls /
    ls /home/alice
    cat /home/alice/notes.txt
    cat /home/bob/log
    stat /home/alice/bobs-todo
    write /home/alice/new.txt "fresh"
    write --append /home/bob/log "more"
    mkdir /home/carol
    mv /home/alice/kept /home/carol/kept
    rm /home/bob/todo
    ln -s /home/bob /home/alice/b
    ls /home/alice/b
    sync
`;

describe('a corrupt image gives clear errors, never a crash or a hang', () => {
  it('fsck and the file reader end on every corruption, and what repair fixes stays fixed', () => {
    fc.assert(fc.property(corruption, (c) => {
      const image = corrupt(c);
      const report = checkImage(image.slice());
      expect(report.fatal === null || report.fatal.length > 0).toBe(true);
      readAllFiles(image);
      const repaired = image.slice();
      const r = checkImage(repaired, { repair: true });
      // What repair says it fixed is fixed: nothing left but what it reported as unrepaired.
      if (r.fatal === null && r.unrepaired === 0) expect(checkImage(repaired).problems, c.region).toEqual([]);
    }), { numRuns: runs(150), seed: FUZZ_SEED });
  });

  it('the FS server mounts or refuses a corrupt image, and serves a workload on it to the end', () => {
    let n = 0;
    fc.assert(fc.property(corruption, (c) => {
      const path = join(dir, `img${n++}.img`);
      writeFileSync(path, corrupt(c));
      const run = fuzzBoot(WORKLOAD(path), new Map(), 60_000_000_000);
      expect(run.systemFaults, c.region).toEqual([]);
      expect(run.finished, `${c.region}: still running at the bound`).toBe(true);
    }), { numRuns: runs(25), seed: FUZZ_SEED });
  });
});
