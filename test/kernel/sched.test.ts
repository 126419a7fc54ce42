/*
 * The kernel's scheduling mechanism: quanta counted by the clock,
 * proc_no_time / notify_scheduler, sys_schedctl and sys_schedule.
 */
import { describe, expect, it } from 'vitest';
import {
  ANY, EINVAL, EPERM, kernelCall, receive, registerSystemCalls, userPrivileges, work, type ActorContext, type Envelope,
} from '../../kernel/index.js';
import { testSystem } from './helpers.js';

const MS = 1_000_000;

function* spinner(): Generator<any, void, any> {
  yield work(30 * MS);
}

describe('quanta and the SCHED protocol in the kernel', () => {
  it('a process out of quantum is held and its scheduler told on its behalf; sys_schedule lets it run', () => {
    const sys = testSystem({ quantumNs: 5 * MS, ipcCostNs: 0 });
    registerSystemCalls(sys.kernel);
    const told: { source: number; priority: number; t: number }[] = [];
    const results: number[] = [];
    sys.spawn('sched', function* (ctx: ActorContext) {
      const target = ctx.endpointOf('spin');
      results.push(yield kernelCall('sys_schedctl', { endpoint: target }));
      for (let i = 0; i < 3; i++) {
        const m = (yield receive(ANY)) as Envelope & { priority: number };
        told.push({ source: m.source, priority: m.priority, t: ctx.nowNs() });
        // Penalise by one queue: the next quantum is 5 ms in queue 8 + i.
        results.push(yield kernelCall('sys_schedule', { endpoint: target, priority: 8 + i, quantumNs: 5 * MS }));
      }
    }, 3);
    const spin = sys.spawn('spin', spinner, 7, userPrivileges());
    sys.kernel.run();
    expect(results).toEqual([0, 0, 0, 0]);
    expect(told.map((x) => x.t)).toEqual([5 * MS, 10 * MS, 15 * MS]);
    expect(told.every((x) => x.source === spin)).toBe(true);
    expect(told.map((x) => x.priority)).toEqual([7, 8, 9]);
    expect(sys.records.filter((r) => r.ev === 'schedule').map((r) => r.priority)).toEqual([8, 9, 10]);
    // After the scheduler exited, the kernel took over: the spinner finished its 30 ms.
    expect(sys.records.find((r) => r.ev === 'exit' && r.proc === 'spin')!.t).toBe(30 * MS);
  });

  it('only a process\'s own scheduler may schedule it, with a queue 0..15 and a quantum of at least 1 ns', () => {
    const sys = testSystem();
    registerSystemCalls(sys.kernel);
    const results: number[] = [];
    sys.spawn('other', function* (ctx: ActorContext) {
      const target = ctx.endpointOf('victim');
      results.push(yield kernelCall('sys_schedule', { endpoint: target, priority: 0, quantumNs: 1 }));
      results.push(yield kernelCall('sys_schedctl', { endpoint: target }));
      results.push(yield kernelCall('sys_schedule', { endpoint: target, priority: 16, quantumNs: 1 }));
      results.push(yield kernelCall('sys_schedule', { endpoint: target, priority: 3, quantumNs: 0 }));
      results.push(yield kernelCall('sys_schedule', { endpoint: target, priority: -1, quantumNs: -1 }));
    }, 3);
    sys.spawn('victim', function* () { yield work(1000); }, 7, userPrivileges());
    sys.kernel.run();
    expect(results).toEqual([-EPERM, 0, -EINVAL, -EINVAL, 0]);
  });

  it('periodic: a tick costs the running process one tick of its quantum, however little of it it used', () => {
    const sys = testSystem({ quantumNs: 3 * MS, ipcCostNs: 0 });
    const k = sys.kernel;
    k.setQuantumClock({ kind: 'tick', tickNs: 2 * MS });
    // A clock that ticks every 2 ms (what tasks/clock/tick.ts does in periodic mode).
    const tick = () => { k.clockTick(); if (k.nowNs < 40 * MS) k.schedule(k.nowNs + 2 * MS, tick); };
    k.schedule(2 * MS, tick);
    sys.spawn('a', spinner, 7);
    sys.spawn('b', spinner, 7);
    k.run();
    // 3 ms rounds up to two 2 ms ticks: a and b alternate every 4 ms, at ticks.
    const ends = sys.records.filter((r) => r.ev === 'quantum').map((r) => r.t as number);
    expect(ends.slice(0, 4)).toEqual([4 * MS, 8 * MS, 12 * MS, 16 * MS]);
  });
});
