/*
 * The audit log of a simulated system: every object manager's AVC writes
 * its lines to the system's `audit` log channel (through its context, never
 * the kernel), in the kernel audit format, so the boot command can show
 * them (stderr) or keep them (a file), as auditd does.
 *   auditLog(systemLog)     the system's audit lines so far, subscribe(listener)
 *   auditSink(ctx)          an AvcOptions.onAudit that writes to the caller's system's log
 *   auditSelinuxErr(ctx, text)   a `type=SELINUX_ERR` record (the security server's, e.g. an invalid computed context)
 *   formatAuditRecord(t, serial, line, type?)   `type=AVC msg=audit(0.004:3): avc:  denied ...`
 */
import type { ActorContext, LogEntry, SystemLog } from '../../kernel/index.js';
import type { AvcRecordFields } from './audit.js';

/** An AVC record's fields, or null for a record of another type (SELINUX_ERR). */
export type AuditListener = (line: string, record: AvcRecordFields | null) => void;

export interface AuditLog {
  /** Audit records so far, formatted. Bounded: the oldest go past the system log's MAX_LOG_ENTRIES. */
  readonly lines: string[];
  subscribe(listener: AuditListener): void;
}

/** The system log channel the AVC writes (the serial numbers are the channel's: Linux's audit_serial). */
export const AUDIT_CHANNEL = 'audit';

/**
 * The header Linux's audit_log_start writes, `audit(%llu.%03lu:%u)`: seconds,
 * milliseconds (truncated, tv_nsec / 1000000) and the serial. Virtual time
 * stands where Linux reads the wall clock, so the log stays deterministic.
 */
export function formatAuditRecord(nowNs: number, serial: number, avcLine: string, type = 'AVC'): string {
  const sec = Math.floor(nowNs / 1e9);
  const millis = Math.floor((nowNs % 1e9) / 1e6);
  return `type=${type} msg=audit(${sec}.${String(millis).padStart(3, '0')}:${serial}): ${avcLine}`;
}

/** An entry's audit record type: AVC unless the writer named another (`auditType`). */
const typeOf = (e: LogEntry): string | undefined => (typeof e.fields.auditType === 'string' ? e.fields.auditType : undefined);

const formatEntry = (e: LogEntry): string => formatAuditRecord(e.tNs, e.serial, e.text, typeOf(e));

export function auditLog(log: SystemLog): AuditLog {
  return {
    get lines() { return log.entries(AUDIT_CHANNEL).map(formatEntry); },
    subscribe(listener) {
      log.subscribe(AUDIT_CHANNEL, (e) => listener(formatEntry(e), typeOf(e) === undefined ? e.fields as unknown as AvcRecordFields : null));
    },
  };
}

export function auditSink(ctx: ActorContext): (line: string, record: AvcRecordFields) => void {
  return (line, record) => ctx.log(AUDIT_CHANNEL, line, { ...record });
}

/** A SELINUX_ERR record, as the kernel's audit_log(..., AUDIT_SELINUX_ERR, ...) from the security server. */
export function auditSelinuxErr(ctx: ActorContext, text: string): void {
  ctx.log(AUDIT_CHANNEL, text, { auditType: 'SELINUX_ERR' });
}
