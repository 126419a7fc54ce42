/*
 * The clock's counters: what `CLOCK_STATS` returns and the guests model sums.
 *   ClockStats           device interrupts, interrupts raised to the clock task, ticks,
 *                        idle ticks, timers set / fired / cancelled, lateness, per process
 *   OwnerStats           the same timer counts for one owner (by process name)
 *   newClockStats()      all zero
 *   ownerStats(s, name)  the owner's row, created on first use
 */

export interface OwnerStats {
  set: number;
  fired: number;
  cancelled: number;
  latenessTotalNs: number;
}

export interface ClockStats {
  /** Interrupts from the clock-event device (every tick in periodic mode). */
  deviceEvents: number;
  /** Device interrupts that woke the clock task (a timer was due). */
  irqsRaised: number;
  /** Device interrupts that found nothing due (in periodic mode: idle ticks). */
  idleTicks: number;
  /** Tickless: device interrupts that ended the running process's quantum (the cost of quanta without a tick). */
  quantumEvents: number;
  /** Programmings of the oneshot device. */
  programs: number;
  /** Programmings refused because the delta was under the minimum (ETIME). */
  minDeltaRefusals: number;
  timersSet: number;
  timersFired: number;
  timersCancelled: number;
  latenessTotalNs: number;
  latenessMaxNs: number;
  /** Notifications sent to owners and replies to sleepers. */
  wakeups: number;
  readonly perOwner: Map<string, OwnerStats>;
}

export function newClockStats(): ClockStats {
  return {
    deviceEvents: 0, irqsRaised: 0, idleTicks: 0, quantumEvents: 0, programs: 0, minDeltaRefusals: 0,
    timersSet: 0, timersFired: 0, timersCancelled: 0, latenessTotalNs: 0, latenessMaxNs: 0, wakeups: 0,
    perOwner: new Map(),
  };
}

export function ownerStats(stats: ClockStats, name: string): OwnerStats {
  let row = stats.perOwner.get(name);
  if (row === undefined) {
    row = { set: 0, fired: 0, cancelled: 0, latenessTotalNs: 0 };
    stats.perOwner.set(name, row);
  }
  return row;
}

/** Plain data for a reply message or a JSON report. */
export function statsAsData(stats: ClockStats): Record<string, unknown> {
  const perOwner: Record<string, OwnerStats> = {};
  for (const [name, row] of [...stats.perOwner].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) perOwner[name] = { ...row };
  return { ...stats, perOwner };
}
