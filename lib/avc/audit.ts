/*
 * AVC audit records: the `avc` trace record an object manager emits for a
 * logged decision, and the kernel's audit line for it.
 *   AvcRecordFields   the fields of an `ev: 'avc'` record (docs/security.md)
 *   AuditData         what the object manager knows of the access (pid, comm, name, dev, ino, path, capability)
 *   formatAvcLine(r)  `avc:  denied  { read } for  pid=... tclass=file permissive=0`
 */

export interface AuditData {
  readonly pid?: number;
  readonly comm?: string;
  readonly name?: string;
  readonly dev?: string;
  readonly ino?: number;
  readonly path?: string;
  /** A capability check's number (include/uapi/linux/capability.h). */
  readonly capability?: number;
}

export interface AvcRecordFields extends AuditData {
  /** 'denied' (a denial not silenced by dontaudit) or 'granted' (an auditallow rule). */
  readonly decision: 'denied' | 'granted';
  /** The permissions concerned, sorted. */
  readonly perms: readonly string[];
  readonly scontext: string;
  readonly tcontext: string;
  readonly tclass: string;
  /** 1 when the denial was not enforced (permissive mode or a permissive domain). */
  readonly permissive: 0 | 1;
  /**
   * Why it was denied, when a constraint removed permissions the TE rules allow
   * (audit2why's "constraint violation"): trace records only; the kernel's line carries no reason.
   */
  readonly reason?: 'constraint';
  /** The violated constraint's place in the policy (`file:line`). */
  readonly constraint?: string;
}

/** The line Linux's avc_audit writes (two spaces after `avc:`, around the decision and after `for`). */
export function formatAvcLine(r: AvcRecordFields): string {
  let line = `avc:  ${r.decision}  { ${r.perms.join(' ')} } for `;
  if (r.pid !== undefined) line += ` pid=${r.pid}`;
  if (r.comm !== undefined) line += ` comm="${r.comm}"`;
  // lsm_audit's LSM_AUDIT_DATA_CAP writes " capability=%d " (hence two spaces before scontext).
  if (r.capability !== undefined) line += ` capability=${r.capability} `;
  if (r.path !== undefined) line += ` path="${r.path}"`;
  if (r.name !== undefined) line += ` name="${r.name}"`;
  if (r.dev !== undefined) line += ` dev="${r.dev}"`;
  if (r.ino !== undefined) line += ` ino=${r.ino}`;
  line += ` scontext=${r.scontext} tcontext=${r.tcontext} tclass=${r.tclass}`;
  if (r.decision === 'denied') line += ` permissive=${r.permissive}`;
  return line;
}
