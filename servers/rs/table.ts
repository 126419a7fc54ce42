/*
 * RS's call table and its notification handler.
 *   rsCallTable(rs)    RS_WAIT_UP, RS_STATUS, RS_RESTART
 *   rsOnNotify(rs)     NOTIFY from HARDWARE (deaths), from the clock (heartbeat, backoffs), from a service (SEF bits)
 *   armAlarm(rs)       ask the clock for the earliest of the next heartbeat and the backoffs
 */
import {
  EAGAIN, EINVAL, EIO, ESRCH, HARDWARE, kernelCall, NONE, notify, sendrec, SRV_DEATH_BIT,
  type DeathReport, type Envelope, type KernelCall, type Message,
} from '../../kernel/index.js';
import { procName } from '../../lib/getinfo.js';
import type { CallTable, Handler } from '../../lib/server.js';
import { isInt } from '../../lib/server.js';
import {
  RS_PING, RS_REPLY, SEF_ALIVE, SEF_BUSY, SEF_READY, SEF_WAKE,
  type RsReply, type RsRestart, type RsWaitUp,
} from './protocol.js';
import { MAX_WAITERS, serviceDied, serviceReady, startService, statusOf, type RsState, type Service } from './services.js';

type Gen = Generator<KernelCall, Message | null, any>;

const reply = (status: number, fields: Partial<RsReply> = {}): RsReply => ({ type: RS_REPLY, status, ...fields });

function byLabel(rs: RsState, label: unknown): Service | undefined {
  return typeof label === 'string' ? rs.services.find((s) => s.spec.label === label) : undefined;
}

export function rsCallTable(rs: RsState): CallTable {
  return {
    *RS_WAIT_UP(m: Envelope<RsWaitUp>): Gen {
      const svc = byLabel(rs, m.label);
      if (svc === undefined) return reply(-ESRCH);
      if (!isInt(m.deadEndpoint)) return reply(-EINVAL);
      if (svc.state === 'dead') return reply(-EIO);
      if (svc.state === 'up' && svc.endpoint !== m.deadEndpoint) return reply(0, { endpoint: svc.endpoint });
      if (svc.waiters.length >= MAX_WAITERS) return reply(-EAGAIN);
      // Answered when the service is up again (serviceReady) or given up (serviceDied).
      svc.waiters.push({ client: m.source, deadEndpoint: m.deadEndpoint });
      return null;
    },
    *RS_STATUS(): Gen {
      return reply(0, { services: rs.services.map(statusOf) });
    },
    *RS_RESTART(m: Envelope<RsRestart>): Gen {
      const svc = byLabel(rs, m.label);
      if (svc === undefined) return reply(-ESRCH);
      if (svc.state !== 'up' && svc.state !== 'starting') return reply(-EAGAIN);
      const requester = yield* procName(m.source);
      const r: number = yield kernelCall('sys_srv_kill', { endpoint: svc.endpoint, reason: `restart requested by ${requester}` });
      return reply(r < 0 ? r : 0);
    },
  };
}

export function rsOnNotify(rs: RsState): Handler {
  return function* (m): Gen {
    const bits = (m as Envelope & { bits?: number }).bits ?? 0;
    if (m.source === HARDWARE) {
      if (bits & SRV_DEATH_BIT) yield* collectDeaths(rs);
    } else if (m.source === rs.ctx.endpointOf(rs.config.clockName)) {
      yield* timersDue(rs);
    } else {
      const svc = rs.services.find((s) => s.endpoint === m.source);
      if (svc !== undefined) yield* serviceSaid(rs, svc, bits);
    }
    yield* armAlarm(rs);
    return null;
  };
}

function* collectDeaths(rs: RsState): Generator<KernelCall, void, any> {
  const deaths: DeathReport[] = yield kernelCall('sys_srv_deaths');
  for (const d of deaths) {
    const svc = rs.services.find((s) => s.endpoint === d.endpoint);
    if (svc === undefined) continue;
    const why = d.error !== null ? `crashed: ${d.error}` : `exited with ${d.code}`;
    yield* serviceDied(rs, svc, why);
  }
}

function* serviceSaid(rs: RsState, svc: Service, bits: number): Generator<KernelCall, void, any> {
  if (bits & SEF_READY) yield* serviceReady(rs, svc);
  if (bits & SEF_ALIVE) {
    svc.pingOutstanding = false;
    svc.watched = (bits & SEF_BUSY) !== 0;
  }
  if (bits & SEF_WAKE) svc.watched = true;
  if (svc.watched && rs.heartbeatAtNs === Infinity) rs.heartbeatAtNs = rs.ctx.nowNs() + rs.config.heartbeatNs;
  // Nobody left to watch: no more alarms, so an idle system stays idle (and a run can end).
  if (!rs.services.some(watching)) rs.heartbeatAtNs = Infinity;
}

function watching(svc: Service): boolean {
  return svc.state === 'up' && (svc.watched || svc.pingOutstanding);
}

function* timersDue(rs: RsState): Generator<KernelCall, void, any> {
  const nowNs = rs.ctx.nowNs();
  // The clock's alarm is spent; whatever is still wanted is armed again below.
  rs.alarmAtNs = Infinity;
  for (const svc of rs.services) {
    if (svc.state === 'restarting' && svc.restartAtNs <= nowNs) yield* startService(rs, svc);
  }
  if (rs.heartbeatAtNs > nowNs) return;
  rs.heartbeatAtNs = Infinity;
  for (const svc of rs.services) {
    if (!watching(svc)) continue;
    if (svc.pingOutstanding) {
      // No answer for a whole period: hung, or holding a request past its deadline.
      const r: number = yield kernelCall('sys_srv_kill', { endpoint: svc.endpoint, reason: 'missed heartbeat' });
      if (r < 0) svc.pingOutstanding = false;
      continue;
    }
    svc.pingOutstanding = true;
    yield notify(svc.endpoint, RS_PING);
  }
  if (rs.services.some(watching)) rs.heartbeatAtNs = nowNs + rs.config.heartbeatNs;
}

export function* armAlarm(rs: RsState): Generator<KernelCall, void, any> {
  const clock = rs.ctx.endpointOf(rs.config.clockName);
  if (clock === NONE) return;
  let wantNs = rs.heartbeatAtNs;
  for (const svc of rs.services) if (svc.state === 'restarting') wantNs = Math.min(wantNs, svc.restartAtNs);
  if (wantNs === rs.alarmAtNs) return;
  const nowNs = rs.ctx.nowNs();
  // delayNs 0 cancels: an alarm already due is asked for 1 ns ahead.
  const delayNs = wantNs === Infinity ? 0 : Math.max(1, wantNs - nowNs);
  if (wantNs === Infinity && rs.alarmAtNs === Infinity) return;
  yield sendrec(clock, { type: 'CLOCK_SET_ALARM', delayNs });
  rs.alarmAtNs = wantNs;
}
