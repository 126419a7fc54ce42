/*
 * The VM server's `vm` trace records and the `trace stats` rows built from
 * them: the counts per process equal what vmstat printed.
 */
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { TraceStats } from '../../../cli/trace/stats.js';
import type { TraceRecord } from '../../../kernel/index.js';

describe('vm trace records', () => {
  it('trace stats counts faults, evictions, swap traffic and copies per process, as vmstat does', () => {
    const script = [
      'disk disk1 size=1M model=ramdisk', 'vm frames=4 replacement=lru swap=disk1',
      'process init uid=0', '    brk 32K', '    ref --write 0 1 2 3 4 5', '    spawn kid', '    wait kid', '    ref 0 1', '    vmstat',
      'process kid', '    ref --write 6 7', '    vmstat',
    ].join('\n') + '\n';
    const records: TraceRecord[] = [];
    const system = buildSystem(parseBootScript(script, 't.boot'), { seed: 1, scriptPath: 't.boot' }, (k) => { k.trace.trace$.subscribe((r) => records.push(r)); });
    system.kernel.run();
    system.close();
    const stats = new TraceStats();
    for (const r of records) stats.add(r);
    const rows = stats.result().vm;
    const printed = system.report.output.map((l) => /^(\w+): vmstat: faults=(\d+) evictions=(\d+) swapins=(\d+) swapouts=(\d+)/.exec(l)!);
    expect(printed.map((m) => m[1])).toEqual(['kid', 'init']);
    for (const m of printed) {
      const row = rows.find((r) => r.process === m[1])!;
      expect([row.faults, row.evictions, row.swapins, row.swapouts]).toEqual([Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
    }
    // init wrote 6 pages into 4 frames (2 page-outs), read back pages 0 and 1 (2 page-ins).
    expect(rows.find((r) => r.process === 'init')).toMatchObject({ faults: 8, swapins: 2 });
    expect(records.filter((r) => r.ev === 'vm').map((r) => r.op)).toEqual(expect.arrayContaining(['fault', 'map', 'evict', 'swapout', 'swapin', 'fork']));
  });
});
