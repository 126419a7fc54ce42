/*
 * RS's table of services (MINIX's struct rproc) and what happens to one.
 *   RsConfig, ServiceSpec     what the boot image gives RS: the services, heartbeat and restart policy
 *   Service                   one entry: label, program, endpoint, lifecycle state, counters, waiters
 *   RsState                   the table, the timers RS keeps, its context
 *   move(rs, svc, event)      a lifecycle transition, traced as a `state` record
 *   serviceDied(rs, svc, why) DIED, then RESTART after a backoff or GIVE_UP (reported on the console)
 *   startService(rs, svc)     BACKOFF_DONE: a new instance under the same name (a new generation)
 *   serviceReady(rs, svc)     READY: answer the clients waiting for it
 */
import {
  EIO, kernelCall, NONE, send,
  type ActorContext, type Endpoint, type KernelCall, type Program,
} from '../../kernel/index.js';
import { nextServiceState, type ServiceEvent } from './lifecycle.js';
import { RS_REPLY, type RsReply, type ServiceState, type ServiceStatus } from './protocol.js';

export interface ServiceSpec {
  /** The process name, kept across restarts (the label in MINIX's DS). */
  readonly label: string;
  /** What each instance runs (RS keeps it, as MINIX's RS keeps the driver's image in memory). */
  readonly program: Program;
  readonly priority: number;
  readonly quantumNs?: number;
}

export interface RsConfig {
  readonly services: readonly ServiceSpec[];
  /** The clock task's name (alarms for the heartbeat and the backoff); none: no heartbeat, no backoff. */
  readonly clockName?: string;
  /** Ping period while a service is busy. */
  readonly heartbeatNs?: number;
  /** Failures in a row after which RS gives up on a service. */
  readonly maxRestarts?: number;
  /** Backoff before the nth restart in a row: min(base * 2^(n-1), max). */
  readonly backoffBaseNs?: number;
  readonly backoffMaxNs?: number;
  /** Up this long without failing: the failures-in-a-row count starts again from 0. */
  readonly stableNs?: number;
}

export const DEFAULT_RS_CONFIG = {
  clockName: 'clock', heartbeatNs: 20_000_000, maxRestarts: 5, backoffBaseNs: 1_000_000, backoffMaxNs: 1_000_000_000, stableNs: 1_000_000_000,
} as const;

/** Clients waiting for one service (the FS, and a few more): more get EAGAIN. */
export const MAX_WAITERS = 16;

export interface Service {
  readonly spec: ServiceSpec;
  state: ServiceState;
  endpoint: Endpoint;
  restarts: number;
  failures: number;
  upSinceNs: number;
  /** When the backoff ends (restarting). */
  restartAtNs: number;
  /** RS pings it on each heartbeat (it said it is busy). */
  watched: boolean;
  /** A ping went out and no ALIVE came back yet. */
  pingOutstanding: boolean;
  /** Clients waiting for RS_WAIT_UP's answer, and the endpoint each saw die. */
  readonly waiters: { readonly client: Endpoint; readonly deadEndpoint: Endpoint }[];
}

export interface RsState {
  readonly ctx: ActorContext;
  readonly config: Required<Omit<RsConfig, 'services'>>;
  readonly services: Service[];
  /** The next heartbeat, or Infinity when nobody is watched. */
  heartbeatAtNs: number;
  /** The alarm RS has asked the clock for (Infinity: none). */
  alarmAtNs: number;
}

type Gen<R = void> = Generator<KernelCall, R, any>;

export function createRsState(ctx: ActorContext, config: RsConfig): RsState {
  const { services, ...rest } = config;
  return {
    ctx,
    config: { ...DEFAULT_RS_CONFIG, ...rest },
    services: services.map((spec) => ({
      spec, state: 'starting', endpoint: NONE, restarts: 0, failures: 0, upSinceNs: 0, restartAtNs: Infinity,
      watched: false, pingOutstanding: false, waiters: [],
    })),
    heartbeatAtNs: Infinity,
    alarmAtNs: Infinity,
  };
}

export function statusOf(svc: Service): ServiceStatus {
  return { label: svc.spec.label, state: svc.state, endpoint: svc.endpoint, restarts: svc.restarts, failures: svc.failures };
}

export function move(rs: RsState, svc: Service, event: ServiceEvent['type'], detail: Record<string, unknown> = {}): boolean {
  const to = nextServiceState(svc.state, event);
  if (to === null) return false;
  rs.ctx.trace('state', { machine: 'service', service: svc.spec.label, from: svc.state, to, event, ...detail });
  svc.state = to;
  return true;
}

export function* serviceReady(rs: RsState, svc: Service): Gen {
  if (!move(rs, svc, 'READY', { endpoint: svc.endpoint })) return;
  svc.upSinceNs = rs.ctx.nowNs();
  yield* answerWaiters(svc, { type: RS_REPLY, status: 0, endpoint: svc.endpoint });
}

export function* answerWaiters(svc: Service, reply: RsReply): Gen {
  const waiting = svc.waiters.splice(0);
  for (const w of waiting) yield send(w.client, reply);
}

export function* serviceDied(rs: RsState, svc: Service, why: string): Gen {
  if (!move(rs, svc, 'DIED', { why })) return;
  svc.watched = false;
  svc.pingOutstanding = false;
  const nowNs = rs.ctx.nowNs();
  if (nowNs - svc.upSinceNs >= rs.config.stableNs && svc.upSinceNs > 0) svc.failures = 0;
  svc.failures++;
  const label = svc.spec.label;
  if (svc.failures > rs.config.maxRestarts) {
    move(rs, svc, 'GIVE_UP', { failures: svc.failures });
    rs.ctx.print(`service ${label} failed ${svc.failures} times in a row (last: ${why}); not restarting it`);
    yield* answerWaiters(svc, { type: RS_REPLY, status: -EIO });
    return;
  }
  const backoffNs = Math.min(rs.config.backoffBaseNs * 2 ** (svc.failures - 1), rs.config.backoffMaxNs);
  svc.restartAtNs = nowNs + backoffNs;
  move(rs, svc, 'RESTART', { backoffNs, failures: svc.failures });
  rs.ctx.print(`service ${label} died (${why}); restarting it in ${backoffNs / 1e6} ms`);
  if (backoffNs === 0 || rs.ctx.endpointOf(rs.config.clockName) === NONE) yield* startService(rs, svc);
}

export function* startService(rs: RsState, svc: Service): Gen {
  svc.restartAtNs = Infinity;
  const first = svc.state === 'starting' && svc.endpoint === NONE;
  if (!first && !move(rs, svc, 'BACKOFF_DONE')) return;
  const ep: number = yield kernelCall('sys_srv_start', {
    name: svc.spec.label, program: svc.spec.program, priority: svc.spec.priority,
    ...(svc.spec.quantumNs !== undefined ? { quantumNs: svc.spec.quantumNs } : {}),
  });
  if (ep < 0) {
    yield* serviceDied(rs, svc, `start failed (${ep})`);
    return;
  }
  svc.endpoint = ep;
  if (!first) svc.restarts++;
}
