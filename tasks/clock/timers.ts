/*
 * The clock task's timer table: every service is an hrtimer owned by an
 * endpoint, and expiry turns into wake-ups for main.ts to send.
 *   ClockTimers.setAlarm, startSleep, setItimer, getItimer, setQuantum, watchdog
 *   ClockTimers.expire(nowNs)      run the due timers; returns the wake-ups (notify bits, sleep replies)
 *   ClockTimers.takeExpired(ep)    an owner's expired set (each entry once)
 *   ClockTimers.forget(ep)         drop a dead endpoint's timers
 *   ClockTimers.nextExpiryNs()     for the tick layer (MINIX's next_timeout)
 * CPU-time timers (quanta, ITIMER_VIRTUAL) sit in the same queue at the
 * earliest virtual time their target could have used the CPU time; on
 * expiry the target's real usage is checked and the timer moved on if short.
 */
import { NONE, type Endpoint, type KernelTaskAccess } from '../../kernel/index.js';
import type { ClockConfig } from './config.js';
import { forwardExpiry, HrtimerQueue, newHrtimer, type Hrtimer } from './hrtimer.js';
import {
  CLOCK_NOTIFY_ALARM, CLOCK_NOTIFY_ITIMER, CLOCK_NOTIFY_QUANTUM, CLOCK_NOTIFY_WATCHDOG, CLOCK_REPLY,
  type ClockReply, type ExpiredKind, type ExpiredTimer, type ItimerWhich,
} from './protocol.js';
import { ownerStats, type ClockStats, type OwnerStats } from './stats.js';
import type { TickLayer } from './tick.js';

export type TimerKind = ExpiredKind | 'sleep';

export interface TimerData {
  readonly kind: TimerKind;
  readonly id: number;
  /** The expiry asked for, before rounding to a tick (lateness is measured from it). */
  requestedNs: number;
  /** Interval timers: the period; 0 for one-shot timers. */
  intervalNs: number;
  /** CPU-time timers: whose CPU time counts, and the reading at which the timer expires. */
  readonly cpuTarget: Endpoint;
  cpuDeadlineNs: number;
  /** quantum: the target's CPU time when the quantum was set. */
  cpuBaseNs: number;
  /** Who is told of the expiry (the owner, or a watchdog's reportTo). */
  readonly notifyTo: Endpoint;
}

export type ClockTimer = Hrtimer<TimerData>;

interface OwnerTimers {
  alarm: ClockTimer | null;
  sleep: ClockTimer | null;
  itimerReal: ClockTimer | null;
  itimerVirtual: ClockTimer | null;
  watchdog: ClockTimer | null;
  readonly quanta: Map<Endpoint, ClockTimer>;
  readonly expired: ExpiredTimer[];
  /** The owner's statistics row (looked up by name once: an endpoint's name does not change). */
  readonly stats: OwnerStats;
}

/** What main.ts sends after expire(). */
export type Wakeup =
  | { readonly to: Endpoint; readonly bits: number; readonly reply?: undefined }
  | { readonly to: Endpoint; readonly bits: 0; readonly reply: ClockReply };

const NOTIFY_BIT: Record<ExpiredKind, number> = {
  alarm: CLOCK_NOTIFY_ALARM,
  'itimer-real': CLOCK_NOTIFY_ITIMER,
  'itimer-virtual': CLOCK_NOTIFY_ITIMER,
  quantum: CLOCK_NOTIFY_QUANTUM,
  watchdog: CLOCK_NOTIFY_WATCHDOG,
};

export class ClockTimers {
  readonly queue: HrtimerQueue<TimerData>;
  private readonly owners = new Map<Endpoint, OwnerTimers>();
  private nextId = 1;
  /** Expired entries dropped because an owner's set was full. */
  expiredDropped = 0;

  constructor(
    /** What the clock task, a kernel task, reads of the kernel (kernel/hardware.ts). */
    private readonly kernel: KernelTaskAccess,
    private readonly tick: TickLayer,
    private readonly config: ClockConfig,
    readonly stats: ClockStats,
    /** The clock task's name, for trace records. */
    private readonly clockName: string,
  ) {
    this.queue = new HrtimerQueue<TimerData>(config.maxTimers);
  }

  nextExpiryNs(): number {
    return this.queue.peekExpiryNs();
  }

