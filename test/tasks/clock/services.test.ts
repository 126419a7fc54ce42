import { describe, expect, it } from 'vitest';
import {
  EBADCALL, EINVAL, ESRCH, kernelCall, NOTIFY, receive, registerSystemCalls, send, sendrec, work,
  type Envelope, type Notification,
} from '../../../kernel/index.js';
import {
  CLOCK_NOTIFY_ALARM, CLOCK_NOTIFY_ITIMER, CLOCK_NOTIFY_QUANTUM, CLOCK_NOTIFY_WATCHDOG, type ExpiredTimer,
} from '../../../tasks/clock/protocol.js';
import { call, clockSystem, MS } from './harness.js';

describe('alarm (sys_setalarm)', () => {
  it('a new alarm replaces the old one and returns what it had left; 0 cancels', () => {
    const sys = clockSystem({ mode: 'tickless' });
    const seen: Record<string, unknown>[] = [];
    sys.spawnClient('p', function* (ctx) {
      const first = yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 10 * MS });
      seen.push({ leftNs: first.leftNs });
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 4 * MS });
      const t0 = ctx.nowNs();
      const second = yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 3_000 * MS });
      seen.push({ leftNs: second.leftNs, expectedLeftNs: 10 * MS - (t0 - (seen.length, 0)) });
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 1_000 * MS });
      const cancel = yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 0 });
      seen.push({ leftNs: cancel.leftNs, leftSec: cancel.leftSec });
      const again = yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 0 });
      seen.push({ leftNs: again.leftNs });
    });
    sys.kernel.run({ untilNs: 5_000 * MS });
    expect(seen[0]).toEqual({ leftNs: 0 });
    // The first alarm had a little under 6 ms left (4 ms of sleep plus IPC costs passed).
    expect(seen[1]!.leftNs as number).toBeGreaterThan(5.99 * MS);
    expect(seen[1]!.leftNs as number).toBeLessThan(6 * MS);
    expect(seen[2]!.leftNs as number).toBeGreaterThan(1_999 * MS);
    expect(seen[2]!.leftSec).toBe(2);
    expect(seen[3]).toEqual({ leftNs: 0 });
    const timers = sys.records.filter((r) => r.ev === 'timer');
    expect(timers.map((r) => `${r.op}:${r.kind}`)).toEqual([
      'set:alarm', 'set:sleep', 'fire:sleep', 'cancel:alarm', 'set:alarm', 'set:sleep', 'fire:sleep', 'cancel:alarm',
    ]);
    expect(sys.clock.stats.perOwner.get('p')).toMatchObject({ set: 4, fired: 2, cancelled: 2 });
  });

  it('expiry notifies the owner, which takes the expired set once', () => {
    const sys = clockSystem({ mode: 'tickless' });
    let note: Envelope<Notification> | null = null;
    let expired: ExpiredTimer[] = [];
    let again: ExpiredTimer[] = [];
    sys.spawnClient('p', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 5 * MS });
      note = (yield receive(ctx.endpointOf('clock'))) as Envelope<Notification>;
      expired = (yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[];
      again = (yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[];
    });
    sys.kernel.run({ untilNs: 100 * MS });
    expect(note!.type).toBe(NOTIFY);
    expect(note!.bits).toBe(CLOCK_NOTIFY_ALARM);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ kind: 'alarm', latenessNs: 0, overruns: 0 });
    expect(expired[0]!.firedNs).toBe(expired[0]!.expiryNs);
    expect(again).toEqual([]);
  });

  it('a system process may set the alarm of another endpoint (as PM does for a user)', () => {
    const sys = clockSystem({ mode: 'tickless' });
    let notedAt = -1;
    sys.spawnClient('user', function* (ctx) {
      yield receive(ctx.endpointOf('clock'));
      notedAt = ctx.nowNs();
    });
    sys.spawnClient('pm', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SET_ALARM', delayNs: 2 * MS, ownerEndpoint: ctx.endpointOf('user') });
    }, 3);
    sys.kernel.run({ untilNs: 10 * MS });
    expect(notedAt).toBeGreaterThanOrEqual(2 * MS);
    expect(notedAt).toBeLessThan(2.01 * MS);
  });

  it('the timers of an owner that exited are dropped at expiry', () => {
    const sys = clockSystem({ mode: 'tickless' });
    sys.spawnClient('brief', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: MS, intervalNs: MS });
    });
    sys.kernel.run({ untilNs: 50 * MS });
    expect(sys.clock.stats.timersFired).toBe(1);
    expect(sys.clock.timers!.queue.size).toBe(0);
    expect(sys.clock.device!.state).toBe('oneshot-stopped');
  });
});

