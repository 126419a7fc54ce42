/*
 * The built-in scheduling policies as pure functions: data in, decisions out.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../kernel/random.js';
import { lotteryPolicy, ticketsOf } from '../../../servers/sched/lottery.js';
import { BALANCE_INTERVAL_NS, minixPolicy } from '../../../servers/sched/minix.js';
import { MLFQ_LEVELS, mlfqPolicy } from '../../../servers/sched/mlfq.js';
import type { PolicyView, SchedProc } from '../../../servers/sched/policy.js';
import { rrPolicy } from '../../../servers/sched/rr.js';
import { niceToPriority } from '../../../servers/pm/schedule.js';

const proc = (fields: Partial<SchedProc> = {}): SchedProc => ({
  endpoint: 10, name: 'p', maxPriority: 7, priority: 7, quantumNs: 10_000_000, baseQuantumNs: 10_000_000, ...fields,
});
const viewOf = (procs: SchedProc[], seed = 1): PolicyView => {
  const prng = new Prng(seed);
  return { procs, random: () => prng.nextU32() };
};

describe('minix policy (do_noquantum, balance_queues)', () => {
  it('drops a process that used its quantum one queue, down to 15 and no further', () => {
    let p = proc();
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = minixPolicy.noQuantum(p, viewOf([p]));
      seen.push(d.priority);
      expect(d.quantumNs).toBe(p.quantumNs);
      p = { ...p, priority: d.priority };
    }
    expect(seen).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 15, 15, 15, 15]);
  });

  it('balance lifts every process below its best queue by one, every 5 s', () => {
    expect(minixPolicy.balanceIntervalNs).toBe(BALANCE_INTERVAL_NS);
    const procs = [proc({ endpoint: 1, priority: 9 }), proc({ endpoint: 2, priority: 7 }), proc({ endpoint: 3, maxPriority: 6, priority: 15 })];
    expect(minixPolicy.balance!(viewOf(procs))).toEqual([
      { endpoint: 1, priority: 8, quantumNs: 10_000_000 },
      { endpoint: 3, priority: 14, quantumNs: 10_000_000 },
    ]);
  });
});

describe('rr policy', () => {
  it('keeps every process in its best queue with its base quantum', () => {
    const p = proc({ maxPriority: 6, priority: 9, quantumNs: 3, baseQuantumNs: 2_000_000 });
    expect(rrPolicy.noQuantum(p, viewOf([p]))).toEqual({ priority: 6, quantumNs: 2_000_000 });
    expect(rrPolicy.init(p)).toEqual({ priority: 6, quantumNs: 2_000_000 });
  });
});

describe('mlfq policy', () => {
  it('demotes one level per used quantum, doubling the quantum, down to the last level', () => {
    let p = proc();
    const seen: [number, number][] = [];
    for (let i = 0; i < 5; i++) {
      const d = mlfqPolicy.noQuantum(p, viewOf([p]));
      seen.push([d.priority, d.quantumNs / 1_000_000]);
      p = { ...p, ...d };
    }
    expect(seen).toEqual([[8, 20], [9, 40], [10, 80], [10, 80], [10, 80]]);
    expect(MLFQ_LEVELS).toBe(4);
  });

  it('boosts everyone back to the top level with the base quantum', () => {
    const procs = [proc({ endpoint: 1, priority: 10, quantumNs: 80_000_000 }), proc({ endpoint: 2 })];
    expect(mlfqPolicy.balance!(viewOf(procs))).toEqual([{ endpoint: 1, priority: 7, quantumNs: 10_000_000 }]);
  });
});

describe('lottery policy', () => {
  it('gives each process the best queue in proportion to its tickets', () => {
    const a = proc({ endpoint: 1, maxPriority: 7 }); // 9 tickets
    const b = proc({ endpoint: 2, maxPriority: 13 }); // 3 tickets
    expect([ticketsOf(a), ticketsOf(b)]).toEqual([9, 3]);
    const view = viewOf([a, b], 42);
    let aWins = 0;
    let bWins = 0;
    for (let i = 0; i < 12_000; i++) {
      if (lotteryPolicy.noQuantum(a, view).priority === 7) aWins++;
      if (lotteryPolicy.noQuantum(b, view).priority === 13) bWins++;
    }
    // a holds 9 of 12 tickets, b 3 of 12.
    expect(aWins / 12_000).toBeGreaterThan(0.72);
    expect(aWins / 12_000).toBeLessThan(0.78);
    expect(bWins / 12_000).toBeGreaterThan(0.22);
    expect(bWins / 12_000).toBeLessThan(0.28);
  });

  it('draws the same way from the same seed', () => {
    const a = proc({ endpoint: 1 });
    const b = proc({ endpoint: 2 });
    const draw = (seed: number) => {
      const view = viewOf([a, b], seed);
      return Array.from({ length: 50 }, () => lotteryPolicy.noQuantum(a, view).priority);
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });
});

describe("PM's nice_to_priority", () => {
  it('maps nice -20..19 onto queues 0..15 with nice 0 at the user queue 7', () => {
    expect([-20, -10, -5, 0, 5, 10, 19].map(niceToPriority)).toEqual([0, 3, 5, 7, 9, 11, 15]);
  });
});
