/*
 * The audit log of a simulated system: every object manager's AVC writes
 * its lines here, in the kernel audit format, so the boot command can show
 * them (stderr) or keep them (a file), as auditd does.
 *   auditLog(kernel)        the system's log: lines so far, subscribe(listener)
 *   auditSink(ctx)          an AvcOptions.onAudit that writes to the caller's system's log
 *   auditSelinuxErr(ctx, text)   a `type=SELINUX_ERR` record (the security server's, e.g. an invalid computed context)
 *   formatAuditRecord(t, serial, line, type?)   `type=AVC msg=audit(0.004512:3): avc:  denied ...`
 */
import type { ActorContext, Kernel } from '../../kernel/index.js';
import type { AvcRecordFields } from './audit.js';

/** An AVC record's fields, or null for a record of another type (SELINUX_ERR). */
export type AuditListener = (line: string, record: AvcRecordFields | null) => void;

export interface AuditLog {
  /** Audit records so far, formatted. Bounded: the oldest go past MAX_AUDIT_LINES. */
  readonly lines: string[];
  subscribe(listener: AuditListener): void;
  write(nowNs: number, text: string, record: AvcRecordFields | null, type?: string): void;
}

export const MAX_AUDIT_LINES = 10_000;

/** Virtual seconds (6 decimals) stand where Linux writes the wall clock: the log stays deterministic. */
export function formatAuditRecord(nowNs: number, serial: number, avcLine: string, type = 'AVC'): string {
  const sec = Math.floor(nowNs / 1e9);
  const micros = Math.floor((nowNs % 1e9) / 1e3);
  return `type=${type} msg=audit(${sec}.${String(micros).padStart(6, '0')}:${serial}): ${avcLine}`;
}

const logs = new WeakMap<Kernel, AuditLog>();

export function auditLog(kernel: Kernel): AuditLog {
  let log = logs.get(kernel);
  if (log !== undefined) return log;
  const listeners: AuditListener[] = [];
  let serial = 0;
  const lines: string[] = [];
  log = {
    lines,
    subscribe(listener) { listeners.push(listener); },
    write(nowNs, text, record, type) {
      const line = formatAuditRecord(nowNs, ++serial, text, type);
      lines.push(line);
      if (lines.length > MAX_AUDIT_LINES) lines.shift();
      for (const l of listeners) l(line, record);
    },
  };
  logs.set(kernel, log);
  return log;
}

export function auditSink(ctx: ActorContext): (line: string, record: AvcRecordFields) => void {
  return (line, record) => auditLog(ctx.kernel).write(ctx.nowNs(), line, record);
}

/** A SELINUX_ERR record, as the kernel's audit_log(..., AUDIT_SELINUX_ERR, ...) from the security server. */
export function auditSelinuxErr(ctx: ActorContext, text: string): void {
  auditLog(ctx.kernel).write(ctx.nowNs(), text, null, 'SELINUX_ERR');
}
