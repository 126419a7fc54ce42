/*
 * The trace tools on a run of several hosts: the text view names each
 * actor's host, and stats count records, messages and frames per host (with
 * message ids, which each kernel numbers on its own, kept apart by host).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';
import type { TraceRecord } from '../../kernel/index.js';
import { TraceStats } from '../../cli/trace/stats.js';
import { TraceView } from '../../cli/trace/view.js';

describe('trace tools on several hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-trace-hosts-'));
  const path = join(dir, 'net.jsonl');
  expect(bootScript('examples/network.boot', { seed: '1', trace: path }, () => {}, () => {})).toBe(0);
  const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceRecord);

  it('the view shows host/actor on messages and the host on wire records', () => {
    const view = new TraceView({ widthCols: null });
    const lines: string[] = [];
    for (const r of records) {
      view.observe(r);
      const line = view.format(r);
      if (line !== null) lines.push(line);
    }
    expect(lines.some((l) => /client\/browser +-> +client\/fs +FS_SOCKCALL/.test(l))).toBe(true);
    expect(lines.some((l) => /\[net\] server: deliver 10\.0\.0\.1:\d+ > 10\.0\.0\.2:80 tcp/.test(l))).toBe(true);
    // Replies find their requests on their own host: every sendrec reply shows its round trip.
    const replies = lines.filter((l) => / => /.test(l));
    expect(replies.length).toBeGreaterThan(10);
    for (const l of replies) expect(l).toMatch(/rtt /);
  });

  it('stats count records, messages and frames per host, and they add up', () => {
    const stats = new TraceStats();
    for (const r of records) stats.add(r);
    const result = stats.result();
    const hosts = result.hosts!;
    expect(hosts.map((h) => h.host).sort()).toEqual(['client', 'server']);
    expect(hosts.reduce((n, h) => n + h.records, 0)).toBe(records.length);
    expect(hosts.reduce((n, h) => n + h.messages, 0)).toBe(result.messages.total);
    const net = records.filter((r) => r.ev === 'net');
    for (const h of hosts) {
      expect(h.framesSent).toBe(net.filter((r) => r.host === h.host && r.op === 'send').length);
      expect(h.framesDelivered).toBe(net.filter((r) => r.host === h.host && r.op === 'deliver').length);
    }
    expect(result.messages.byPair.some((p) => p.src === 'client/fs' && p.dst === 'client/inet')).toBe(true);
  });
});
