/*
 * The replacement policies against hand-computed fault counts, the optimal
 * property (fast-check), and the VM server's own counts on a boot equal to
 * the same policy run on the string alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countFaults } from '../../../servers/vm/policies/simulate.js';
import { replacementPolicy, REPLACEMENT_NAMES } from '../../../servers/vm/policies/index.js';
import { bootVm } from './helpers.js';

const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
const faults = (name: string, refs: number[], frames: number) => countFaults(replacementPolicy(name)!, refs, frames).faults;

describe('replacement policies, by hand', () => {
  it("FIFO shows Belady's anomaly: 9 faults with 3 frames, 10 with 4", () => {
    expect(faults('fifo', BELADY, 3)).toBe(9);
    expect(faults('fifo', BELADY, 4)).toBe(10);
  });

  it('LRU on the same string: 10 with 3 frames, 8 with 4 (a stack algorithm: no anomaly)', () => {
    expect(faults('lru', BELADY, 3)).toBe(10);
    expect(faults('lru', BELADY, 4)).toBe(8);
  });

  it('optimal on the same string: 7 with 3 frames, 6 with 4', () => {
    expect(faults('optimal', BELADY, 3)).toBe(7);
    expect(faults('optimal', BELADY, 4)).toBe(6);
  });

  it('clock gives a referenced page its second chance where FIFO evicts it: 1 2 3 4 2 5 2 with 3 frames', () => {
    // FIFO: 4 evicts 1; 5 evicts 2 (oldest), so the last 2 faults again: 6.
    // Clock: 4's sweep clears every bit and evicts 1; the hit on 2 sets its bit, so 5 passes 2 and evicts 3: 5.
    const refs = [1, 2, 3, 4, 2, 5, 2];
    expect(faults('fifo', refs, 3)).toBe(6);
    expect(faults('clock', refs, 3)).toBe(5);
    expect(faults('lru', refs, 3)).toBe(5);
    expect(faults('optimal', refs, 3)).toBe(5);
  });

  it('with as many frames as pages, every policy faults once per page', () => {
    for (const name of REPLACEMENT_NAMES) expect(faults(name, [0, 1, 2, 0, 1, 2, 2, 1], 3)).toBe(3);
  });
});

describe('optimal is optimal', () => {
  it('never faults more than fifo, lru or clock on random reference strings', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 6 }),
      (refs, frames) => {
        const best = faults('optimal', refs, frames);
        for (const other of ['fifo', 'lru', 'clock']) expect(best).toBeLessThanOrEqual(faults(other, refs, frames));
      },
    ), { numRuns: 300 });
  });
});

describe('the VM server counts what the policy alone counts', () => {
  it.each(REPLACEMENT_NAMES.flatMap((p) => [[p, 3], [p, 4]] as const))('%s with %i frames on the Belady string', (policy, frames) => {
    const script = `vm frames=${frames} page-size=4096 replacement=${policy}\nprocess p uid=0\n    brk 64K\n    ref ${BELADY.join(' ')}\n    vmstat\n`;
    const { report } = bootVm(script);
    const expected = faults(policy, BELADY, frames);
    expect(report.output).toEqual([`p: vmstat: faults=${expected} evictions=${expected - frames} swapins=0 swapouts=0 resident=${frames}`]);
  });
});
