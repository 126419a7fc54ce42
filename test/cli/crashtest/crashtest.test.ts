import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { classifyImage, isLeak } from '../../../cli/crashtest/classify.js';
import { readAllFiles } from '../../../cli/crashtest/files.js';
import { imageAfter, recordWorkload } from '../../../cli/crashtest/record.js';
import { choosePoints } from '../../../cli/crashtest/points.js';
import { crashTest, withRobust } from '../../../cli/crashtest/run.js';
import { runCrashtest } from '../../../cli/commands/crashtest.js';
import { buildSystem } from '../../../cli/boot/image.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { decodeSuperblock, SUPER_OFFSET_BYTES } from '../../../servers/fs/layout.js';

const LAB = 'examples/crash.boot';
const script = parseBootScript(readFileSync(LAB, 'utf8'), LAB);

describe('mksim crashtest', () => {
  it('spreads N crash points evenly and takes every write for all', () => {
    expect(choosePoints(5, 'all')).toEqual([1, 2, 3, 4, 5]);
    expect(choosePoints(100, 4)).toEqual([25, 50, 75, 100]);
    expect(choosePoints(3, 10)).toEqual([1, 2, 3]);
  });

  it('rebuilds the image after write k exactly as the driver leaves it on a power cut after k block writes', () => {
    const rec = recordWorkload(script, { seed: 1, scriptPath: LAB });
    expect(rec.writes.length).toBeGreaterThan(40);
    for (const k of [1, 7, Math.floor(rec.writes.length / 2), rec.writes.length - 1]) {
      const cut = parseBootScript(readFileSync(LAB, 'utf8').replace('clock    mode=tickless', `clock    mode=tickless\nfault    disk0 crash-after-writes=${k}`), LAB);
      const system = buildSystem(cut, { seed: 1, scriptPath: LAB });
      system.kernel.run();
      expect(system.kernel.stopReason).toMatch(/power cut/);
      const disk = system.disks.get('disk0')!;
      const bytes = new Uint8Array(disk.image.sizeBytes);
      disk.image.read(0, bytes);
      system.close();
      expect(Buffer.compare(bytes, imageAfter(rec, k)), `k=${k}`).toBe(0);
    }
  });

  it('classifies every crash point of the lab workload, robust on and off, and synced files survive all of them', () => {
    for (const robust of [false, true]) {
      const report = crashTest(withRobust(script, robust), { seed: 1, scriptPath: LAB, points: 'all' });
      expect(report.workloadOk).toBe(true);
      expect(report.points).toHaveLength(report.writesTotal);
      expect(report.counts.clean + report.counts.repairable + report.counts.damaged).toBe(report.writesTotal);
      expect(report.syncPoints.length).toBe(3);
      expect(report.syncedDataLost, `robust=${robust}`).toBe(0);
      // The last point is the whole run, after its last sync and two more files: nothing lost, nothing broken.
      expect(report.points.at(-1)!.verdict).not.toBe('damaged');
      // Right after each sync the image is clean.
      for (const s of report.syncPoints) expect(report.points.find((p) => p.afterWrites === s)?.verdict).toBe('clean');
    }
  });

  it('the command exits 0 and prints the comparison table with --robust both', () => {
    const lines: string[] = [];
    expect(runCrashtest(LAB, { robust: 'both', points: '20' }, (l) => lines.push(l))).toBe(0);
    expect(lines.some((l) => l.startsWith('| off |'))).toBe(true);
    expect(lines.some((l) => l.startsWith('| on |'))).toBe(true);
  });

  it('rejects a bad --points value as a usage error', () => {
    expect(() => runCrashtest(LAB, { points: 'some' }, () => {})).toThrow(/--points must be/);
  });
});

describe('crash point verdicts', () => {
  const fresh = () => formatImage({ sizeBytes: 256 * 1024 });

  it('a fresh image is clean and its root has no files', () => {
    const image = fresh();
    expect(classifyImage(image).verdict).toBe('clean');
    expect(readAllFiles(image)).toEqual(new Map());
  });

  it('a zone marked used that nothing uses is a leak: repairable', () => {
    const image = fresh();
    const sb = decodeSuperblock(image.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));
    const zmapByte = (2 + sb.imapBlocks) * 1024;
    image[zmapByte + 4] |= 0x01; // zone bit 32: a data zone far from the root's
    const v = classifyImage(image);
    expect(v.verdict).toBe('repairable');
    expect(v.problems.every(isLeak)).toBe(true);
  });

  it('a broken superblock is damage, and so is a link count below the links found', () => {
    const image = fresh();
    image[SUPER_OFFSET_BYTES + 24] = 0; // the magic number
    expect(classifyImage(image).verdict).toBe('damaged');
    expect(isLeak('inode 9: i_nlinks is 1, counted 2')).toBe(false);
    expect(isLeak('inode 9: i_nlinks is 2, counted 1')).toBe(true);
    expect(isLeak('zone 40 is used by inode 5 but marked free')).toBe(false);
  });
});