describe('interval timers', () => {
  it('ITIMER_REAL re-arms on its period; periods the owner missed count as overruns', () => {
    const sys = clockSystem({ mode: 'tickless' });
    const got: ExpiredTimer[][] = [];
    sys.spawnClient('p', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: 10 * MS, intervalNs: 10 * MS });
      yield receive(ctx.endpointOf('clock'));
      got.push((yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[]);
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 35 * MS });
      got.push((yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[]);
      const cur = yield* call(ctx, { type: 'CLOCK_GET_ITIMER', which: 'real' });
      got.push([{ kind: 'itimer-real', id: 0, expiryNs: cur.valueNs as number, firedNs: 0, latenessNs: 0, overruns: cur.intervalNs as number }]);
      yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: 0, intervalNs: 0 });
    });
    sys.kernel.run({ untilNs: 200 * MS });
    expect(got[0]).toHaveLength(1);
    expect(got[0]![0]).toMatchObject({ kind: 'itimer-real', expiryNs: got[0]![0]!.firedNs, overruns: 0 });
    expect(got[1]).toHaveLength(1);
    expect(got[1]![0]!.overruns).toBe(2);
    expect(got[2]![0]!.expiryNs).toBeGreaterThan(0);
    expect(got[2]![0]!.expiryNs).toBeLessThanOrEqual(10 * MS);
    expect(got[2]![0]!.overruns).toBe(10 * MS);
    const fires = sys.records.filter((r) => r.ev === 'timer' && r.op === 'fire' && r.kind === 'itimer-real');
    expect(fires).toHaveLength(4);
    expect(fires.map((f) => (f.expiryNs as number) - (fires[0]!.expiryNs as number))).toEqual([0, 10 * MS, 20 * MS, 30 * MS]);
  });

  it('ITIMER_VIRTUAL counts the owner\'s CPU time, not the time it spends blocked', () => {
    const sys = clockSystem({ mode: 'tickless' });
    let notedAt = -1;
    let cpuAtNote = -1;
    sys.spawnClient('p', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SET_ITIMER', which: 'virtual', valueNs: 5 * MS, intervalNs: 0 });
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 20 * MS });
      yield work(10 * MS);
      yield receive(ctx.endpointOf('clock'));
      notedAt = ctx.nowNs();
      cpuAtNote = sys.kernel.procByName('p')!.cpuTimeNs;
    });
    sys.kernel.run({ untilNs: 200 * MS });
    // Expired when 5 ms of CPU were used: during the work after the 20 ms sleep, not at 5 ms.
    expect(notedAt).toBeGreaterThan(25 * MS);
    expect(cpuAtNote).toBeGreaterThanOrEqual(10 * MS);
    const fire = sys.records.find((r) => r.ev === 'timer' && r.op === 'fire')!;
    expect(fire.kind).toBe('sleep');
    const vfire = sys.records.find((r) => r.ev === 'timer' && r.op === 'fire' && r.kind === 'itimer-virtual')!;
    expect(vfire.t).toBeGreaterThanOrEqual(25 * MS);
    expect(vfire.t).toBeLessThan(25.01 * MS);
  });
});

