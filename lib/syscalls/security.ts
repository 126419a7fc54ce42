/*
 * Security system calls (libselinux's, as messages): process contexts are
 * PM's, file contexts the file server's.
 *   getcon, setcon, newrole                   the caller's context (PM)
 *   setexeccon                                the context of the caller's next exec (PM)
 *   getfilecon, setfilecon, setfscreatecon    a file's label; the creation context (FS)
 *   security_getenforce, security_setenforce  the mode (the security server; setenforce: root and security:setenforce)
 *   securitySetBooleans, securityGetBooleans  booleans (security_set_boolean_list + commit: root and security:setbool)
 * Each returns its result (a context string, or 0) or -errno.
 */
import type { SysGen, UserProcess } from '../user/process.js';

function* contextCall(proc: UserProcess, server: 'pm' | 'fs', msg: { type: string; [k: string]: unknown }): SysGen<string | number> {
  const r = yield* proc.call(server, msg);
  if (typeof r === 'number') return r;
  if (r.status < 0) return r.status;
  return typeof r.context === 'string' ? r.context : -22; // EINVAL: a reply without the context
}

export function* getcon(proc: UserProcess): SysGen<string | number> {
  return yield* contextCall(proc, 'pm', { type: 'PM_GETCON' });
}

/** Take a new context (policy must allow the transition, unless it is the current one). */
export function* setcon(proc: UserProcess, context: string): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SETCON', context });
}

/** The context the next exec runs in (null: the policy's transition); as writing /proc/self/attr/exec. */
export function* setexeccon(proc: UserProcess, context: string | null): SysGen<number> {
  return yield* proc.status('pm', { type: 'PM_SETEXECCON', context });
}

/** Change role; returns the new context. */
export function* newrole(proc: UserProcess, role: string): SysGen<string | number> {
  return yield* contextCall(proc, 'pm', { type: 'PM_NEWROLE', role });
}

export function* getfilecon(proc: UserProcess, path: string): SysGen<string | number> {
  return yield* contextCall(proc, 'fs', { type: 'FS_GETFILECON', path });
}

export function* setfilecon(proc: UserProcess, path: string, context: string): SysGen<number> {
  return yield* proc.status('fs', { type: 'FS_SETFILECON', path, context });
}

/** The context this process's next files get (null: the policy's); as writing /proc/self/attr/fscreate. */
export function* setfscreatecon(proc: UserProcess, context: string | null): SysGen<number> {
  return yield* proc.status('fs', { type: 'FS_SETFSCREATE', context });
}

/** 1 enforcing, 0 permissive, or -errno; as reading /sys/fs/selinux/enforce. */
export function* securityGetenforce(proc: UserProcess): SysGen<number> {
  const r = yield* proc.call('security', { type: 'SEC_GET_ENFORCE' });
  if (typeof r === 'number') return r;
  if (r.status < 0) return r.status;
  return r.enforcing === true ? 1 : 0;
}

/** Switch the mode; as writing /sys/fs/selinux/enforce (root, and security:setenforce in the policy). */
export function* securitySetenforce(proc: UserProcess, enforcing: boolean): SysGen<number> {
  return yield* proc.status('security', { type: 'SEC_SET_ENFORCE', enforcing });
}

/** Set booleans and commit them (libselinux's security_set_boolean_list): root and security:setbool. */
export function* securitySetBooleans(proc: UserProcess, values: readonly (readonly [string, boolean])[]): SysGen<number> {
  return yield* proc.status('security', { type: 'SEC_SET_BOOL', values });
}

/** The current value of one boolean, or of all (name undefined); -errno on failure (ENOENT: no such boolean). */
export function* securityGetBooleans(proc: UserProcess, name?: string): SysGen<readonly (readonly [string, boolean])[] | number> {
  const r = yield* proc.call('security', { type: 'SEC_GET_BOOL', ...(name === undefined ? {} : { name }) });
  if (typeof r === 'number') return r;
  if (r.status < 0) return r.status;
  return Array.isArray(r.booleans) ? (r.booleans as readonly (readonly [string, boolean])[]) : -22;
}
