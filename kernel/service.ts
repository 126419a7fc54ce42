/*
 * The kernel calls a reincarnation server needs (MINIX's RS does this with
 * sys_fork + sys_exec + sys_privctl, and learns of deaths through PM's SIGCHLD).
 *   sys_srv_start  { name, program, priority, quantumNs?, args? } -> endpoint: a system process,
 *                  watched by the caller
 *   sys_srv_watch  { endpoint } -> OK: watch a process already running (a boot-image driver)
 *   sys_srv_kill   { endpoint, reason } -> OK: remove a watched process (a `fault` record with the reason)
 *   sys_srv_deaths -> DeathReport[]: what died since the last call (the NOTIFY said so)
 *   SRV_DEATH_BIT  the bit of the NOTIFY from HARDWARE that tells a watcher to collect deaths
 */
import type { Endpoint } from './endpoint.js';
import { EINVAL, ESRCH, OK } from './errno.js';
import { doNotify } from './ipc.js';
import type { Kernel, Program } from './kernel.js';
import { systemPrivileges } from './priv.js';
import type { Proc } from './proc.js';
import { NR_SCHED_QUEUES } from './run-queue.js';

/** An interrupt-line-like bit no device uses (the disk is 1 << 14, the clock 1 << 0). */
export const SRV_DEATH_BIT = 1 << 20;

/** Reports kept per watcher before the oldest are dropped (a watcher that never collects). */
const MAX_REPORTS = 256;

export interface DeathReport {
  readonly name: string;
  readonly endpoint: Endpoint;
  /** Exit code (a thrown actor: -1). */
  readonly code: number;
  /** The exception's message for a crash or a kill; null for a plain exit. */
  readonly error: string | null;
  readonly atNs: number;
}

export interface SrvStartArgs {
  readonly name: string;
  readonly program: Program;
  readonly priority: number;
  readonly quantumNs?: number;
  readonly args?: readonly string[];
}

export function registerServiceCalls(k: Kernel): void {
  /** Watched process -> its watcher's endpoint. */
  const watcherOf = new Map<Proc, Endpoint>();
  const reports = new Map<Endpoint, DeathReport[]>();

  k.onExit((p, code, fault) => {
    const watcher = watcherOf.get(p);
    if (watcher === undefined) return;
    watcherOf.delete(p);
    const list = reports.get(watcher) ?? [];
    if (list.length >= MAX_REPORTS) list.shift();
    list.push({ name: p.name, endpoint: p.endpoint, code: typeof code === 'number' ? code : 0, error: fault?.message ?? null, atNs: k.nowNs });
    reports.set(watcher, list);
    doNotify(k, null, watcher, SRV_DEATH_BIT);
  });

  const watched = (caller: Proc, args: unknown): Proc | null => {
    const ep = (args as { endpoint?: unknown } | null)?.endpoint;
    const p = typeof ep === 'number' ? k.procOf(ep) : null;
    return p !== null && watcherOf.get(p) === caller.endpoint ? p : null;
  };

  k.registerKernelCall('sys_srv_start', (caller, args) => {
    const a = args as Partial<SrvStartArgs> | null;
    if (a === null || typeof a.name !== 'string' || typeof a.program !== 'function') return -EINVAL;
    const priority = a.priority ?? 1;
    if (!(Number.isInteger(priority) && priority >= 0 && priority < NR_SCHED_QUEUES)) return -EINVAL;
    const p = k.spawn({
      name: a.name, program: a.program, priority, privileges: systemPrivileges(),
      ...(a.quantumNs !== undefined ? { quantumNs: a.quantumNs } : {}),
      ...(a.args !== undefined ? { args: a.args } : {}),
    });
    watcherOf.set(p, caller.endpoint);
    return p.endpoint;
  });

  k.registerKernelCall('sys_srv_watch', (caller, args) => {
    const ep = (args as { endpoint?: unknown } | null)?.endpoint;
    const p = typeof ep === 'number' ? k.procOf(ep) : null;
    if (p === null) return -ESRCH;
    if (!p.priv.system) return -EINVAL;
    watcherOf.set(p, caller.endpoint);
    return OK;
  });

  k.registerKernelCall('sys_srv_kill', (caller, args) => {
    const p = watched(caller, args);
    if (p === null) return -ESRCH;
    const reason = (args as { reason?: unknown }).reason;
    k.destroy(p, -1, new Error(typeof reason === 'string' ? reason : `killed by ${caller.name}`));
    return OK;
  });

  k.registerKernelCall('sys_srv_deaths', (caller) => {
    const list = reports.get(caller.endpoint) ?? [];
    reports.delete(caller.endpoint);
    return list;
  });
}
