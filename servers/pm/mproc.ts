/*
 * The process manager's process table (MINIX's mproc): one entry per user
 * process, from fork to the parent's wait.
 *   MProc          pid, parent, endpoint, credentials, signal state, what it waits in
 *   ProcTable      add / byPid / byEndpoint / children / release; bounded (NR_PROCS)
 */
import { USER_Q, type Endpoint } from '../../kernel/index.js';
import type { SigDisposition } from './protocol.js';

export const NR_PROCS = 256;
export const INIT_PID = 1;

/** Why PM has not replied to the process yet (so a signal knows whom to wake with EINTR). */
export type Waiting = null | 'wait' | 'sigsuspend' | 'sleep' | 'exec';

export interface MProc {
  readonly pid: number;
  parentPid: number;
  endpoint: Endpoint;
  name: string;
  program: string;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  /** Security context (user:role:type), or null when none was given (no security line, or not yet set). */
  context: string | null;
  /** The context before the last exec (Linux's osid, /proc/self/attr/prev: getprevcon), or null: kept across fork. */
  prevContext: string | null;
  /** setexeccon's context for the next exec (Linux's exec_sid), or null: kept across fork, cleared by exec. */
  execContext: string | null;
  /** Alive, or exited and waiting to be reaped by its parent. */
  zombie: boolean;
  exitStatus: number;
  waiting: Waiting;
  /** For 'wait': the pid waited for (-1 any). */
  waitPid: number;
  /** For 'sleep' and alarm: virtual times of expiry (0 = none). */
  sleepUntilNs: number;
  alarmAtNs: number;
  /** Signal state. */
  actions: SigDisposition[];
  blockedMask: number;
  pendingMask: number;
  /** Mask to restore after sigsuspend returns. */
  savedMask: number | null;
  /** The best scheduling queue it may have (MINIX's mp_nice, as a queue); children inherit it. */
  maxPriority: number;
  /** Does SCHED schedule it (MINIX's mp_scheduler != KERNEL)? */
  scheduled: boolean;
}

export class ProcTable {
  private readonly procs = new Map<number, MProc>();
  private readonly byEp = new Map<Endpoint, MProc>();
  private nextPid = INIT_PID;

  get size(): number {
    return this.procs.size;
  }

  allocPid(): number {
    // Pids are never reused while the table is small: traces stay unambiguous.
    for (let tries = 0; tries < 1 << 16; tries++) {
      const pid = this.nextPid++;
      if (this.nextPid > 30000) this.nextPid = 2;
      if (!this.procs.has(pid)) return pid;
    }
    throw new Error('no free pid');
  }

  add(p: MProc): void {
    this.procs.set(p.pid, p);
    this.byEp.set(p.endpoint, p);
  }

  byPid(pid: number): MProc | undefined {
    return this.procs.get(pid);
  }

  byEndpoint(ep: Endpoint): MProc | undefined {
    return this.byEp.get(ep);
  }

  children(pid: number): MProc[] {
    return [...this.procs.values()].filter((p) => p.parentPid === pid);
  }

  all(): MProc[] {
    return [...this.procs.values()];
  }

  /** The process left the kernel; its entry stays (a zombie) until reaped. */
  detachEndpoint(p: MProc): void {
    this.byEp.delete(p.endpoint);
  }

  release(p: MProc): void {
    this.procs.delete(p.pid);
    if (this.byEp.get(p.endpoint) === p) this.byEp.delete(p.endpoint);
  }
}

export function newMProc(fields: Pick<MProc, 'pid' | 'parentPid' | 'endpoint' | 'name' | 'program' | 'uid' | 'gid'>, nsig: number): MProc {
  return {
    ...fields,
    euid: fields.uid,
    egid: fields.gid,
    context: null,
    prevContext: null,
    execContext: null,
    zombie: false,
    exitStatus: 0,
    waiting: null,
    waitPid: -1,
    sleepUntilNs: 0,
    alarmAtNs: 0,
    actions: new Array<SigDisposition>(nsig).fill('default'),
    blockedMask: 0,
    pendingMask: 0,
    savedMask: null,
    maxPriority: USER_Q,
    scheduled: false,
  };
}
