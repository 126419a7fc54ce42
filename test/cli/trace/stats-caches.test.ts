import { describe, expect, it } from 'vitest';
import { exportTrace, statsTrace } from '../../../cli/commands/trace.js';
import { HtmlExport } from '../../../cli/trace/html.js';
import type { ChromeEvent } from '../../../cli/trace/chrome.js';
import type { StatsResult } from '../../../cli/trace/stats.js';
import type { TraceRecord } from '../../../kernel/index.js';
import { collectOutput, tempTrace } from './helpers.js';

/** Buffer cache: 3 hits, 1 miss (75%). AVC: 1 hit, 3 misses (25%). Mixed, they would read 50%. */
function mixedCaches(): TraceRecord[] {
  const ops: [string | null, string][] = [
    [null, 'hit'], ['avc', 'miss'], [null, 'hit'], ['avc', 'miss'], [null, 'miss'], ['avc', 'hit'], [null, 'hit'], ['avc', 'miss'], ['avc', 'flush'],
  ];
  const recs: TraceRecord[] = [{ seq: 1, t: 0, ev: 'header', format: 'mksim-trace', version: 1 }];
  ops.forEach(([cache, op], i) => recs.push({ seq: i + 2, t: (i + 1) * 100, ev: 'cache', proc: 'fs', ...(cache ? { cache } : {}), op, block: i }));
  return recs;
}

describe('the buffer cache and the AVC keep separate hit ratios (issue 19 item 3)', () => {
  const path = tempTrace(mixedCaches());

  it('trace stats --json', async () => {
    const r = JSON.parse(await statsTrace(path, { json: true })) as StatsResult;
    expect(r.cache).toEqual({ hits: 3, misses: 1, evictions: 0, flushes: 0, hitRatio: 0.75 });
    expect(r.avcCache).toEqual({ hits: 1, misses: 3, flushes: 1, hitRatio: 0.25 });
  });

  it('trace stats prints both ratios', async () => {
    const text = await statsTrace(path, {});
    expect(text).toMatch(/buffer cache hit ratio\s+75\.0%/);
    expect(text).toMatch(/AVC cache hit ratio\s+25\.0%/);
  });

  it('Chrome JSON: one named counter per cache', async () => {
    const out = collectOutput();
    await exportTrace(path, { format: 'chrome' }, out);
    const events = (JSON.parse(out.text()) as { traceEvents: ChromeEvent[] }).traceEvents.filter((e) => e.ph === 'C');
    const last = (name: string): unknown => events.filter((e) => e.name === name).at(-1)?.args?.['hit ratio'];
    expect(last('buffer cache')).toBe(0.75);
    expect(last('AVC')).toBe(0.25);
    for (const e of events) expect(e.cat).toBe('mksim');
  });

  it('the HTML plot shows the buffer cache only', () => {
    const h = new HtmlExport();
    for (const r of mixedCaches()) h.add(r);
    const series = h.viewerData().cache;
    expect(series.map((p) => p[0])).toEqual([100, 300, 500, 700]);
    expect(series.at(-1)![1]).toBe(0.75);
  });
});
