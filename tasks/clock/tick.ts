/*
 * The kernel half of the clock: the interrupt handler of the clock-event
 * device (MINIX's kernel/clock.c clock_handler, Linux's tick layer). It
 * wakes the clock task only when a timer is due, as MINIX does with
 * next_timeout; the task tells it the next expiry after each change.
 *   TickLayer.start()                 periodic: a tick every 1/HZ; tickless: a stopped oneshot device
 *   TickLayer.setNextTimeout(ns)      the earliest pending expiry (Infinity: none)
 *   TickLayer.roundExpiry(ns)         periodic: up to the next tick boundary; tickless: exact
 *   TickLayer.jiffies()               ticks since the clock started
 * When it drives quanta (the boot image's clock, not a guest's), it tells the
 * kernel how at start: periodic, each tick charges the running process one
 * tick (kernel.clockTick); tickless, the device is also programmed for the
 * quantum end the kernel asks for (kernel.quantumInterrupt), as Linux's hrtick,
 * and as lazily as Linux's hrtimer core: a quantum end later than the device's
 * next event costs nothing (hrtimer_reprogram), a withdrawn one stays on the
 * device, which then fires for nothing and is reprogrammed (hrtimer_interrupt).
 */
import { ETIME, type KernelTaskAccess } from '../../kernel/index.js';
import type { ClockEventDevice } from './clockevent.js';
import { tickNsOf, type ClockConfig } from './config.js';
import type { ClockStats } from './stats.js';

export class TickLayer {
  readonly tickNs: number;
  /** Time of tick 0: ticks fall on originNs + k * tickNs. */
  originNs = 0;
  /** Earliest pending timer expiry (MINIX's next_timeout), or Infinity. */
  private nextTimeoutNs = Infinity;
  /** Tickless: the quantum end the kernel asked an interrupt for, or Infinity. */
  private quantumEventNs = Infinity;
  /** The task was raised for a due timer and has not yet said what is next: that expiry needs no programming. */
  private taskPending = false;

  constructor(
    /** The clock task's view of the kernel (kernel/hardware.ts): MINIX's clock handler runs in the kernel. */
    private readonly kernel: KernelTaskAccess,
    readonly device: ClockEventDevice,
    private readonly config: ClockConfig,
    private readonly stats: ClockStats,
    /** Interrupt the clock task (kernel.raiseIrq to it). */
    private readonly raise: () => void,
    /** Does this clock count the kernel's quanta? */
    private readonly drivesQuanta = false,
  ) {
    this.tickNs = tickNsOf(config.hz);
    device.handler = config.mode === 'periodic' ? () => this.onTick() : () => this.onOneshotEvent();
  }

  get mode(): ClockConfig['mode'] {
    return this.config.mode;
  }

  start(originNs = this.kernel.nowNs): void {
    this.originNs = originNs;
    this.device.attach();
    if (this.config.mode === 'periodic') {
      this.device.setPeriodic(this.tickNs, this.roundExpiry(this.kernel.nowNs + 1));
    } else {
      // Nothing is pending yet: no interrupt until the first timer.
      this.device.setOneshot();
      this.device.stopOneshot();
    }
    if (!this.drivesQuanta) return;
    this.kernel.setQuantumClock(this.config.mode === 'periodic'
      ? { kind: 'tick', tickNs: this.tickNs }
      : {
        kind: 'oneshot',
        arm: (atNs) => this.armQuantumEvent(atNs),
        // Withdrawn, but left on the device: if it fires, onOneshotEvent finds nothing due and reprograms.
        disarm: () => { this.quantumEventNs = Infinity; },
        sync: () => this.programOneshot(),
      });
  }

  jiffies(): number {
    return Math.floor((this.kernel.nowNs - this.originNs) / this.tickNs);
  }

