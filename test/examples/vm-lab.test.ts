/*
 * docs/labs/virtual-memory.md: its tables are the generated regions of
 * `mksim lab virtual-memory` (checked as every lab's are), and the lab's
 * figures hold what the page says: the VM server's fault counts equal the
 * reference-string simulator's (servers/vm/policies/simulate.ts), Belady's
 * anomaly, the thrashing cliff, and swap on a RAM disk against the hp97560.
 */
import { describe, expect, it } from 'vitest';
import { FRAME_COUNTS, virtualMemoryLab, type FaultRow, type ThrashRow } from '../../cli/lab/virtual-memory.js';
import { countFaults } from '../../servers/vm/policies/simulate.js';
import { REPLACEMENT_NAMES, replacementPolicy } from '../../servers/vm/policies/index.js';
import { expectDocMatches } from '../support/lab-docs.js';

const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
const TEXTBOOK = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

describe('docs/labs/virtual-memory.md', () => {
  it('the tables are what `mksim lab virtual-memory` prints, and its figures say what the page says', { timeout: 240_000 }, () => {
    const result = virtualMemoryLab.run({});
    expectDocMatches(virtualMemoryLab, result);
    const { faults, thrash, swap } = result.data as { faults: FaultRow[]; thrash: ThrashRow[]; swap: ThrashRow[] };

    // Every booted count is the simulator's on the bare string (VM, the kernel's MMU log and VM_ADVISE add nothing).
    expect(faults).toHaveLength(REPLACEMENT_NAMES.length * FRAME_COUNTS.length);
    for (const r of faults) {
      const factory = replacementPolicy(r.policy)!;
      expect([r.belady, r.textbook], `${r.policy} ${r.frames}`).toEqual([countFaults(factory, BELADY, r.frames).faults, countFaults(factory, TEXTBOOK, r.frames).faults]);
    }
    const at = (policy: string, frames: number) => faults.find((r) => r.policy === policy && r.frames === frames)!;
    expect([at('fifo', 3).belady, at('fifo', 4).belady]).toEqual([9, 10]);
    // The textbook's figures (Silberschatz, 3 frames): FIFO 15, LRU 12, OPT 9.
    expect([at('fifo', 3).textbook, at('lru', 3).textbook, at('optimal', 3).textbook]).toEqual([15, 12, 9]);

    // Two working sets fit in 64 frames (each page faults once, no swap); from three on the CPU mostly waits.
    expect(thrash.slice(0, 2).map((r) => [r.faults, r.swapins + r.swapouts])).toEqual([[24, 0], [48, 0]]);
    const util = thrash.map((r) => Number(r.utilisation.slice(0, -1)));
    expect(Math.min(util[0]!, util[1]!)).toBeGreaterThan(90);
    expect(Math.max(...util.slice(2))).toBeLessThan(5);
    for (let i = 3; i < thrash.length; i++) expect(thrash[i]!.faults).toBeGreaterThan(thrash[i - 1]!.faults);

    // The same swap traffic within a few pages, two orders of magnitude apart in time.
    const [ram, hp] = swap;
    expect([ram!.swapModel, hp!.swapModel]).toEqual(['ramdisk', 'hp97560']);
    expect(Number(hp!.virtualMs)).toBeGreaterThan(20 * Number(ram!.virtualMs));

    // The plot: the two fault charts and the thrashing one, stacked.
    expect(result.plot).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(result.plot.match(/<svg x="0" y="\d+"/g)).toHaveLength(3);
    expect(result.plot).toContain('degree of multiprogramming');
  });
});
