/*
 * System calls served by the process manager, as generator functions over
 * a UserProcess: `const pid = yield* fork(proc, 'alice')`.
 *   fork, exec, exit, waitpid, kill, sigaction, sigprocmask, pause, alarm,
 *   nanosleep, getpid, getppid, getuid, setuid, setgid, getnprocs,
 *   setpriority ({ nice } or { priority, quantumNs }: the process's scheduling)
 * Each returns its result (>= 0) or -errno.
 */
import type { PmReply, SigDisposition } from '../../servers/pm/protocol.js';
import type { SignalHandler, SysGen, UserProcess } from '../user/process.js';

export function* fork(proc: UserProcess, program: string, name = program, env?: Readonly<Record<string, string>>): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_FORK', program, name, ...(env !== undefined ? { env } : {}) });
}

/** Set this process's nice value, or its queue (0..15) and quantum directly; raising priority needs root. */
export function* setpriority(proc: UserProcess, params: { nice?: number; priority?: number; quantumNs?: number }): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SETPRIORITY', ...params });
}

/** execve: env (envp) reaches the new program; sent only when not empty. */
export function* exec(proc: UserProcess, path: string, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_EXEC', path, args, ...(Object.keys(env).length > 0 ? { env } : {}) });
}

export function* exit(proc: UserProcess, status: number): SysGen<never> {
  yield* proc.status('pm', { type: 'PM_EXIT', status });
  throw new Error('exit returned'); // the process manager never replies to exit
}

/** Returns [pid, wait status] or [-errno, 0]. */
export function* waitpid(proc: UserProcess, pid = -1, nohang = false): SysGen<[number, number]> {
  const r = yield* proc.call('pm', { type: 'PM_WAIT', pid, nohang });
  if (typeof r === 'number') return [r, 0];
  return [r.status, (r as PmReply).value ?? 0];
}

export function* kill(proc: UserProcess, pid: number, signal: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_KILL', pid, signal });
}

/** Install a handler (catch), or set ignore/default. */
export function* sigaction(proc: UserProcess, signal: number, action: SignalHandler | 'ignore' | 'default'): SysGen<number> {
  const disposition: SigDisposition = typeof action === 'function' ? 'catch' : action;
  const r = yield* proc.status('pm', { type: 'PM_SIGACTION', signal, action: disposition });
  if (r >= 0) proc.onSignal(signal, typeof action === 'function' ? action : null);
  return r;
}

export function* sigprocmask(proc: UserProcess, how: 'block' | 'unblock' | 'set', mask: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SIGPROCMASK', how, mask });
}

/** Wait for a caught signal: always returns -EINTR. */
export function* pause(proc: UserProcess): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SIGSUSPEND', mask: null });
}

/** Returns the ns that were left of the previous alarm. */
export function* alarm(proc: UserProcess, delayNs: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_ALARM', delayNs });
}

export function* nanosleep(proc: UserProcess, delayNs: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SLEEP', delayNs });
}

export function* getpid(proc: UserProcess): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_GETPID' });
}

export function* getppid(proc: UserProcess): SysGen<number> {
  const r = yield* proc.call('pm', { type: 'PM_GETPID' });
  return typeof r === 'number' ? r : ((r as PmReply).value ?? -1);
}

export function* getuid(proc: UserProcess): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_GETUID' });
}

export function* setuid(proc: UserProcess, uid: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SETUID', uid });
}

export function* setgid(proc: UserProcess, gid: number): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SETGID', gid });
}

/** How many processes PM knows. */
export function* getnprocs(proc: UserProcess): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_GETNPROCS' });
}