  /** Periodic mode sees time in whole ticks, so a timer can only fire on a tick at or after its expiry. */
  roundExpiry(expiryNs: number): number {
    if (this.config.mode !== 'periodic') return expiryNs;
    const ticks = Math.ceil((expiryNs - this.originNs) / this.tickNs);
    // The last tick before 2^53 ns stands for "never" rather than an unsafe integer.
    return Math.min(this.originNs + Math.max(0, ticks) * this.tickNs, Number.MAX_SAFE_INTEGER);
  }

  setNextTimeout(expiryNs: number): void {
    this.nextTimeoutNs = expiryNs;
    this.taskPending = false;
    if (this.config.mode === 'tickless') this.programOneshot();
  }

  /**
   * The quantum end the kernel asks for, programmed as Linux's hrtimer core
   * programs a (re)started hrtick: an end before the device's next event
   * reprograms it (hrtimer_reprogram); moving a live quantum end that is the
   * device's next event reprograms it too (__hrtimer_start_range_ns forces
   * hrtimer_force_reprogram for the first timer); any other later end costs
   * nothing: the device fires first, and the handler programs the rest.
   */
  private armQuantumEvent(atNs: number): void {
    const previousNs = this.quantumEventNs;
    this.quantumEventNs = atNs;
    const device = this.device;
    if (device.state === 'oneshot' && device.nextEventNs <= atNs && previousNs !== device.nextEventNs) return;
    this.programOneshot();
  }

  /** Tickless: program the device for the next timer or quantum end only, or stop it when none is pending. */
  private programOneshot(): void {
    const device = this.device;
    const expiryNs = Math.min(this.taskPending ? Infinity : this.nextTimeoutNs, this.quantumEventNs);
    if (expiryNs === Infinity) {
      if (device.state === 'oneshot') device.stopOneshot();
      return;
    }
    if (device.state === 'oneshot-stopped') device.setOneshot();
    if (device.nextEventNs === expiryNs) return;
    // Beyond the counter's reach the device fires early and the handler reprograms (an idle event).
    const deltaNs = Math.min(expiryNs - this.kernel.nowNs, this.config.maxDeltaNs);
    this.stats.programs++;
    if (device.setNextEvent(deltaNs) === -ETIME) {
      // Due now or too close to program: take the minimum (clockevents_program_min_delta).
      this.stats.minDeltaRefusals++;
      device.setNextEvent(this.config.minDeltaNs, true);
    }
  }

  private onTick(): void {
    this.stats.deviceEvents++;
    const idle = this.nextTimeoutNs > this.kernel.nowNs;
    this.traceTick(idle, false);
    if (this.drivesQuanta) this.kernel.clockTick();
    if (!idle) {
      this.stats.irqsRaised++;
      this.raise();
    } else {
      this.stats.idleTicks++;
    }
  }

  /** One record per clock-event interrupt: the cost a tick-vs-tickless comparison counts. */
  private traceTick(idle: boolean, quantum: boolean): void {
    const k = this.kernel;
    if (k.traceOn) k.emit({ seq: 0, t: k.nowNs, ev: 'tick', mode: this.config.mode, idle, ...(quantum ? { quantum: true } : {}) });
  }

  private onOneshotEvent(): void {
    this.stats.deviceEvents++;
    const nowNs = this.kernel.nowNs;
    const timerDue = this.nextTimeoutNs <= nowNs && !this.taskPending;
    const quantumDue = this.quantumEventNs <= nowNs;
    this.traceTick(!timerDue && !quantumDue, quantumDue);
    if (quantumDue) {
      this.quantumEventNs = Infinity;
      this.stats.quantumEvents++;
      this.kernel.quantumInterrupt();
    }
    if (timerDue) {
      // The task reprograms when it has run the due timers.
      this.stats.irqsRaised++;
      this.taskPending = true;
      this.raise();
      if (this.quantumEventNs !== Infinity) this.programOneshot();
    } else if (quantumDue) {
      this.programOneshot();
    } else {
      this.stats.idleTicks++;
      this.programOneshot();
    }
  }
}
