/*
 * exec (MINIX's exec.c): the file system checks the caller may execute the
 * file and reads its first line; a `#!mksim PROGRAM` line names a built-in
 * program, which replaces the caller's (sys_exec). No reply on success: the
 * new program starts fresh, in the domain the policy gives it (security.ts).
 * A set-user-ID (set-group-ID) file gives the process its owner (group) as
 * effective id, as MINIX's exec and Linux's bprm_fill_uid; the domain is
 * the policy's, whatever the uid: root in a domain without capabilities is
 * an ordinary user, so a setuid program is as strong as its domain.
 */
import { EINVAL, ENOEXEC, kernelCall, NONE, sendrec, ENOSYS, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { programExists } from '../../lib/getinfo.js';
import type { PmExec } from './protocol.js';
import { execContext, setContext, tellSecurity, type ExecFile } from './security.js';
import { validEnv } from './forkexit.js';
import { pmReply, tellFs, tellVm, type PmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

export const SHEBANG = '#!mksim ';

export function* doExec(pm: PmState, m: Envelope<PmExec>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || typeof m.path !== 'string') return pmReply(-EINVAL);
  // execve's envp: what the new program finds in its environment (the script's descriptor names).
  const env = validEnv(m.env);
  if (env === null) return pmReply(-EINVAL);
  const fs = pm.ctx.endpointOf('fs');
  if (fs === NONE) return pmReply(-ENOSYS);
  const r: Envelope | number = yield sendrec(fs, { type: 'FS_PM_EXEC', endpoint: p.endpoint, path: m.path });
  if (typeof r === 'number') return pmReply(r);
  const reply = r as Envelope & ExecFile & { status: number; firstLine?: string; setuid?: number; setgid?: number };
  if (reply.status < 0) return pmReply(reply.status);
  const line = reply.firstLine ?? '';
  if (!line.startsWith(SHEBANG)) return pmReply(-ENOEXEC);
  const words = line.slice(SHEBANG.length).trim().split(/\s+/);
  const program = words[0] ?? '';
  // Words after the program name on the #! line come first, then exec's own arguments.
  const args = [...words.slice(1), ...(Array.isArray(m.args) ? m.args.map(String) : [])];
  if (!(yield* programExists(program))) return pmReply(-ENOEXEC);
  // The domain the program runs in (transition, entrypoint, execute_no_trans): denied is EACCES.
  const context = yield* execContext(pm, p, reply, m.path);
  if (typeof context === 'number') return pmReply(context);
  // Caught signals revert to default: their handlers were code of the old program.
  p.actions = p.actions.map((a) => (a === 'catch' ? 'default' : a));
  p.program = program;
  // The new program gets a fresh address space (MINIX: exec's new memory from VM).
  yield* tellVm(pm, { type: 'VM_EXEC', endpoint: p.endpoint });
  const status: number = yield kernelCall('sys_exec', { endpoint: p.endpoint, program, args, ...(Object.keys(env).length > 0 ? { env } : {}) });
  if (status < 0) return pmReply(status);
  // As selinux_bprm_creds_for_exec, which clears exec_sid in the new credentials.
  p.execContext = null;
  // selinux_bprm_creds_for_exec: osid is the old sid at every exec (getprevcon), whether the domain changes or not.
  p.prevContext = p.context;
  if (typeof reply.setuid === 'number' || typeof reply.setgid === 'number') {
    if (typeof reply.setuid === 'number') p.euid = reply.setuid;
    if (typeof reply.setgid === 'number') p.egid = reply.setgid;
    yield* tellFs(pm, { type: 'FS_PM_SETUID', endpoint: p.endpoint, uid: p.euid, gid: p.egid });
    if (context === null) yield* tellSecurity(pm, p);
  }
  if (context !== null) yield* setContext(pm, p, context, true);
  pm.ctx.trace('proc', { op: 'exec', pid: p.pid, path: m.path, program });
  return null;
}
