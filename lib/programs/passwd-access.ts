/*
 * libselinux's selinux_check_passwd_access, for passwd and su: the caller's
 * context (getprevcon) on itself in the userspace class passwd, by compute_av
 * through a userspace AVC (lib/avc); a decision logged is a USER_AVC record.
 *   callerContext(proc)                       the context that exec'd us, or null: SELinux is off
 *   checkPasswdAccess(proc, con, perm, exe)   0 allowed (or not enforced), -EACCES denied, else -errno
 */
import { NONE } from '../../kernel/index.js';
import { Avc } from '../avc/avc.js';
import { AUDIT_CHANNEL } from '../avc/log.js';
import { getpid, getuid } from '../syscalls/pm.js';
import { getprevcon } from '../syscalls/security.js';
import type { SysGen, UserProcess } from '../user/process.js';

export type PasswdPerm = 'passwd' | 'chfn' | 'chsh' | 'rootok' | 'crontab';

/** The context that exec'd this program; null when the system has no security server (is_selinux_enabled() == 0). */
export function* callerContext(proc: UserProcess): SysGen<string | null> {
  if (proc.ctx.endpointOf('security') === NONE) return null;
  const con = yield* getprevcon(proc);
  return typeof con === 'number' ? null : con;
}

/** The SELinux user (identity) of a context. */
export const identityOf = (context: string): string => context.split(':')[0] ?? '';

/**
 * `perm` of class passwd from `context` to itself. In permissive mode the
 * AVC allows and logs, as selinux_check_passwd_access falls back to
 * security_getenforce() == 0. A policy without the class answers EINVAL:
 * denied, as libselinux does when the policy denies unknown classes.
 */
/** The USER_AVC line is what avc_audit → audit_log_user_avc_message sends: `pid= uid= msg='avc: ... exe="..."'`. */
export function* checkPasswdAccess(proc: UserProcess, context: string, perm: PasswdPerm, exe: string): SysGen<number> {
  const pid = yield* getpid(proc);
  const uid = yield* getuid(proc);
  const avc = new Avc(proc.ctx, {
    onAudit: (line, record) => proc.ctx.log(AUDIT_CHANNEL, `pid=${pid} uid=${uid} msg='${line} exe="${exe}"'`, { ...record, auditType: 'USER_AVC' }),
  });
  return yield* avc.hasPerm(context, context, 'passwd', perm);
}
