/*
 * A clock-event device (Linux's struct clock_event_device, lguest's guest
 * clock): a timer chip that interrupts once (oneshot) or every period.
 *   ClockEventDevice           attach, detach, setPeriodic, setOneshot, stopOneshot, shutdown
 *   ClockEventDevice.setNextEvent(deltaNs, force)   relative programming, as lguest's HCALL_SET_CLOCKEVENT
 *   EventSource, hardwareEventSource(hw)            what the device's interrupts are scheduled on:
 *                              the machine's timed events (bare metal) or a host hrtimer (a guest)
 * The device model is handed the machine's Hardware, never the kernel (kernel/hardware.ts).
 * Mode changes follow the xstate machine's transitions and become `state` records;
 * programming and firing are plain code on the hot path.
 */
import { EINVAL, ETIME, type Hardware, type TimedEvent } from '../../kernel/index.js';
import { nextClockEventState, type ClockEventEvent, type ClockEventState } from './clockevent-machine.js';

/** Where a device's interrupts come from: one pending shot at a time. */
export interface EventSource<H = unknown> {
  arm(atNs: number, fire: () => void): H;
  disarm(handle: H): void;
}

export function hardwareEventSource(hw: Hardware): EventSource {
  return {
    arm: (atNs, fire) => hw.schedule(atNs, fire),
    disarm: (handle) => hw.cancel(handle as TimedEvent),
  };
}

export interface ClockEventOptions {
  /** Name in `state` records. */
  readonly name: string;
  /** Shortest programmable delta; shorter ones fail with ETIME unless forced (lguest: 100 ns). */
  readonly minDeltaNs: number;
  /** Longest programmable delta; longer ones are clamped (the hardware counter's width). */
  readonly maxDeltaNs: number;
}

export class ClockEventDevice {
  private current: ClockEventState = 'detached';
  private pending: unknown = null;
  private periodNs = 0;
  /** Absolute time of the programmed shot, or Infinity. */
  nextEventNs = Infinity;
  /** Called at each interrupt (Linux's event_handler: tick_handle_periodic, hrtimer_interrupt). */
  handler: () => void = () => {};

  // Statistics.
  eventsTotal = 0;
  programsTotal = 0;
  minDeltaRefusalsTotal = 0;

  private readonly fireBound = () => this.fire();

  constructor(
    private readonly hw: Hardware,
    private readonly source: EventSource,
    readonly options: ClockEventOptions,
  ) {
    if (!(Number.isSafeInteger(options.minDeltaNs) && options.minDeltaNs >= 1)) throw new RangeError(`minDeltaNs must be a positive integer, got ${options.minDeltaNs}`);
    if (!(Number.isSafeInteger(options.maxDeltaNs) && options.maxDeltaNs >= options.minDeltaNs)) throw new RangeError(`maxDeltaNs must be an integer >= minDeltaNs, got ${options.maxDeltaNs}`);
  }

  get state(): ClockEventState {
    return this.current;
  }

  attach(): void { this.transition({ type: 'ATTACH' }); }
  detach(): void { this.transition({ type: 'DETACH' }); }

  /** Interrupt every periodNs, the first at firstNs (default: one period from now). */
  setPeriodic(periodNs: number, firstNs = this.hw.nowNs + periodNs): void {
    if (!(Number.isSafeInteger(periodNs) && periodNs >= this.options.minDeltaNs)) throw new RangeError(`clock-event period must be an integer >= ${this.options.minDeltaNs} ns, got ${periodNs}`);
    if (firstNs < this.hw.nowNs) throw new RangeError(`first periodic event ${firstNs} is in the past`);
    this.transition({ type: 'SET_PERIODIC' });
    this.periodNs = periodNs;
    this.armAt(firstNs);
  }

  setOneshot(): void {
    this.transition({ type: 'SET_ONESHOT' });
  }

  /** Nothing pending: stop the device (tickless idle with an empty queue). */
  stopOneshot(): void {
    this.transition({ type: 'STOP_ONESHOT' });
  }

  shutdown(): void {
    this.transition({ type: 'SHUTDOWN' });
  }

  /**
   * Program the next interrupt deltaNs from now (oneshot mode only). A delta
   * under the minimum fails with -ETIME, as lguest refuses it, unless forced:
   * then the minimum is programmed (Linux's clockevents_program_min_delta).
   */
  setNextEvent(deltaNs: number, force = false): number {
    if (this.current !== 'oneshot' || !Number.isSafeInteger(deltaNs)) return -EINVAL;
    if (deltaNs < this.options.minDeltaNs) {
      if (!force) {
        this.minDeltaRefusalsTotal++;
        return -ETIME;
      }
      deltaNs = this.options.minDeltaNs;
    }
    if (deltaNs > this.options.maxDeltaNs) deltaNs = this.options.maxDeltaNs;
    this.programsTotal++;
    this.armAt(this.hw.nowNs + deltaNs);
    return 0;
  }

  private armAt(atNs: number): void {
    if (this.pending !== null) this.source.disarm(this.pending);
    this.nextEventNs = atNs;
    this.pending = this.source.arm(atNs, this.fireBound);
  }

  private disarm(): void {
    if (this.pending !== null) this.source.disarm(this.pending);
    this.pending = null;
    this.nextEventNs = Infinity;
  }

  private fire(): void {
    this.pending = null;
    const firedAtNs = this.nextEventNs;
    this.nextEventNs = Infinity;
    this.eventsTotal++;
    // Periodic hardware re-arms itself on the period grid, so ticks never drift.
    if (this.current === 'periodic') this.armAt(firedAtNs + this.periodNs);
    this.handler();
  }

  private transition(event: ClockEventEvent): void {
    const from = this.current;
    const to = nextClockEventState(from, event.type);
    if (to === null) throw new Error(`clock-event device ${this.options.name}: ${event.type} is not allowed in state ${from}`);
    this.current = to;
    // Leaving a mode cancels what it had programmed (clockevents_switch_state).
    this.disarm();
    if (this.hw.traceOn) {
      this.hw.emit({ seq: 0, t: this.hw.nowNs, ev: 'state', machine: 'clockevent', device: this.options.name, from, to, event: event.type });
    }
  }
}
