/*
 * The audit log of a simulated system: every object manager's AVC writes
 * its lines to the system's `audit` log channel (through its context, never
 * the kernel), in the kernel audit format, so the boot command can show
 * them (stderr) or keep them (a file), as auditd does.
 *   auditLog(systemLog)     the system's audit lines so far, subscribe(listener)
 *   auditSink(ctx)          an AvcOptions.onAudit that writes to the caller's system's log
 *   formatAuditRecord(t, serial, line)   `type=AVC msg=audit(0.004512:3): avc:  denied ...`
 */
import type { ActorContext, LogEntry, SystemLog } from '../../kernel/index.js';
import type { AvcRecordFields } from './audit.js';

export type AuditListener = (line: string, record: AvcRecordFields) => void;

export interface AuditLog {
  /** Audit records so far, formatted. Bounded: the oldest go past the system log's MAX_LOG_ENTRIES. */
  readonly lines: string[];
  subscribe(listener: AuditListener): void;
}

/** The system log channel the AVC writes (the serial numbers are the channel's: Linux's audit_serial). */
export const AUDIT_CHANNEL = 'audit';

/** Virtual seconds (6 decimals) stand where Linux writes the wall clock: the log stays deterministic. */
export function formatAuditRecord(nowNs: number, serial: number, avcLine: string): string {
  const sec = Math.floor(nowNs / 1e9);
  const micros = Math.floor((nowNs % 1e9) / 1e3);
  return `type=AVC msg=audit(${sec}.${String(micros).padStart(6, '0')}:${serial}): ${avcLine}`;
}

const formatEntry = (e: LogEntry): string => formatAuditRecord(e.tNs, e.serial, e.text);

export function auditLog(log: SystemLog): AuditLog {
  return {
    get lines() { return log.entries(AUDIT_CHANNEL).map(formatEntry); },
    subscribe(listener) {
      log.subscribe(AUDIT_CHANNEL, (e) => listener(formatEntry(e), e.fields as unknown as AvcRecordFields));
    },
  };
}

export function auditSink(ctx: ActorContext): (line: string, record: AvcRecordFields) => void {
  return (line, record) => ctx.log(AUDIT_CHANNEL, line, { ...record });
}
