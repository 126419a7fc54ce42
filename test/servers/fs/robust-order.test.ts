/*
 * With robust=on, a new inode reaches the disk before the name that makes it
 * reachable (MINIX new_node: "an inode with no directory entry is much better
 * than the opposite"), and a directory's '.'/'..', a link's text and a raised
 * link count before the entry too: a power cut after any block write of the
 * crash lab's workload leaves at worst a leak (issue 13, item 6).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { crashTest, withRobust } from '../../../cli/crashtest/run.js';

const LAB = 'examples/crash.boot';

describe('robust=on write order', () => {
  it('no crash point of examples/crash.boot is damaged, and synced data survives every one', () => {
    const script = withRobust(parseBootScript(readFileSync(LAB, 'utf8'), LAB), true);
    const report = crashTest(script, { seed: 1, scriptPath: LAB, points: 'all' });
    const damaged = report.points.filter((p) => p.verdict === 'damaged').map((p) => `after write ${p.afterWrites}: ${p.reason}`);
    expect(damaged).toEqual([]);
    expect(report.syncedDataLost).toBe(0);
    expect(report.workloadOk).toBe(true);
    expect(report.points.length).toBe(report.writesTotal);
  });
});
