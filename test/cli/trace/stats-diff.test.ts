import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTrace, statsTrace } from '../../../cli/commands/trace.js';
import { percentile, type StatsResult } from '../../../cli/trace/stats.js';
import { runFixtureSystem } from './fixture-system.js';
import { FIXTURES, tempTrace } from './helpers.js';

const SMALL = join(FIXTURES, 'small.jsonl');

describe('mksim trace stats', () => {
  it('counts messages per pair and type, latencies per request type, cache, disk, AVC and timers', async () => {
    const r = JSON.parse(await statsTrace(SMALL, { json: true })) as StatsResult;
    expect(r.messages.total).toBe(60);
    expect(r.messages.byPair[0]).toEqual({ src: 'disk', dst: 'fs', count: 10 });
    expect(r.messages.byType.find((t) => t.type === 'READ')!.count).toBe(12);
    const read = r.latency.find((l) => l.type === 'READ')!;
    expect(read.count).toBe(12);
    expect(read.p50Ns).toBe(397_780);
    expect(read.maxNs).toBe(587_520);
    expect(r.cache).toEqual({ hits: 1, misses: 10, evictions: 7, flushes: 0, hitRatio: 1 / 11 });
    expect(r.disk.requests).toBe(10);
    expect(r.disk.seekNsTotal).toBe(r.disk.cylindersTotal * 20_000);
    expect(r.avc).toEqual({ records: 1, denials: 1 });
    expect(r.timers.fired).toBe(1);
  });

  it('prints aligned tables', async () => {
    const text = await statsTrace(SMALL, {});
    expect(text).toContain('Round-trip latency per request type');
    const rows = text.split('\n').filter((l) => /^(READ|DEV_READ) /.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Right-aligned numbers: the columns end at the same place on every row.
    const header = text.split('\n').find((l) => l.startsWith('request'))!;
    for (const row of rows.filter((r) => r.includes('µs'))) expect(row.length).toBe(header.length);
  });

  it('takes the same filters as the view', async () => {
    const r = JSON.parse(await statsTrace(SMALL, { json: true, actor: ['bob'] })) as StatsResult;
    expect(r.messages.byPair.every((p) => p.src === 'bob' || p.dst === 'bob')).toBe(true);
  });

  it('percentiles use the nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('mksim trace diff', () => {
  it('identical runs are identical', async () => {
    const a = tempTrace(runFixtureSystem({ seed: 5 }));
    const b = tempTrace(runFixtureSystem({ seed: 5 }));
    const { text, identical } = await diffTrace(a, b, {});
    expect(identical).toBe(true);
    expect(text).toMatch(/The records are identical \(\d+ records\)/);
  });

  it('shows the first divergence with context, the header change and how the statistics moved', async () => {
    const a = tempTrace(runFixtureSystem({ seed: 5, cacheBlocks: 1 }), 'small-cache.jsonl');
    const b = tempTrace(runFixtureSystem({ seed: 5, cacheBlocks: 8 }), 'big-cache.jsonl');
    const { text, identical } = await diffTrace(a, b, { context: '2' });
    expect(identical).toBe(false);
    expect(text).toMatch(/config\.cacheBlocks\s+1\s+8/);
    expect(text).toMatch(/First divergence at record \d+/);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('A '));
    expect(lines[at + 1]).toMatch(/^- /);
    expect(lines.filter((l) => l.startsWith('+ ')).length).toBe(2);
    expect(text).toMatch(/cache hit ratio\s+\S+%\s+\S+%\s+\+[\d.]+ pt/);
  });

  it('a trace that stops early diverges where it ends', async () => {
    const full = runFixtureSystem({ seed: 2 });
    const { text } = await diffTrace(tempTrace(full), tempTrace(full.slice(0, 20)), {});
    expect(text).toContain('First divergence at record 20');
    expect(text).toContain('+ (trace ended)');
  });
});
