/*
 * A host running N guest kernels on one virtual timeline, as lguest runs
 * Linux guests: each guest's clock-event device is backed by one host
 * hrtimer (lguest's HCALL_SET_CLOCKEVENT starts lg->hrt), and every expiry
 * of it is a host timer event that injects the guest's clock interrupt.
 *   guestsConfig(partial)        defaults and checks (the boot line `clock ... guests=N`)
 *   startGuests(kernel, config)  the host timer base and N guests, each a clock task and an
 *                                idle workload with one interval timer; returns the HostModel
 *   HostModel.report()           host interrupts, host timer events, per-guest counts
 * Guests boot at seeded random offsets, so their ticks do not fall on the
 * same nanosecond and each guest tick costs the host its own event.
 * The host is a model of the machine, built by the boot loader with the
 * kernel; the guests' clock tasks get only KernelTaskAccess, as the host's does.
 */
import {
  hardwareOf, kernelTaskAccessOf, NONE, receive, sendrec, systemPrivileges, USER_Q, type ActorContext, type Hardware, type Kernel, type KernelCall,
} from '../../kernel/index.js';
import { ClockEventDevice, hardwareEventSource, type EventSource } from './clockevent.js';
import { clockConfig, type ClockMode } from './config.js';
import { HrtimerQueue, newHrtimer, type Hrtimer } from './hrtimer.js';
import { createClock, type ClockInstance } from './main.js';
import type { ClockSetItimer } from './protocol.js';
import type { ClockStats } from './stats.js';

export interface GuestsConfig {
  readonly guests: number;
  /** Every guest's clock mode and tick rate. */
  readonly mode: ClockMode;
  readonly hz: number;
  /** Each guest's one interval timer (0: a guest with no timer at all). */
  readonly timerPeriodNs: number;
  /** Guests boot at offsets drawn from [0, bootSpreadNs) with the kernel's PRNG. */
  readonly bootSpreadNs: number;
  /** The host timer's minimum delta (lguest: 100 ns). */
  readonly hostMinDeltaNs: number;
}

export const DEFAULT_GUESTS_CONFIG: GuestsConfig = {
  guests: 10, mode: 'periodic', hz: 1000, timerPeriodNs: 100_000_000, bootSpreadNs: 1_000_000, hostMinDeltaNs: 100,
};

const MAX_GUESTS = 1000;

export function guestsConfig(partial: Partial<GuestsConfig> = {}): GuestsConfig {
  const config = { ...DEFAULT_GUESTS_CONFIG, ...partial };
  const fail = (message: string): never => { throw Object.assign(new Error(message), { userFacing: true }); };
  if (!(Number.isSafeInteger(config.guests) && config.guests >= 1 && config.guests <= MAX_GUESTS)) fail(`guests must be an integer from 1 to ${MAX_GUESTS}, got ${config.guests}`);
  if (!(Number.isSafeInteger(config.timerPeriodNs) && config.timerPeriodNs >= 0)) fail(`guest timer period must be a non-negative integer of ns, got ${config.timerPeriodNs}`);
  if (!(Number.isSafeInteger(config.bootSpreadNs) && config.bootSpreadNs >= 1 && config.bootSpreadNs <= 0x1_0000_0000)) fail(`guest boot spread must be 1 ns to 4.29 s, got ${config.bootSpreadNs}`);
  // The guests' clock configuration is checked by the clock itself.
  clockConfig({ mode: config.mode, hz: config.hz });
  return config;
}

/** One host hrtimer per guest: its expiry runs the guest device's interrupt. */
interface HostTimerPayload {
  readonly guest: number;
  fire: () => void;
}

export interface GuestReport {
  readonly name: string;
  /** Host timer events spent on this guest (each injects a guest clock interrupt). */
  readonly hostEvents: number;
  readonly deviceEvents: number;
  readonly idleTicks: number;
  readonly irqsRaised: number;
  readonly timersFired: number;
  /** Interval-timer notifications the guest's workload received. */
  readonly wakeups: number;
}

export interface HostReport {
  /** Interrupts of the host's own clock-event device (several guest timers due at once share one). */
  readonly hostInterrupts: number;
  /** Host hrtimer expiries: guest clock events injected. */
  readonly hostTimerEvents: number;
  readonly guests: readonly GuestReport[];
}

export class HostModel {
  /** The host's hrtimer base, on the host's own oneshot clock-event device. */
  readonly timers = new HrtimerQueue<HostTimerPayload>();
  readonly device: ClockEventDevice;
  readonly clocks: ClockInstance[] = [];
  readonly hostEventsByGuest: number[];
  readonly wakeupsByGuest: number[];
  hostInterrupts = 0;
  hostTimerEvents = 0;
  private inInterrupt = false;

