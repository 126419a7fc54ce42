import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RequestQueue, SCHED_POLICIES, type SchedPolicy } from '../../../drivers/disk/queue.js';

interface Req { cylinder: number; seq: number }

/** Serve a queue to the end, moving the head to each served request's cylinder. */
function serveOrder(policy: SchedPolicy, headCyl: number, cylinders: readonly number[]): number[] {
  const q = new RequestQueue<Req>(policy, 1000);
  cylinders.forEach((cylinder, seq) => q.push({ cylinder, seq }));
  const out: number[] = [];
  for (let r = q.next(headCyl); r !== undefined; r = q.next(headCyl)) {
    out.push(r.cylinder);
    headCyl = r.cylinder;
  }
  return out;
}

// The textbook queue (Silberschatz, Operating System Concepts): head at 53.
const QUEUE = [98, 183, 37, 122, 14, 124, 65, 67];

describe('scheduling policies on a known queue', () => {
  it('fcfs serves in arrival order', () => {
    expect(serveOrder('fcfs', 53, QUEUE)).toEqual([98, 183, 37, 122, 14, 124, 65, 67]);
  });

  it('sstf always serves the nearest cylinder next', () => {
    expect(serveOrder('sstf', 53, QUEUE)).toEqual([65, 67, 37, 14, 98, 122, 124, 183]);
  });

  it('look sweeps up to the last request, then reverses', () => {
    expect(serveOrder('look', 53, QUEUE)).toEqual([65, 67, 98, 122, 124, 183, 37, 14]);
  });

  it('clook sweeps up, then jumps back to the lowest request and sweeps up again', () => {
    expect(serveOrder('clook', 53, QUEUE)).toEqual([65, 67, 98, 122, 124, 183, 14, 37]);
  });

  it('breaks ties on one cylinder by arrival', () => {
    const q = new RequestQueue<Req & { id: string }>('sstf', 10);
    q.push({ cylinder: 10, seq: 2, id: 'b' });
    q.push({ cylinder: 10, seq: 1, id: 'a' });
    q.push({ cylinder: 30, seq: 0, id: 'c' });
    expect([q.next(10)!.id, q.next(10)!.id, q.next(10)!.id]).toEqual(['a', 'b', 'c']);
  });

  it('refuses requests beyond its limit', () => {
    const q = new RequestQueue<Req>('fcfs', 2);
    expect(q.push({ cylinder: 1, seq: 0 })).toBe(true);
    expect(q.push({ cylinder: 1, seq: 1 })).toBe(true);
    expect(q.push({ cylinder: 1, seq: 2 })).toBe(false);
    expect(q.length).toBe(2);
  });

  it('documents every policy in one line', () => {
    for (const line of Object.values(SCHED_POLICIES)) expect(line).not.toContain('\n');
  });
});

describe('policy properties', () => {
  const cyls = fc.array(fc.integer({ min: 0, max: 1961 }), { maxLength: 30 });
  const head = fc.integer({ min: 0, max: 1961 });

  it('every policy serves each request exactly once', () => {
    fc.assert(fc.property(fc.constantFrom<SchedPolicy>('fcfs', 'sstf', 'look', 'clook'), head, cyls, (p, h, c) => {
      expect([...serveOrder(p, h, c)].sort((a, b) => a - b)).toEqual([...c].sort((a, b) => a - b));
    }));
  });

  it('sstf never moves further than the nearest pending request', () => {
    fc.assert(fc.property(head, cyls, (h, c) => {
      const order = serveOrder('sstf', h, c);
      let at = h;
      const pending = [...c];
      for (const next of order) {
        expect(Math.abs(next - at)).toBe(Math.min(...pending.map((x) => Math.abs(x - at))));
        pending.splice(pending.indexOf(next), 1);
        at = next;
      }
    }));
  });

  it('look changes direction at most once for a fixed queue; clook is ascending with one wrap', () => {
    fc.assert(fc.property(head, cyls, (h, c) => {
      const turns = (order: number[]) => {
        let n = 0;
        let dir = 0;
        let at = h;
        for (const x of order) {
          const d = Math.sign(x - at);
          if (d !== 0 && dir !== 0 && d !== dir) n++;
          if (d !== 0) dir = d;
          at = x;
        }
        return n;
      };
      expect(turns(serveOrder('look', h, c))).toBeLessThanOrEqual(1);
      const cl = serveOrder('clook', h, c);
      let drops = 0;
      for (let i = 1; i < cl.length; i++) if (cl[i]! < cl[i - 1]!) drops++;
      expect(drops).toBeLessThanOrEqual(1);
    }));
  });
});
