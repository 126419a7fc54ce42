import { describe, expect, it } from 'vitest';
import { Kernel, MAX_LOG_ENTRIES, SystemLog, type LogEntry } from '../../kernel/index.js';
import { auditLog, formatAuditRecord } from '../../lib/avc/log.js';

describe('the system log', () => {
  it('numbers entries per channel, tells subscribers, and keeps the newest MAX_LOG_ENTRIES', () => {
    const log = new SystemLog();
    const seen: LogEntry[] = [];
    log.subscribe('audit', (e) => seen.push(e));
    log.write('audit', 5, 'a');
    log.write('other', 6, 'x');
    log.write('audit', 7, 'b', { pid: 2 });
    expect(seen.map((e) => [e.serial, e.tNs, e.text])).toEqual([[1, 5, 'a'], [2, 7, 'b']]);
    expect(log.entries('other').map((e) => e.serial)).toEqual([1]);
    for (let i = 0; i < MAX_LOG_ENTRIES; i++) log.write('audit', 8, `n${i}`);
    const kept = log.entries('audit');
    expect(kept).toHaveLength(MAX_LOG_ENTRIES);
    expect(kept[0]!.serial).toBe(3);
    expect(kept.at(-1)!.serial).toBe(MAX_LOG_ENTRIES + 2);
  });

  it('an actor writes through ctx.log; each kernel has its own log (two systems in one process)', () => {
    const kernels = [new Kernel(), new Kernel()];
    kernels.forEach((k, i) => {
      k.spawn({
        name: 'om', priority: 4, privileges: { system: true, opMask: 0, sendTo: '*', kernelCalls: '*' },
        program: function* (ctx) { for (let n = 0; n <= i; n++) ctx.log('audit', `avc:  denied  { read } for  n=${n}`, { n }); },
      });
      k.run();
    });
    expect(auditLog(kernels[0]!.log).lines).toEqual(['type=AVC msg=audit(0.000:1): avc:  denied  { read } for  n=0']);
    expect(auditLog(kernels[1]!.log).lines).toEqual([
      'type=AVC msg=audit(0.000:1): avc:  denied  { read } for  n=0',
      'type=AVC msg=audit(0.000:2): avc:  denied  { read } for  n=1',
    ]);
  });

  it('the audit header carries seconds and truncated milliseconds, as audit_log_start prints them', () => {
    expect(formatAuditRecord(1_234_999_999, 5, 'avc:  x')).toBe('type=AVC msg=audit(1.234:5): avc:  x');
    expect(formatAuditRecord(86_400_045_900_000, 45, 'y', 'SELINUX_ERR')).toBe('type=SELINUX_ERR msg=audit(86400.045:45): y');
    expect(formatAuditRecord(999_999, 1, 'z')).toBe('type=AVC msg=audit(0.000:1): z');
  });
});
