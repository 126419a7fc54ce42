/*
 * The SYSTEM kernel calls that process management needs, as MINIX's
 * system task implements them (do_fork.c, do_exec.c, do_exit.c, ...).
 *   sys_fork    { name, program, env?, priority?, quantumNs? } -> child endpoint (child held until sys_resume)
 *   sys_resume  { endpoint } -> OK: let a forked child run
 *   sys_exec    { endpoint, program, args?, env? } -> OK: the process runs a new program (env: execve's envp)
 *   sys_exit    { endpoint, code } -> OK: remove the process
 *   sys_sigsend { endpoint, signal } -> OK: mark a signal pending for the process's runtime
 *   sys_stop / sys_cont { endpoint } -> OK: hold or release a process (SIGSTOP / SIGCONT)
 *   sys_schedctl { endpoint, kernel? } -> OK: the caller becomes the process's scheduler
 *               (kernel: true hands it back to the kernel), as MINIX's do_schedctl
 *   sys_schedule { endpoint, priority, quantumNs } -> OK: the process's scheduler sets its
 *               queue and quantum (-1 keeps either) and lets it run (MINIX's do_schedule)
 * Only system processes (the process manager) have these in their privileges.
 * Also registers service.ts's sys_srv_* calls (the reincarnation server's).
 */
import { EINVAL, EPERM, ESRCH, OK } from './errno.js';
import { NONE } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import type { Kernel } from './kernel.js';
import { userPrivileges } from './priv.js';
import { RTS_NO_PRIV, RTS_STOPPED, type Proc } from './proc.js';
import { NSIG } from './signal.js';
import { NR_SCHED_QUEUES, USER_Q } from './run-queue.js';
import { registerServiceCalls } from './service.js';

export interface SysForkArgs {
  readonly name: string;
  readonly program: string;
  readonly priority?: number;
  readonly quantumNs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export function registerSystemCalls(k: Kernel): void {
  // The reincarnation server's calls (service.ts): start, watch, kill, collect deaths.
  registerServiceCalls(k);
  const target = (args: unknown) => {
    const ep = (args as { endpoint?: Endpoint } | null)?.endpoint;
    return typeof ep === 'number' ? k.procOf(ep) : null;
  };

  k.registerKernelCall('sys_fork', (_caller, args) => {
    const a = args as SysForkArgs;
    const program = k.programs.get(a.program);
    if (program === undefined) return -EINVAL;
    const child = k.spawn({
      name: a.name, program, priority: a.priority ?? USER_Q, privileges: userPrivileges(),
      quantumNs: a.quantumNs, env: a.env,
    });
    // Held until the process manager has told the file system (MINIX: no quantum until sched_start).
    k.suspend(child, RTS_NO_PRIV);
    return child.endpoint;
  });

  // The calls on one target process: { endpoint, ... }; a dead or unknown endpoint is ESRCH.
  const onTarget = (name: string, act: (p: Proc, args: Record<string, unknown>) => number): void => {
    k.registerKernelCall(name, (_caller, args) => {
      const p = target(args);
      return p === null ? -ESRCH : act(p, args as Record<string, unknown>);
    });
  };

  onTarget('sys_resume', (p) => { k.resume(p, RTS_NO_PRIV); return OK; });

  onTarget('sys_exec', (p, args) => {
    const program = k.programs.get(args.program as string);
    if (program === undefined) return -EINVAL;
    const argv = args.args;
    const env = args.env;
    const envp = env !== null && typeof env === 'object' && !Array.isArray(env)
      ? Object.fromEntries(Object.entries(env as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>
      : {};
    k.replaceProgram(p, program, Array.isArray(argv) ? argv.map(String) : [], envp);
    return OK;
  });

  onTarget('sys_exit', (p, args) => { k.destroy(p, (args.code as number | undefined) ?? 0); return OK; });

  onTarget('sys_sigsend', (p, args) => {
    const signal = args.signal;
    if (!(typeof signal === 'number' && Number.isInteger(signal) && signal > 0 && signal < NSIG)) return -EINVAL;
    k.markSignal(p, signal);
    return OK;
  });

  onTarget('sys_stop', (p) => { k.suspend(p, RTS_STOPPED); return OK; });

  onTarget('sys_cont', (p) => { k.resume(p, RTS_STOPPED); return OK; });

  k.registerKernelCall('sys_schedctl', (caller, args) => {
    const p = target(args);
    if (p === null) return -EINVAL;
    p.scheduler = (args as { kernel?: unknown }).kernel === true ? NONE : caller.endpoint;
    return OK;
  });

  k.registerKernelCall('sys_schedule', (caller, args) => {
    const p = target(args);
    if (p === null) return -EINVAL;
    // Only the process's own scheduler may schedule it (do_schedule).
    if (p.scheduler !== caller.endpoint) return -EPERM;
    const { priority, quantumNs } = args as { priority?: unknown; quantumNs?: unknown };
    const validPriority = priority === -1 || (Number.isSafeInteger(priority) && (priority as number) >= 0 && (priority as number) < NR_SCHED_QUEUES);
    const validQuantum = quantumNs === -1 || (Number.isSafeInteger(quantumNs) && (quantumNs as number) >= 1);
    if (!validPriority || !validQuantum) return -EINVAL;
    k.schedProc(p, priority as number, quantumNs as number, caller);
    return OK;
  });
}
