/*
 * The clock task (MINIX's clock task, kernel/clock.c's CLOCK): its device,
 * tick layer and timer table, then the receive loop with its call table.
 *   clockTask(kernel, config)              the Program for the boot image's `clock` line (it counts the kernel's quanta)
 *   createClock(config, kernel, options)   the same, with handles on its stats, device and timers
 *                                          (tests, benchmarks, the guests model)
 * Interrupts arrive as NOTIFY from HARDWARE: the task runs the due timers,
 * reprograms the tick layer, then notifies owners and answers sleepers.
 * `kernel` is the KernelTaskAccess the boot loader hands this kernel task
 * (kernel/hardware.ts), never the Kernel: MINIX 3.1's clock task runs in
 * kernel space; mksim's is an actor with that narrow view.
 */
import {
  EBUSY, EINVAL, ENOSPC, ESRCH, HARDWARE, notify, sendnb, type ActorContext, type Endpoint, type Envelope,
  type KernelCall, type KernelTaskAccess, type Message, type Program,
} from '../../kernel/index.js';
import { isInt, serve, type CallTable, type Handler } from '../../lib/server.js';
import { ClockEventDevice, hardwareEventSource, type EventSource } from './clockevent.js';
import { clockConfig, type ClockConfig } from './config.js';
import {
  CLOCK_IRQ_BIT, CLOCK_REPLY, type ClockGetItimer, type ClockReply, type ClockSetAlarm, type ClockSetItimer,
  type ClockSetQuantum, type ClockSleep, type ClockWatchdog, type ItimerWhich,
} from './protocol.js';
import { newClockStats, statsAsData, type ClockStats } from './stats.js';
import { TickLayer } from './tick.js';
import { ClockTimers } from './timers.js';

export interface ClockOptions {
  /** What the device's interrupts are scheduled on (default: the machine's timed events; a guest: a host hrtimer). */
  readonly eventSource?: (ctx: ActorContext) => EventSource;
  /** Name of the device in `state` records (default: `<task>.timer`). */
  readonly deviceName?: string;
  /** Count the kernel's quanta (ticks or quantum-end events; see tick.ts). Default false: a guest's clock does not. */
  readonly drivesQuanta?: boolean;
}

export interface ClockInstance {
  readonly config: ClockConfig;
  readonly program: Program;
  readonly stats: ClockStats;
  /** Set when the task has started. */
  device: ClockEventDevice | null;
  tick: TickLayer | null;
  timers: ClockTimers | null;
}

export function clockTask(kernel: KernelTaskAccess, config: Partial<ClockConfig> = {}): Program {
  return createClock(clockConfig(config), kernel, { drivesQuanta: true }).program;
}

type Gen = Generator<KernelCall, Message | null, any>;

const reply = (status: number, fields: Record<string, unknown> = {}): ClockReply => ({ type: CLOCK_REPLY, status, ...fields });

export function createClock(config: ClockConfig, kernel: KernelTaskAccess, options: ClockOptions = {}): ClockInstance {
  const instance: ClockInstance = { config, stats: newClockStats(), device: null, tick: null, timers: null, program: clockMain };

  function* clockMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const self = ctx.self;
    const source = options.eventSource?.(ctx) ?? hardwareEventSource(kernel);
    const device = new ClockEventDevice(kernel, source, {
      name: options.deviceName ?? `${ctx.name}.timer`, minDeltaNs: config.minDeltaNs, maxDeltaNs: config.maxDeltaNs,
    });
    const tick = new TickLayer(kernel, device, config, instance.stats, () => kernel.raiseIrq(self, CLOCK_IRQ_BIT), options.drivesQuanta ?? false);
    const timers = new ClockTimers(kernel, tick, config, instance.stats, ctx.name);
    Object.assign(instance, { device, tick, timers });
    tick.start();
    yield* serve(clockCallTable(ctx, kernel, config, tick, timers), {
      errorReplyType: CLOCK_REPLY,
      onNotify: clockInterruptHandler(ctx, kernel, tick, timers),
    });
  }
  return instance;
}

/** The device fired and a timer was due: run the due timers, reprogram, then tell owners. */
function clockInterruptHandler(ctx: ActorContext, kernel: KernelTaskAccess, tick: TickLayer, timers: ClockTimers): Handler {
  return function* (m: Envelope): Gen {
    if (m.source !== HARDWARE) return null;
    const wakeups = timers.expire(ctx.nowNs());
    tick.setNextTimeout(timers.nextExpiryNs());
    for (const w of wakeups) {
      timers.stats.wakeups++;
      // sendnb: a sleeper that is no longer waiting must not block the clock.
      const r: number = w.reply !== undefined ? yield sendnb(w.to, w.reply) : yield notify(w.to, w.bits);
      if (r < 0 && !kernel.isAlive(w.to)) timers.forget(w.to);
    }
    return null;
  };
}

