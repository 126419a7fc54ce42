/*
 * Alarms and sleeps (MINIX's alarm.c and time.c). PM keeps each process's
 * alarm and sleep expiry in its table and asks the clock task for one alarm
 * of its own at the earliest of them, as MINIX's PM does with sys_setalarm.
 *   doAlarm, doSleep     the calls
 *   onClockNotify(pm)    the clock's notification: SIGALRM for due alarms, replies for due sleeps
 *   cancelTimers, cancelSleep   a process exited, or a signal cut its sleep short
 */
import { EINVAL, NONE, send, sendrec, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { MProc } from './mproc.js';
import { SIGALRM, type PmAlarm, type PmSleep } from './protocol.js';
import { pmReply, type PmState } from './state.js';
import { sigProc } from './signal.js';

type Gen<T> = Generator<KernelCall, T, any>;

const validDelay = (ns: unknown): ns is number => typeof ns === 'number' && Number.isSafeInteger(ns) && ns >= 0;

export function* doAlarm(pm: PmState, m: Envelope<PmAlarm>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || !validDelay(m.delayNs)) return pmReply(-EINVAL);
  const now = pm.ctx.nowNs();
  const leftNs = p.alarmAtNs > 0 ? Math.max(0, p.alarmAtNs - now) : 0;
  p.alarmAtNs = m.delayNs > 0 ? now + m.delayNs : 0;
  pm.ctx.trace('timer', { op: m.delayNs > 0 ? 'set' : 'cancel', owner: p.name, kind: 'alarm', expiryNs: p.alarmAtNs });
  yield* rearm(pm);
  return pmReply(leftNs);
}

export function* doSleep(pm: PmState, m: Envelope<PmSleep>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || !validDelay(m.delayNs)) return pmReply(-EINVAL);
  if (m.delayNs === 0) return pmReply(0);
  p.sleepUntilNs = pm.ctx.nowNs() + m.delayNs;
  p.waiting = 'sleep';
  yield* rearm(pm);
  return null;
}

export function* onClockNotify(pm: PmState): Gen<Message | null> {
  pm.clockAlarmAtNs = 0;
  const now = pm.ctx.nowNs();
  for (const p of pm.procs.all()) {
    if (p.zombie) continue;
    if (p.sleepUntilNs > 0 && p.sleepUntilNs <= now) {
      p.sleepUntilNs = 0;
      if (p.waiting === 'sleep') {
        p.waiting = null;
        yield send(p.endpoint, pmReply(0));
      }
    }
    if (p.alarmAtNs > 0 && p.alarmAtNs <= now) {
      pm.ctx.trace('timer', { op: 'fire', owner: p.name, kind: 'alarm', expiryNs: p.alarmAtNs, latenessNs: now - p.alarmAtNs });
      p.alarmAtNs = 0;
      yield* sigProc(pm, p, SIGALRM);
    }
  }
  yield* rearm(pm);
  return null;
}

export function cancelTimers(pm: PmState, p: MProc): void {
  p.alarmAtNs = 0;
  p.sleepUntilNs = 0;
  void pm; // the clock alarm is re-armed lazily: an early wake-up finds nothing due
}

export function cancelSleep(pm: PmState, p: MProc): void {
  p.sleepUntilNs = 0;
  void pm;
}

/** Ask the clock for an alarm at the earliest pending expiry (or cancel it). */
function* rearm(pm: PmState): Gen<void> {
  let earliest = Infinity;
  for (const p of pm.procs.all()) {
    if (p.zombie) continue;
    if (p.alarmAtNs > 0 && p.alarmAtNs < earliest) earliest = p.alarmAtNs;
    if (p.sleepUntilNs > 0 && p.sleepUntilNs < earliest) earliest = p.sleepUntilNs;
  }
  const wanted = earliest === Infinity ? 0 : earliest;
  if (wanted === pm.clockAlarmAtNs) return;
  const clock = pm.ctx.endpointOf('clock');
  if (clock === NONE) throw new Error('the process manager needs a clock task for alarms and sleeps');
  pm.clockAlarmAtNs = wanted;
  const delayNs = wanted === 0 ? 0 : Math.max(0, wanted - pm.ctx.nowNs());
  yield sendrec(clock, { type: 'CLOCK_SET_ALARM', delayNs: wanted === 0 ? 0 : Math.max(1, delayNs) });
}
