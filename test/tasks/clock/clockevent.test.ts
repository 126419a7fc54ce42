import { describe, expect, it } from 'vitest';
import { ETIME, EINVAL, hardwareOf, Kernel, type TraceRecord } from '../../../kernel/index.js';
import { ClockEventDevice, hardwareEventSource } from '../../../tasks/clock/clockevent.js';

function device(minDeltaNs = 100) {
  const kernel = new Kernel({ seed: 1 });
  const records: TraceRecord[] = [];
  kernel.trace.trace$.subscribe((r) => records.push(r));
  const dev = new ClockEventDevice(hardwareOf(kernel), hardwareEventSource(hardwareOf(kernel)), { name: 'lapic', minDeltaNs, maxDeltaNs: 1_000_000 });
  const fired: number[] = [];
  dev.handler = () => fired.push(kernel.nowNs);
  return { kernel, dev, fired, records };
}

describe('clock-event device machine', () => {
  it('walks Linux states and emits one state record per transition', () => {
    const { dev, records } = device();
    expect(dev.state).toBe('detached');
    dev.attach();
    dev.setOneshot();
    dev.stopOneshot();
    dev.setOneshot();
    dev.setPeriodic(1000);
    dev.shutdown();
    dev.detach();
    const states = records.filter((r) => r.ev === 'state');
    expect(states.map((r) => `${r.from}->${r.to}:${r.event}`)).toEqual([
      'detached->shutdown:ATTACH',
      'shutdown->oneshot:SET_ONESHOT',
      'oneshot->oneshot-stopped:STOP_ONESHOT',
      'oneshot-stopped->oneshot:SET_ONESHOT',
      'oneshot->periodic:SET_PERIODIC',
      'periodic->shutdown:SHUTDOWN',
      'shutdown->detached:DETACH',
    ]);
    expect(states.every((r) => r.machine === 'clockevent' && r.device === 'lapic')).toBe(true);
  });

  it('refuses transitions Linux does not make', () => {
    const { dev } = device();
    expect(() => dev.setOneshot()).toThrow(/SET_ONESHOT is not allowed in state detached/);
    dev.attach();
    expect(() => dev.stopOneshot()).toThrow(/not allowed in state shutdown/);
    dev.setPeriodic(1000);
    expect(() => dev.detach()).toThrow(/not allowed in state periodic/);
  });

  it('leaving a mode cancels what it had programmed', () => {
    const { kernel, dev, fired } = device();
    dev.attach();
    dev.setOneshot();
    expect(dev.setNextEvent(500)).toBe(0);
    dev.shutdown();
    kernel.run({ untilNs: 10_000 });
    expect(fired).toEqual([]);
  });
});

describe('clock-event programming', () => {
  it('is relative: setNextEvent(delta) fires once at now + delta', () => {
    const { kernel, dev, fired } = device();
    dev.attach();
    dev.setOneshot();
    kernel.schedule(1000, () => dev.setNextEvent(250));
    kernel.run();
    expect(fired).toEqual([1250]);
  });

  it('refuses deltas under the minimum with ETIME unless forced, and then programs the minimum', () => {
    const { kernel, dev, fired } = device(100);
    dev.attach();
    dev.setOneshot();
    expect(dev.setNextEvent(99)).toBe(-ETIME);
    expect(dev.setNextEvent(0)).toBe(-ETIME);
    expect(dev.minDeltaRefusalsTotal).toBe(2);
    expect(dev.nextEventNs).toBe(Infinity);
    expect(dev.setNextEvent(5, true)).toBe(0);
    expect(dev.setNextEvent(100)).toBe(0);
    kernel.run();
    // Reprogramming replaces the pending shot: one interrupt.
    expect(fired).toEqual([100]);
  });

  it('cannot be programmed outside oneshot mode', () => {
    const { dev } = device();
    expect(dev.setNextEvent(1000)).toBe(-EINVAL);
    dev.attach();
    dev.setPeriodic(1000);
    expect(dev.setNextEvent(1000)).toBe(-EINVAL);
  });

  it('clamps deltas beyond the counter width to the maximum', () => {
    const { kernel, dev, fired } = device();
    dev.attach();
    dev.setOneshot();
    dev.setNextEvent(5_000_000);
    kernel.run();
    expect(fired).toEqual([1_000_000]);
  });

  it('periodic mode fires on the period grid without drift', () => {
    const { kernel, dev, fired } = device();
    dev.attach();
    dev.setPeriodic(1000, 300);
    kernel.run({ untilNs: 5_000 });
    expect(fired).toEqual([300, 1300, 2300, 3300, 4300]);
    expect(dev.eventsTotal).toBe(5);
  });
});