function clockCallTable(ctx: ActorContext, kernel: KernelTaskAccess, config: ClockConfig, tick: TickLayer, timers: ClockTimers): CallTable {
  /** A delay that keeps the expiry a safe integer. */
  const validDelay = (v: unknown): v is number => isInt(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER - kernel.nowNs;
  const live = (ep: Endpoint): boolean => kernel.isAlive(ep);
  const validWhich = (w: unknown): w is ItimerWhich => w === 'real' || w === 'virtual';

  /** Every handler that may change the queue leaves the tick layer pointing at the earliest expiry. */
  const synced = <M extends Message>(h: Handler<M>): Handler<M> => function* (m) {
    const r = yield* h(m);
    tick.setNextTimeout(timers.nextExpiryNs());
    return r;
  };

  return {
    CLOCK_SET_ALARM: synced(function* (m: Envelope<ClockSetAlarm>): Gen {
      const owner = m.ownerEndpoint ?? m.source;
      if (!validDelay(m.delayNs) || !isInt(owner)) return reply(-EINVAL);
      if (!live(owner)) return reply(-ESRCH);
      if (m.delayNs > 0 && timers.full) return reply(-ENOSPC);
      const leftNs = timers.setAlarm(owner, m.delayNs);
      return reply(0, { leftNs, leftSec: Math.ceil(leftNs / 1e9) });
    }),

    CLOCK_SLEEP: synced(function* (m: Envelope<ClockSleep>): Gen {
      if (!validDelay(m.delayNs)) return reply(-EINVAL);
      if (m.delayNs === 0) return reply(0, { latenessNs: 0 });
      if (timers.full) return reply(-ENOSPC);
      if (!timers.startSleep(m.source, m.delayNs)) return reply(-EBUSY);
      return null;
    }),

    CLOCK_GETTIME: function* (): Gen {
      return reply(0, { nowNs: kernel.nowNs, jiffies: tick.jiffies(), mode: config.mode, hz: config.hz });
    },

    CLOCK_SET_ITIMER: synced(function* (m: Envelope<ClockSetItimer>): Gen {
      const owner = m.ownerEndpoint ?? m.source;
      if (!validWhich(m.which) || !validDelay(m.valueNs) || !isInt(m.intervalNs) || !isInt(owner)) return reply(-EINVAL);
      // An interval under the device's minimum would be an interrupt storm.
      if (m.intervalNs !== 0 && (m.intervalNs < config.minDeltaNs || !validDelay(m.intervalNs))) return reply(-EINVAL);
      if (!live(owner)) return reply(-ESRCH);
      if (m.valueNs > 0 && timers.full) return reply(-ENOSPC);
      const old = timers.setItimer(owner, m.which, m.valueNs, m.valueNs === 0 ? 0 : m.intervalNs);
      return reply(0, { oldValueNs: old.valueNs, oldIntervalNs: old.intervalNs });
    }),

    CLOCK_GET_ITIMER: function* (m: Envelope<ClockGetItimer>): Gen {
      const owner = m.ownerEndpoint ?? m.source;
      if (!validWhich(m.which) || !isInt(owner)) return reply(-EINVAL);
      return reply(0, timers.getItimer(owner, m.which));
    },

    CLOCK_SET_QUANTUM: synced(function* (m: Envelope<ClockSetQuantum>): Gen {
      if (!isInt(m.target) || !validDelay(m.quantumNs)) return reply(-EINVAL);
      if (m.quantumNs > 0 && timers.full) return reply(-ENOSPC);
      return reply(timers.setQuantum(m.source, m.target, m.quantumNs) ? 0 : -ESRCH);
    }),

    CLOCK_WATCHDOG: synced(function* (m: Envelope<ClockWatchdog>): Gen {
      const reportTo = m.reportTo ?? m.source;
      if (!validDelay(m.timeoutNs) || !isInt(reportTo)) return reply(-EINVAL);
      if (!live(reportTo)) return reply(-ESRCH);
      if (m.timeoutNs > 0 && timers.full) return reply(-ENOSPC);
      return reply(0, { leftNs: timers.watchdog(m.source, m.timeoutNs, reportTo) });
    }),

    CLOCK_EXPIRED: function* (m: Envelope): Gen {
      return reply(0, { expired: timers.takeExpired(m.source) });
    },

    CLOCK_STATS: function* (): Gen {
      return reply(0, {
        mode: config.mode, hz: config.hz, jiffies: tick.jiffies(), pendingTimers: timers.queue.size,
        expiredDropped: timers.expiredDropped, stats: statsAsData(timers.stats),
      });
    },
  };
}