  get full(): boolean {
    return this.queue.size >= this.config.maxTimers;
  }

  // ---- services ---------------------------------------------------------------

  /** sys_setalarm: replace the owner's alarm (0 cancels); returns the ns the old one had left. */
  setAlarm(owner: Endpoint, delayNs: number): number {
    const o = this.ownerOf(owner);
    const leftNs = this.leftNs(o.alarm);
    o.alarm = this.replace(o.alarm, owner, 'alarm', delayNs, 0);
    return leftNs;
  }

  /** nanosleep: false if the owner already sleeps. */
  startSleep(owner: Endpoint, delayNs: number): boolean {
    const o = this.ownerOf(owner);
    if (o.sleep !== null) return false;
    o.sleep = this.replace(null, owner, 'sleep', delayNs, 0);
    return true;
  }

  getItimer(owner: Endpoint, which: ItimerWhich): { valueNs: number; intervalNs: number } {
    const t = which === 'real' ? this.owners.get(owner)?.itimerReal : this.owners.get(owner)?.itimerVirtual;
    return t ? { valueNs: this.leftNs(t), intervalNs: t.payload.intervalNs } : { valueNs: 0, intervalNs: 0 };
  }

  /** setitimer: returns the old value and interval. */
  setItimer(owner: Endpoint, which: ItimerWhich, valueNs: number, intervalNs: number): { valueNs: number; intervalNs: number } {
    const old = this.getItimer(owner, which);
    const o = this.ownerOf(owner);
    if (which === 'real') {
      o.itimerReal = this.replace(o.itimerReal, owner, 'itimer-real', valueNs, intervalNs);
    } else {
      this.cancelTimer(o.itimerVirtual);
      o.itimerVirtual = valueNs === 0 ? null : this.startCpuTimer(owner, 'itimer-virtual', owner, valueNs, intervalNs);
    }
    return old;
  }

  /** A scheduler's quantum for target (0 cancels). False if target is not a live process. */
  setQuantum(owner: Endpoint, target: Endpoint, quantumNs: number): boolean {
    const o = this.ownerOf(owner);
    this.cancelTimer(o.quanta.get(target) ?? null);
    o.quanta.delete(target);
    if (quantumNs === 0) return true;
    if (!this.kernel.isAlive(target)) return false;
    o.quanta.set(target, this.startCpuTimer(owner, 'quantum', target, quantumNs, 0));
    return true;
  }

  /** Arm or pet the owner's watchdog (0 disarms); returns the ns the previous arming had left. */
  watchdog(owner: Endpoint, timeoutNs: number, reportTo: Endpoint): number {
    const o = this.ownerOf(owner);
    const leftNs = this.leftNs(o.watchdog);
    o.watchdog = this.replace(o.watchdog, owner, 'watchdog', timeoutNs, 0, reportTo);
    return leftNs;
  }

  takeExpired(owner: Endpoint): ExpiredTimer[] {
    const o = this.owners.get(owner);
    if (o === undefined) return [];
    return o.expired.splice(0, o.expired.length);
  }

  /** The endpoint is gone: its timers and expired set go too. */
  forget(owner: Endpoint): void {
    const o = this.owners.get(owner);
    if (o === undefined) return;
    for (const t of [o.alarm, o.sleep, o.itimerReal, o.itimerVirtual, o.watchdog, ...o.quanta.values()]) this.cancelTimer(t);
    this.owners.delete(owner);
  }

  // ---- expiry -------------------------------------------------------------------

  /** Run every timer due at nowNs, in (expiry, start order). */
  expire(nowNs: number): Wakeup[] {
    const wakeups: Wakeup[] = [];
    for (let t = this.queue.popDue(nowNs); t !== undefined; t = this.queue.popDue(nowNs)) {
      const d = t.payload;
      const o = this.owners.get(t.owner);
      if (o === undefined) throw new Error(`clock: timer ${d.id} has no owner table`);
      if (d.cpuTarget !== NONE && !this.cpuTimeIsUp(t, nowNs)) continue;
      const latenessNs = d.cpuTarget !== NONE ? this.cpuNowNs(d.cpuTarget) - d.cpuDeadlineNs : nowNs - d.requestedNs;
      this.recordFire(t, latenessNs);
      if (d.kind === 'sleep') {
        o.sleep = null;
        wakeups.push({ to: t.owner, bits: 0, reply: { type: CLOCK_REPLY, status: 0, latenessNs } });
        continue;
      }
      const expiryNs = d.cpuTarget !== NONE ? nowNs : d.requestedNs;
      const overruns = this.rearmOrClear(t, o, nowNs);
      const target = d.kind === 'quantum' ? d.cpuTarget : d.kind === 'watchdog' ? t.owner : NONE;
      const usedNs = d.kind === 'quantum' ? this.cpuNowNs(d.cpuTarget) - d.cpuBaseNs : -1;
      this.addExpired(this.ownerOf(d.notifyTo), d, expiryNs, nowNs, latenessNs, overruns, target, usedNs);
      wakeups.push({ to: d.notifyTo, bits: NOTIFY_BIT[d.kind] });
    }
    return wakeups;
  }

