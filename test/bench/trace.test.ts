/*
 * `mksim bench trace` runs the shipped trace commands and reports their figures
 * (a small trace here: the figures' shape, not their size, is under test).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../support/browser.js';
import { MKSIM } from '../support/mksim.js';

describe('mksim bench trace', () => {
  it('reports min <= median <= max of export time and peak memory for each format (timeline too), stats, and the timeline viewer\'s first paint, last message and heap', () => {
    const r = spawnSync(process.execPath, [MKSIM, 'bench', 'trace', '--json'], { encoding: 'utf8', env: { ...process.env, MKSIM_BENCH_TRACE_MESSAGES: '3000', MKSIM_BENCH_TRACE_RUNS: '2', MKSIM_BENCH_VIEWER_MESSAGES: '3000' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(result.bench).toBe('trace');
    expect(result.messages).toBeGreaterThanOrEqual(3000);
    for (const figure of ['chromeSecPerMillion', 'perfettoSecPerMillion', 'mermaidSecPerMillion', 'statsSecPerMillionRecords', 'chromeMaxRssMB', 'perfettoMaxRssMB', 'statsMaxRssMB',
      'timelineSecPerMillion', 'timelineMaxRssMB', ...(existsSync(CHROMIUM) ? ['viewer3kFirstPaintMs', 'viewer3kLastMessageMs', 'viewer3kHeapMB'] : [])]) {
      const [min, median, max] = ['Min', 'Median', 'Max'].map((s) => result[figure + s] as number);
      expect(min).toBeGreaterThan(0);
      expect(min).toBeLessThanOrEqual(median!);
      expect(median).toBeLessThanOrEqual(max!);
    }
    expect(result.perfettoOutputMB).toBeLessThan(result.chromeOutputMB as number);
    if (existsSync(CHROMIUM)) expect(result.viewer3kRuns).toBe(2);
  }, 240_000);
});
