/*
 * The process manager's state, shared by its handlers (MINIX's glo.h).
 *   PmState          the table, the context, the configuration
 *   pmReply(status)  the reply message
 *   tellFs(pm, msg)  inform the file system of a process event (fork, exit, setuid, ...)
 *   tellVm(pm, msg)  inform VM of fork, exit, exec and a new context (MINIX's PM: vm_fork, vm_exit)
 */
import { NONE, sendrec, type ActorContext, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { ProcTable } from './mproc.js';
import type { PmReply } from './protocol.js';
import type { PmSecurity } from './security.js';

export interface PmConfig {
  /** Name of the first user process (pid 1), started by the boot image. */
  readonly initName: string;
  readonly initUid: number;
  readonly initGid: number;
  /** init's security context (its block's context=): the one it may take at boot without a transition. */
  readonly initContext?: string;
  /** init's queue and quantum (its block's priority= and quantum=), handed to SCHED at start (sched_init). */
  readonly initPriority?: number;
  readonly initQuantumNs?: number;
}

export interface PmState {
  readonly ctx: ActorContext;
  readonly config: PmConfig;
  readonly procs: ProcTable;
  /** Expiry (virtual ns) of the alarm PM has asked the clock for, or 0. */
  clockAlarmAtNs: number;
  /** PM as an SELinux object manager: its AVC, made on the first check when a security server runs (security.ts). */
  security?: PmSecurity | null;
}

export function pmReply(status: number, value?: number, value2?: number): PmReply {
  const reply: { type: 'PM_REPLY'; status: number; value?: number; value2?: number } = { type: 'PM_REPLY', status };
  if (value !== undefined) reply.value = value;
  if (value2 !== undefined) reply.value2 = value2;
  return reply;
}

/**
 * Tell the file system about a process event and wait for its answer, as
 * MINIX's PM does with VFS. A system booted without a file system skips it.
 */
/** As tellFs, for the VM server (absent when the script has no `vm` line). */
export function* tellVm(pm: PmState, msg: Message): Generator<KernelCall, number, any> {
  const vm = pm.ctx.endpointOf('vm');
  if (vm === NONE) return 0;
  const r: Envelope | number = yield sendrec(vm, msg);
  return typeof r === 'number' ? r : ((r as Envelope & { status?: number }).status ?? 0);
}

export function* tellFs(pm: PmState, msg: Message): Generator<KernelCall, number, any> {
  const fs = pm.ctx.endpointOf('fs');
  if (fs === NONE) return 0;
  const r: Envelope | number = yield sendrec(fs, msg);
  return typeof r === 'number' ? r : ((r as Envelope & { status?: number }).status ?? 0);
}
