/*
 * sys_getinfo: the privileged facts a system process may ask the kernel
 * for, as MINIX's do_getinfo (kernel/system/do_getinfo.c) copies kernel
 * tables out to a server. Registered by every Kernel.
 *   sys_getinfo { request: 'GET_PROC', endpoint }   -> ProcInfo (a copy), or -ESRCH if not a live process
 *   sys_getinfo { request: 'GET_PROGRAM', name }    -> OK if the program table has it, else -ENOENT
 * Only system processes may call it (ECALLDENIED otherwise, traced); each
 * call is a kernel call like any other: charged, and a `kcall` record.
 */
import { NONE, type Endpoint } from './endpoint.js';
import { ECALLDENIED, EINVAL, ENOENT, ESRCH, OK } from './errno.js';
import type { Kernel } from './kernel.js';

/** What GET_PROC copies out of a process-table entry (MINIX: the struct proc GET_PROC returns). */
export interface ProcInfo {
  readonly endpoint: Endpoint;
  readonly name: string;
  /** Has system privileges (a driver, server or task: MINIX's SYS_PROC flag). */
  readonly system: boolean;
  /** CPU time used so far (MINIX's p_user_time + p_sys_time, in ns). */
  readonly cpuTimeNs: number;
}

export type GetinfoRequest =
  | { readonly request: 'GET_PROC'; readonly endpoint: Endpoint }
  | { readonly request: 'GET_PROGRAM'; readonly name: string };

export function registerGetinfo(k: Kernel): void {
  k.registerKernelCall('sys_getinfo', (caller, args) => {
    // The privilege table already keeps user processes out; this says why if one is ever given '*'.
    if (!caller.priv.system) return k.callError(caller, 'sys_getinfo', ECALLDENIED, NONE);
    const a = args as Partial<Record<string, unknown>> | null;
    switch (a?.request) {
      case 'GET_PROC': {
        const p = typeof a.endpoint === 'number' ? k.procOf(a.endpoint) : null;
        if (p === null) return -ESRCH;
        const info: ProcInfo = { endpoint: p.endpoint, name: p.name, system: p.priv.system, cpuTimeNs: p.cpuTimeNs };
        return info;
      }
      case 'GET_PROGRAM':
        return typeof a.name === 'string' && k.programs.has(a.name) ? OK : -ENOENT;
      default:
        return -EINVAL;
    }
  });
}