  constructor(private readonly hw: Hardware, readonly config: GuestsConfig) {
    this.device = new ClockEventDevice(hw, hardwareEventSource(hw), { name: 'host.timer', minDeltaNs: config.hostMinDeltaNs, maxDeltaNs: Number.MAX_SAFE_INTEGER });
    this.device.handler = () => this.interrupt();
    this.device.attach();
    this.device.setOneshot();
    this.device.stopOneshot();
    this.hostEventsByGuest = new Array<number>(config.guests).fill(0);
    this.wakeupsByGuest = new Array<number>(config.guests).fill(0);
  }

  /** The EventSource a guest's clock-event device programs: its one host hrtimer. */
  guestEventSource(guest: number): EventSource<Hrtimer<HostTimerPayload>> {
    const timer = newHrtimer<HostTimerPayload>(NONE, { guest, fire: () => {} });
    return {
      arm: (atNs, fire) => {
        timer.payload.fire = fire;
        this.timers.start(timer, atNs);
        if (!this.inInterrupt && atNs < this.device.nextEventNs) this.reprogram();
        return timer;
      },
      // The host device is left as it is: an interrupt that finds nothing due costs less than reprogramming.
      disarm: (t) => { this.timers.cancel(t); },
    };
  }

  /** hrtimer_interrupt: run every due host hrtimer, then program the device for the next. */
  private interrupt(): void {
    this.hostInterrupts++;
    this.inInterrupt = true;
    const now = this.hw.nowNs;
    for (let t = this.timers.popDue(now); t !== undefined; t = this.timers.popDue(now)) {
      this.hostTimerEvents++;
      this.hostEventsByGuest[t.payload.guest]!++;
      t.payload.fire();
    }
    this.inInterrupt = false;
    this.reprogram();
  }

  private reprogram(): void {
    const device = this.device;
    const expiryNs = this.timers.peekExpiryNs();
    if (expiryNs === Infinity) {
      if (device.state === 'oneshot') device.stopOneshot();
      return;
    }
    if (device.state === 'oneshot-stopped') device.setOneshot();
    device.setNextEvent(expiryNs - this.hw.nowNs, true);
  }

  report(): HostReport {
    return {
      hostInterrupts: this.hostInterrupts,
      hostTimerEvents: this.hostTimerEvents,
      guests: this.clocks.map((c, i) => guestReport(`g${i}`, c.stats, this.hostEventsByGuest[i]!, this.wakeupsByGuest[i]!)),
    };
  }
}

function guestReport(name: string, s: ClockStats, hostEvents: number, wakeups: number): GuestReport {
  return { name, hostEvents, deviceEvents: s.deviceEvents, idleTicks: s.idleTicks, irqsRaised: s.irqsRaised, timersFired: s.timersFired, wakeups };
}

/** Build the host and schedule each guest's boot: its clock task `gN.clock` and workload `gN.timerd`. */
export function startGuests(kernel: Kernel, config: GuestsConfig): HostModel {
  const host = new HostModel(hardwareOf(kernel), config);
  const clock = clockConfig({ mode: config.mode, hz: config.hz });
  const access = kernelTaskAccessOf(kernel);
  for (let g = 0; g < config.guests; g++) {
    const instance = createClock(clock, access, { eventSource: () => host.guestEventSource(g), deviceName: `g${g}.timer` });
    host.clocks.push(instance);
    const bootNs = kernel.nowNs + kernel.random.below(config.bootSpreadNs);
    kernel.schedule(bootNs, () => {
      kernel.spawn({ name: `g${g}.clock`, program: instance.program, priority: 0, privileges: systemPrivileges() });
      if (config.timerPeriodNs > 0) {
        kernel.spawn({ name: `g${g}.timerd`, program: guestWorkload(g, config.timerPeriodNs, host), priority: USER_Q, privileges: systemPrivileges() });
      }
    });
  }
  return host;
}

/** An idle guest but for one interval timer: arm it, then take each expiry notification. */
function guestWorkload(guest: number, periodNs: number, host: HostModel) {
  return function* timerd(ctx: ActorContext): Generator<KernelCall, void, any> {
    const clock = ctx.endpointOf(`g${guest}.clock`);
    const arm: ClockSetItimer = { type: 'CLOCK_SET_ITIMER', which: 'real', valueNs: periodNs, intervalNs: periodNs };
    yield sendrec(clock, arm);
    for (;;) {
      const m = yield receive(clock);
      if (typeof m === 'number') return;
      host.wakeupsByGuest[guest]!++;
    }
  };
}