describe('quantum expiry for a scheduler', () => {
  function preemption(mode: 'tickless' | 'periodic') {
    const sys = clockSystem({ mode, hz: 1000 });
    registerSystemCalls(sys.kernel);
    let expired: ExpiredTimer[] = [];
    let bits = 0;
    let cpuAtStop = -1;
    sys.spawnClient('spinner', function* () { yield work(50 * MS); });
    sys.spawnClient('sched', function* (ctx) {
      const spinner = ctx.endpointOf('spinner');
      yield* call(ctx, { type: 'CLOCK_SET_QUANTUM', target: spinner, quantumNs: 5_500_000 });
      bits = ((yield receive(ctx.endpointOf('clock'))) as Envelope<Notification>).bits;
      expired = (yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[];
      // Out of quantum: take the CPU away (MINIX's scheduler would lower its priority).
      yield kernelCall('sys_stop', { endpoint: spinner });
      cpuAtStop = sys.kernel.procByName('spinner')!.cpuTimeNs;
    }, 2);
    sys.kernel.run({ untilNs: 100 * MS });
    const spinnerCpu = sys.kernel.procByName('spinner')!.cpuTimeNs;
    return { expired, bits, cpuAtStop, spinnerCpu, spinner: sys.kernel.procByName('spinner')!.endpoint };
  }

  it('tickless: the scheduler hears when the target has used its quantum, and can preempt it', () => {
    const r = preemption('tickless');
    expect(r.bits).toBe(CLOCK_NOTIFY_QUANTUM);
    expect(r.expired).toHaveLength(1);
    expect(r.expired[0]).toMatchObject({ kind: 'quantum', target: r.spinner });
    expect(r.expired[0]!.usedNs).toBeGreaterThanOrEqual(5_500_000);
    expect(r.expired[0]!.usedNs).toBeLessThan(5_510_000);
    expect(r.spinnerCpu).toBe(r.cpuAtStop);
    expect(r.spinnerCpu).toBeLessThan(6 * MS);
  });

  it('periodic: the quantum is noticed on the tick after it ran out', () => {
    const r = preemption('periodic');
    expect(r.expired[0]!.usedNs).toBeGreaterThanOrEqual(5_500_000);
    // The expiry waited for the 6 ms tick.
    expect(r.expired[0]!.firedNs % MS).toBe(0);
    expect(r.spinnerCpu).toBeGreaterThanOrEqual(5.9 * MS);
    expect(r.spinnerCpu).toBeLessThan(6.1 * MS);
  });

  it('a quantum for a process that does not exist is ESRCH', () => {
    const sys = clockSystem();
    let status = 0;
    sys.spawnClient('sched', function* (ctx) {
      status = (yield* call(ctx, { type: 'CLOCK_SET_QUANTUM', target: 4242, quantumNs: MS })).status;
    });
    sys.kernel.run({ untilNs: MS });
    expect(status).toBe(-ESRCH);
  });
});

describe('watchdog for drivers', () => {
  it('a driver that stops petting its watchdog is reported to reportTo', () => {
    const sys = clockSystem({ mode: 'tickless' });
    let report: ExpiredTimer[] = [];
    let reportedAt = -1;
    let lastPetAt = -1;
    let disk = -1;
    sys.spawnClient('rs', function* (ctx) {
      const note = (yield receive(ctx.endpointOf('clock'))) as Envelope<Notification>;
      expect(note.bits).toBe(CLOCK_NOTIFY_WATCHDOG);
      reportedAt = ctx.nowNs();
      disk = ctx.endpointOf('disk');
      report = (yield* call(ctx, { type: 'CLOCK_EXPIRED' })).expired as ExpiredTimer[];
    }, 3);
    sys.spawnClient('disk', function* (ctx) {
      for (let i = 0; i < 5; i++) {
        yield* call(ctx, { type: 'CLOCK_WATCHDOG', timeoutNs: 10 * MS, reportTo: ctx.endpointOf('rs') });
        lastPetAt = ctx.nowNs();
        yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 6 * MS });
      }
      // Hung: no more petting.
      yield receive(ctx.endpointOf('rs'));
    }, 1);
    sys.kernel.run({ untilNs: 100 * MS });
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ kind: 'watchdog', target: disk });
    expect(reportedAt).toBeGreaterThanOrEqual(lastPetAt + 10 * MS - 1000);
    expect(reportedAt).toBeLessThan(lastPetAt + 10 * MS + 10_000);
    expect(sys.clock.stats.timersCancelled).toBe(4);
  });
});

describe('requests the clock refuses', () => {
  it('answers bad fields with EINVAL and unknown types with EBADCALL, and keeps serving', () => {
    const sys = clockSystem();
    const statuses: number[] = [];
    sys.spawnClient('p', function* (ctx) {
      const clock = ctx.endpointOf('clock');
      for (const msg of [
        { type: 'CLOCK_SET_ALARM', delayNs: -1 },
        { type: 'CLOCK_SET_ALARM', delayNs: 1.5 },
        { type: 'CLOCK_SLEEP', delayNs: '5' },
        { type: 'CLOCK_SET_ITIMER', which: 'prof', valueNs: 1, intervalNs: 0 },
        { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: MS, intervalNs: 1 },
        { type: 'CLOCK_FROB' },
        { type: 'CLOCK_GETTIME' },
      ]) {
        const r = (yield sendrec(clock, msg)) as Envelope<{ type: string; status: number }>;
        statuses.push(r.status);
      }
    });
    sys.kernel.run({ untilNs: 10 * MS });
    expect(statuses).toEqual([-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EBADCALL, 0]);
  });

  it('CLOCK_STATS reports counts per owner', () => {
    const sys = clockSystem({ mode: 'periodic', hz: 100 });
    let stats: Record<string, unknown> = {};
    sys.spawnClient('p', function* (ctx) {
      yield* call(ctx, { type: 'CLOCK_SLEEP', delayNs: 25 * MS });
      stats = (yield* call(ctx, { type: 'CLOCK_STATS' })) as unknown as Record<string, unknown>;
      yield send(ctx.endpointOf('clock'), { type: 'CLOCK_GETTIME' });
    });
    sys.kernel.run({ untilNs: 40 * MS });
    expect(stats).toMatchObject({ mode: 'periodic', hz: 100, jiffies: 3, pendingTimers: 0 });
    expect(stats.stats).toMatchObject({ deviceEvents: 3, irqsRaised: 1, idleTicks: 2, timersFired: 1, perOwner: { p: { set: 1, fired: 1 } } });
  });
});
