/*
 * The reincarnation server's protocol: requests by sendrec, the one reply
 * type, and the notification bits RS and its services exchange (MINIX's SEF
 * ping and init-done).
 *   RsWaitUp     RS_WAIT_UP: reply when `label` runs under an endpoint other than deadEndpoint
 *   RsStatus     RS_STATUS: every service's state, endpoint, restarts
 *   RsRestart    RS_RESTART: kill `label` and restart it (MINIX's `service refresh`)
 *   RsReply      { type: 'RS_REPLY', status, endpoint?, services? }
 *   RS_PING, SEF_* bits   NOTIFY bits: RS -> service (ping), service -> RS (ready, alive, busy, wake)
 */
import type { Endpoint, Message } from '../../kernel/index.js';

/**
 * A client (the FS) whose request to a driver failed with EDEADSRCDST asks
 * to be told the driver's new endpoint: the reply comes when the restarted
 * driver is up (status 0, endpoint), or status -EIO when RS gave up on it.
 */
export interface RsWaitUp extends Message {
  readonly type: 'RS_WAIT_UP';
  readonly label: string;
  /** The endpoint that failed; the reply names another one. */
  readonly deadEndpoint: Endpoint;
}

export interface RsStatus extends Message {
  readonly type: 'RS_STATUS';
}

export interface RsRestart extends Message {
  readonly type: 'RS_RESTART';
  readonly label: string;
}

export type RsRequest = RsWaitUp | RsStatus | RsRestart;

export type ServiceState = 'starting' | 'up' | 'crashed' | 'restarting' | 'dead';

export interface ServiceStatus {
  readonly label: string;
  readonly state: ServiceState;
  readonly endpoint: Endpoint;
  /** Restarts since boot. */
  readonly restarts: number;
  /** Failures in a row (reset after the service stays up for the stable period). */
  readonly failures: number;
}

export const RS_REPLY = 'RS_REPLY';

export interface RsReply extends Message {
  readonly type: typeof RS_REPLY;
  /** 0, or -ESRCH (no such service), -EIO (the service is dead), -EINVAL, -EAGAIN (too many waiters). */
  readonly status: number;
  readonly endpoint?: Endpoint;
  readonly services?: readonly ServiceStatus[];
}

/** RS -> service: are you alive? */
export const RS_PING = 1 << 0;
/** Service -> RS: initialized (a restarted instance is ready for requests). */
export const SEF_READY = 1 << 0;
/** Service -> RS: the answer to a ping. */
export const SEF_ALIVE = 1 << 1;
/** Service -> RS, with ALIVE: requests are open or were served since the last ping (keep watching). */
export const SEF_BUSY = 1 << 2;
/** Service -> RS: a request arrived while RS was not watching (start the heartbeat). */
export const SEF_WAKE = 1 << 3;