  /**
   * Interval timers go on (hrtimer_forward on the real clock, deadline +
   * k*interval on CPU time) and return the periods they missed (k - 1);
   * one-shot timers are done.
   */
  private rearmOrClear(t: ClockTimer, o: OwnerTimers, nowNs: number): number {
    const d = t.payload;
    switch (d.kind) {
      case 'alarm': o.alarm = null; return 0;
      case 'watchdog': o.watchdog = null; return 0;
      case 'quantum': o.quanta.delete(d.cpuTarget); return 0;
      case 'itimer-real': {
        if (d.intervalNs === 0) { o.itimerReal = null; return 0; }
        const next = forwardExpiry(d.requestedNs, nowNs, d.intervalNs);
        d.requestedNs = next.expiryNs;
        this.queue.start(t, this.tick.roundExpiry(d.requestedNs));
        this.traceTimer('set', t);
        return next.overruns - 1;
      }
      case 'itimer-virtual': {
        if (d.intervalNs === 0) { o.itimerVirtual = null; return 0; }
        const usedNs = this.cpuNowNs(d.cpuTarget);
        const next = forwardExpiry(d.cpuDeadlineNs, usedNs, d.intervalNs);
        d.cpuDeadlineNs = next.expiryNs;
        this.startAt(t, nowNs + Math.max(d.cpuDeadlineNs - usedNs, this.config.cpuTimerSlackNs));
        return next.overruns - 1;
      }
      default:
        throw new Error(`clock: unexpected timer kind ${d.kind}`);
    }
  }

  private addExpired(o: OwnerTimers, d: TimerData, expiryNs: number, firedNs: number, latenessNs: number, overruns: number, target: Endpoint, usedNs: number): void {
    const expired = o.expired;
    for (const same of expired) {
      if (same.id !== d.id) continue;
      // An interval timer that fired again before its owner looked: count it.
      same.overruns += 1 + overruns;
      return;
    }
    if (expired.length >= this.config.maxExpiredPerOwner) {
      expired.shift();
      this.expiredDropped++;
    }
    const entry: ExpiredTimer = { kind: d.kind as ExpiredKind, id: d.id, expiryNs, firedNs, latenessNs, overruns };
    if (target !== NONE) Object.assign(entry, { target });
    if (usedNs >= 0) Object.assign(entry, { usedNs });
    expired.push(entry);
  }

  /** A CPU-time timer reached its wall time: expired if the target used the time; else moved on by what is left. */
  private cpuTimeIsUp(t: ClockTimer, nowNs: number): boolean {
    const d = t.payload;
    if (!this.kernel.isAlive(d.cpuTarget)) {
      // The target exited: nothing will ever use the quantum.
      this.dropDead(t);
      return false;
    }
    const cpuTimeNs = this.kernel.cpuTimeNs(d.cpuTarget);
    if (cpuTimeNs >= d.cpuDeadlineNs) return true;
    this.startAt(t, nowNs + Math.max(d.cpuDeadlineNs - cpuTimeNs, this.config.cpuTimerSlackNs));
    return false;
  }

  private dropDead(t: ClockTimer): void {
    const o = this.owners.get(t.owner)!;
    const d = t.payload;
    if (d.kind === 'quantum') o.quanta.delete(d.cpuTarget);
    else if (o.itimerVirtual === t) o.itimerVirtual = null;
    this.recordCancel(t);
  }

  private cpuNowNs(target: Endpoint): number {
    return this.kernel.cpuTimeNs(target);
  }

  // ---- timer plumbing ------------------------------------------------------------

