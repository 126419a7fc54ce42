/*
 * The clock task's protocol: requests (all by sendrec) and the one reply type.
 *   ClockRequest     CLOCK_SET_ALARM, CLOCK_SLEEP, CLOCK_GETTIME, CLOCK_SET_ITIMER, CLOCK_GET_ITIMER,
 *                    CLOCK_SET_QUANTUM, CLOCK_WATCHDOG, CLOCK_EXPIRED, CLOCK_STATS
 *   ClockReply       { type: 'CLOCK_REPLY', status, ...fields of the call }
 *   ExpiredTimer     one entry of an owner's expired set
 *   CLOCK_NOTIFY_*   the bits of the NOTIFY the clock sends an owner when its timers expire
 *
 * How expiry reaches an owner (MINIX's CLOCK notification): the clock task
 * sends a NOTIFY whose bits say which kinds expired (bits of several
 * expiries coalesce). The owner may then send CLOCK_EXPIRED to take the
 * list of what expired (each entry once). An owner that only needs "my
 * alarm went off" (PM keeps its own table, as MINIX's PM does) can ignore
 * the list: it is bounded and drops the oldest entries beyond
 * maxExpiredPerOwner. CLOCK_SLEEP is the exception: its reply is the expiry.
 *
 * All times are integer ns of virtual time. Errors: status -EINVAL for a bad
 * field, -ESRCH for a target that is not a live process, -EBUSY for a second
 * sleep by the same caller, -ENOSPC when the clock's timer table is full.
 */
import type { Endpoint, Message } from '../../kernel/index.js';

/**
 * The caller's (or ownerEndpoint's) one alarm, as MINIX's sys_setalarm: a
 * new alarm replaces the old one, delayNs 0 cancels. Expiry: NOTIFY with
 * CLOCK_NOTIFY_ALARM. Reply: leftNs (and leftSec, rounded up, for alarm(2))
 * of the alarm it replaced, 0 if none.
 */
export interface ClockSetAlarm extends Message {
  readonly type: 'CLOCK_SET_ALARM';
  readonly delayNs: number;
  /** A system process may set the alarm of another endpoint; the owner gets the NOTIFY. */
  readonly ownerEndpoint?: Endpoint;
}

/** nanosleep: no reply until delayNs has passed. Reply: latenessNs (how far past the expiry it was sent). */
export interface ClockSleep extends Message {
  readonly type: 'CLOCK_SLEEP';
  readonly delayNs: number;
}

/** Reply: nowNs (virtual time), jiffies (ticks of 1/HZ since the clock started), mode, hz. */
export interface ClockGettime extends Message {
  readonly type: 'CLOCK_GETTIME';
}

export type ItimerWhich = 'real' | 'virtual';

/**
 * setitimer: 'real' counts virtual time, 'virtual' counts the CPU time of
 * the owner (ITIMER_VIRTUAL; all CPU is user CPU here). valueNs 0 disarms;
 * intervalNs > 0 re-arms after each expiry. Expiry: NOTIFY with
 * CLOCK_NOTIFY_ITIMER; missed periods are counted in the entry's overruns.
 * Reply: oldValueNs, oldIntervalNs.
 */
export interface ClockSetItimer extends Message {
  readonly type: 'CLOCK_SET_ITIMER';
  readonly which: ItimerWhich;
  readonly valueNs: number;
  readonly intervalNs: number;
  readonly ownerEndpoint?: Endpoint;
}

/** getitimer. Reply: valueNs (left), intervalNs. */
export interface ClockGetItimer extends Message {
  readonly type: 'CLOCK_GET_ITIMER';
  readonly which: ItimerWhich;
  readonly ownerEndpoint?: Endpoint;
}

/**
 * Quantum expiry for a scheduler (MINIX 3's out-of-quantum message): tell
 * the caller when `target` has used quantumNs more CPU time than it had
 * when this was set. One per (caller, target); quantumNs 0 cancels. In
 * periodic mode expiry is noticed on a tick, as a tick-charged quantum is.
 * Expiry: NOTIFY with CLOCK_NOTIFY_QUANTUM; the entry has target and usedNs.
 * Setting it again after each expiry gives periodic quantum notifications.
 */
export interface ClockSetQuantum extends Message {
  readonly type: 'CLOCK_SET_QUANTUM';
  readonly target: Endpoint;
  readonly quantumNs: number;
}

/**
 * A driver's watchdog: arm, or pet (restart) an armed one, with timeoutNs;
 * 0 disarms. If the caller does not pet it within timeoutNs, `reportTo`
 * (default: the caller itself; typically the reincarnation server) gets a
 * NOTIFY with CLOCK_NOTIFY_WATCHDOG and an entry whose target is the driver.
 * Reply: leftNs of the previous arming.
 */
export interface ClockWatchdog extends Message {
  readonly type: 'CLOCK_WATCHDOG';
  readonly timeoutNs: number;
  readonly reportTo?: Endpoint;
}

/** Take the caller's expired set. Reply: expired (oldest first). */
export interface ClockExpired extends Message {
  readonly type: 'CLOCK_EXPIRED';
}

/** Reply: stats (see stats.ts), mode, hz, pendingTimers. */
export interface ClockStatsRequest extends Message {
  readonly type: 'CLOCK_STATS';
}

export type ClockRequest =
  | ClockSetAlarm | ClockSleep | ClockGettime | ClockSetItimer | ClockGetItimer
  | ClockSetQuantum | ClockWatchdog | ClockExpired | ClockStatsRequest;

export const CLOCK_REPLY = 'CLOCK_REPLY';

export interface ClockReply extends Message {
  readonly type: typeof CLOCK_REPLY;
  /** 0 or a negative errno. */
  readonly status: number;
  readonly [field: string]: unknown;
}

export type ExpiredKind = 'alarm' | 'itimer-real' | 'itimer-virtual' | 'quantum' | 'watchdog';

export interface ExpiredTimer {
  readonly kind: ExpiredKind;
  /** The timer's id (also in its `timer` trace records). */
  readonly id: number;
  /** When it was due (virtual time; for CPU-time timers, when it was noticed). */
  readonly expiryNs: number;
  /** When the clock task handled it. */
  readonly firedNs: number;
  /** firedNs - expiryNs for wall-time timers; CPU used past the limit for CPU-time timers. */
  readonly latenessNs: number;
  /** Periods of an interval timer that passed before the owner took this entry, beyond the first. */
  overruns: number;
  /** quantum: the scheduled process; watchdog: the driver that did not pet it. */
  readonly target?: Endpoint;
  /** quantum: CPU time the target used since the quantum was set. */
  readonly usedNs?: number;
}

/** NOTIFY bits: which kinds of timer expired since the owner's last notification. */
export const CLOCK_NOTIFY_ALARM = 1 << 0;
export const CLOCK_NOTIFY_ITIMER = 1 << 1;
export const CLOCK_NOTIFY_QUANTUM = 1 << 2;
export const CLOCK_NOTIFY_WATCHDOG = 1 << 3;

/** The interrupt line of the clock-event device (the bits of HARDWARE's NOTIFY to the clock task). */
export const CLOCK_IRQ_BIT = 1 << 0;
