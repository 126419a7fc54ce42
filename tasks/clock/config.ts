/*
 * The clock task's configuration (the boot script's `clock` line).
 *   ClockConfig                  mode, hz, minDeltaNs, maxDeltaNs, maxTimers, cpuTimerSlackNs
 *   DEFAULT_CLOCK_CONFIG         tickless, HZ 1000 (for jiffies), lguest's 100 ns minimum
 *   clockConfig(partial)         defaults filled in and checked; mistakes are user-facing errors
 *   tickNsOf(hz)                 the tick length: 1e9 / hz rounded to a nanosecond (Linux's TICK_NSEC)
 */

export type ClockMode = 'tickless' | 'periodic';

export interface ClockConfig {
  /** periodic: a tick every 1/hz; tickless: the device is programmed only for the next timer. */
  readonly mode: ClockMode;
  /** Tick rate: the interrupt rate in periodic mode, and the unit of jiffies in both modes. */
  readonly hz: number;
  /** Shortest delta the clock-event device accepts without force (lguest's LG_CLOCK_MIN_DELTA). */
  readonly minDeltaNs: number;
  /** Longest delta the device can count (a 32-bit counter at 1 GHz: about 4.3 s); longer waits take several shots. */
  readonly maxDeltaNs: number;
  /** Bound on live timers in the clock task. */
  readonly maxTimers: number;
  /**
   * Shortest wait before a CPU-time timer (quantum, ITIMER_VIRTUAL) that is
   * not yet used up is checked again: without it the clock's own work to
   * check would take the CPU time the target needs (a livelock).
   */
  readonly cpuTimerSlackNs: number;
  /** Bound on undelivered expiry entries kept per owner. */
  readonly maxExpiredPerOwner: number;
}

export const DEFAULT_CLOCK_CONFIG: ClockConfig = {
  mode: 'tickless',
  hz: 1000,
  minDeltaNs: 100,
  maxDeltaNs: 0xffff_ffff,
  maxTimers: 65_536,
  cpuTimerSlackNs: 10_000,
  maxExpiredPerOwner: 64,
};

const MAX_HZ = 100_000;

export function clockConfig(partial: Partial<ClockConfig> = {}): ClockConfig {
  const config: ClockConfig = { ...DEFAULT_CLOCK_CONFIG, ...partial };
  if (config.mode !== 'tickless' && config.mode !== 'periodic') fail(`clock mode must be tickless or periodic, got '${String(config.mode)}'`);
  positiveInt('hz', config.hz);
  if (config.hz > MAX_HZ) fail(`clock hz=${config.hz} is above ${MAX_HZ}`);
  positiveInt('minDeltaNs', config.minDeltaNs);
  positiveInt('maxDeltaNs', config.maxDeltaNs);
  if (config.maxDeltaNs < config.minDeltaNs) fail(`clock maxDeltaNs (${config.maxDeltaNs}) is below minDeltaNs (${config.minDeltaNs})`);
  if (config.mode === 'periodic' && tickNsOf(config.hz) < config.minDeltaNs) fail(`clock hz=${config.hz} gives a tick shorter than the device's minimum delta`);
  positiveInt('maxTimers', config.maxTimers);
  positiveInt('cpuTimerSlackNs', config.cpuTimerSlackNs);
  positiveInt('maxExpiredPerOwner', config.maxExpiredPerOwner);
  return config;
}

export function tickNsOf(hz: number): number {
  return Math.round(1_000_000_000 / hz);
}

function positiveInt(field: string, v: number): void {
  if (!(Number.isSafeInteger(v) && v > 0)) fail(`clock ${field} must be a positive integer, got ${String(v)}`);
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { userFacing: true });
}