  private ownerOf(owner: Endpoint): OwnerTimers {
    let o = this.owners.get(owner);
    if (o === undefined) {
      o = {
        alarm: null, sleep: null, itimerReal: null, itimerVirtual: null, watchdog: null, quanta: new Map(), expired: [],
        stats: ownerStats(this.stats, this.kernel.nameOf(owner)),
      };
      this.owners.set(owner, o);
    }
    return o;
  }

  /** Cancel `old` and start a new wall-clock timer (none when delayNs is 0). */
  private replace(old: ClockTimer | null, owner: Endpoint, kind: TimerKind, delayNs: number, intervalNs: number, notifyTo = owner): ClockTimer | null {
    this.cancelTimer(old);
    if (delayNs === 0) return null;
    const requestedNs = this.kernel.nowNs + delayNs;
    const t = newHrtimer<TimerData>(owner, {
      kind, id: this.nextId++, requestedNs, intervalNs, cpuTarget: NONE, cpuDeadlineNs: 0, cpuBaseNs: 0, notifyTo,
    });
    this.queue.start(t, this.tick.roundExpiry(requestedNs));
    this.recordSet(t);
    return t;
  }

  private startCpuTimer(owner: Endpoint, kind: TimerKind, target: Endpoint, budgetNs: number, intervalNs: number): ClockTimer {
    const baseNs = this.cpuNowNs(target);
    const t = newHrtimer<TimerData>(owner, {
      kind, id: this.nextId++, requestedNs: 0, intervalNs, cpuTarget: target, cpuDeadlineNs: baseNs + budgetNs, cpuBaseNs: baseNs, notifyTo: owner,
    });
    this.startAt(t, this.kernel.nowNs + budgetNs);
    this.recordSet(t);
    return t;
  }

  /** (Re)queue a CPU-time timer at the earliest time its target could reach the deadline. */
  private startAt(t: ClockTimer, earliestNs: number): void {
    t.payload.requestedNs = earliestNs;
    this.queue.start(t, this.tick.roundExpiry(earliestNs));
  }

  private cancelTimer(t: ClockTimer | null): void {
    if (t !== null && this.queue.cancel(t)) this.recordCancel(t);
  }

  /** Time left of a queued timer (CPU time for CPU-time timers), 0 if none. */
  private leftNs(t: ClockTimer | null | undefined): number {
    if (t == null || t.heapIndex < 0) return 0;
    const d = t.payload;
    if (d.cpuTarget !== NONE) return Math.max(0, d.cpuDeadlineNs - this.cpuNowNs(d.cpuTarget));
    return Math.max(0, d.requestedNs - this.kernel.nowNs);
  }

  // ---- statistics and trace ---------------------------------------------------------

  private recordSet(t: ClockTimer): void {
    this.stats.timersSet++;
    this.ownerOf(t.owner).stats.set++;
    this.traceTimer('set', t);
  }

  private recordCancel(t: ClockTimer): void {
    this.stats.timersCancelled++;
    (this.owners.get(t.owner)?.stats ?? ownerStats(this.stats, this.kernel.nameOf(t.owner))).cancelled++;
    this.traceTimer('cancel', t);
  }

  private recordFire(t: ClockTimer, latenessNs: number): void {
    const s = this.stats;
    s.timersFired++;
    s.latenessTotalNs += latenessNs;
    if (latenessNs > s.latenessMaxNs) s.latenessMaxNs = latenessNs;
    const row = this.ownerOf(t.owner).stats;
    row.fired++;
    row.latenessTotalNs += latenessNs;
    this.traceTimer('fire', t, latenessNs);
  }

  private traceTimer(op: 'set' | 'fire' | 'cancel', t: ClockTimer, latenessNs?: number): void {
    const k = this.kernel;
    if (!k.traceOn) return;
    const d = t.payload;
    const rec = {
      seq: 0, t: k.nowNs, ev: 'timer', proc: this.clockName, op, id: d.id, owner: k.nameOf(t.owner), kind: d.kind,
      expiryNs: t.expiryNs, ...(latenessNs !== undefined ? { latenessNs } : {}),
      ...(d.intervalNs > 0 ? { intervalNs: d.intervalNs } : {}),
      ...(d.cpuTarget !== NONE ? { target: k.nameOf(d.cpuTarget) } : {}),
    };
    k.emit(rec);
  }
}
