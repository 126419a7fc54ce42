/*
 * Benchmark `trace`: the trace tools on a synthetic trace (bench/trace-synth.ts):
 * export throughput and peak memory per format (timeline too), `trace stats` throughput,
 * and the timeline viewer in headless Chromium (bench/trace-viewer.ts).
 *   traceBenchmark   { messages, records, traceMB, <format>SecPerMillion{Min,Median,Max}, <format>MaxRssMB{Min,Median,Max}, ...,
 *                      viewer<size>{FirstPaintMs,LastMessageMs,HeapMB,BuffersMB}{Min,Median,Max} }
 * Each run is the shipped command in a child process (its peak RSS is its own,
 * reported by the command when MKSIM_REPORT_MAXRSS=1), RUNS times, so min,
 * median and max show the machine's noise. MKSIM_BENCH_TRACE_MESSAGES sets the size,
 * MKSIM_BENCH_TRACE_RUNS the runs (3). MKSIM_BENCH_VIEWER_MESSAGES the viewer's trace sizes
 * (comma-separated; 100000,1000000,10000000), MKSIM_BENCH_VIEWER_RUNS its runs per size (the
 * trace runs), MKSIM_BENCH_VIEWER_RUNS_10M those at 10 M and more (2: each opens 10 M messages).
 * MKSIM_BENCH_TRACE_FORMATS picks the commands (chrome,perfetto,mermaid,timeline,stats: all).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './registry.js';
import { writeSyntheticTrace } from './trace-synth.js';
import { viewerFigures } from './trace-viewer.js';

const DEFAULT_MESSAGES = 200_000;
const DEFAULT_RUNS = 3;
const DEFAULT_VIEWER_MESSAGES = '100000,1000000,10000000';
const DEFAULT_VIEWER_RUNS_10M = 2;
const FORMATS = ['chrome', 'perfetto', 'mermaid'] as const;

interface Run {
  readonly sec: number;
  readonly maxRssMB: number;
}

/** The mksim command this process was started as (the bundle's launcher). */
function mksimPath(): string {
  const script = process.argv[1];
  if (script === undefined || !/mksim(\.bundle)?\.cjs$/.test(script)) throw new Error('bench trace runs the shipped command: start it as `mksim bench trace`');
  return script;
}

function runOnce(args: string[]): Run {
  const started = performance.now();
  const r = spawnSync(process.execPath, [mksimPath(), ...args], { env: { ...process.env, MKSIM_REPORT_MAXRSS: '1' }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const sec = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`bench trace: mksim ${args.join(' ')} failed: ${r.stderr.slice(0, 500)}`);
  const rss = /maxRSS=(\d+)/.exec(r.stderr);
  if (rss === null) throw new Error('bench trace: the command did not report its peak memory');
  return { sec, maxRssMB: Math.round(Number(rss[1]) / 1024) };
}

/** A size as the figures name it: 100k, 1M, 10M. */
function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

function positiveInt(name: string, fallback: string, max: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!(Number.isSafeInteger(v) && v > 0 && v <= max)) throw new Error(`${name} must be an integer 1..${max}`);
  return v;
}

function du(path: string): number {
  let bytes = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) bytes += e.isDirectory() ? du(join(path, e.name)) : statSync(join(path, e.name)).size;
  return bytes;
}

function spread(name: string, values: number[], digits: number): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
  return { [`${name}Min`]: round(sorted[0]!), [`${name}Median`]: round(sorted[Math.floor(sorted.length / 2)]!), [`${name}Max`]: round(sorted[sorted.length - 1]!) };
}

export const traceBenchmark: Benchmark = {
  name: 'trace',
  description: 'trace tools on a synthetic trace: export seconds per million messages and peak RSS (MB) for chrome, perfetto, mermaid, timeline, and trace stats; the timeline viewer\'s time to first paint, to its last message and JS heap in headless Chromium at 100 k, 1 M, 10 M messages; several runs each (min/median/max)',
  async run(): Promise<BenchResult> {
    const messagesWanted = Number(process.env.MKSIM_BENCH_TRACE_MESSAGES ?? DEFAULT_MESSAGES);
    if (!(Number.isSafeInteger(messagesWanted) && messagesWanted > 0)) throw new Error('MKSIM_BENCH_TRACE_MESSAGES must be a positive integer');
    const runs = Number(process.env.MKSIM_BENCH_TRACE_RUNS ?? DEFAULT_RUNS);
    if (!(Number.isSafeInteger(runs) && runs > 0 && runs <= 50)) throw new Error('MKSIM_BENCH_TRACE_RUNS must be an integer 1..50');
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bench-trace-'));
    try {
      const trace = join(dir, 'trace.jsonl');
      const made = writeSyntheticTrace(trace, { messages: messagesWanted });
      const perMillion = 1e6 / made.messages;
      const result: Record<string, number | string> = { bench: 'trace', messages: made.messages, records: made.records, traceMB: Math.round(made.bytes / 1e6) };
      const picked = new Set((process.env.MKSIM_BENCH_TRACE_FORMATS ?? [...FORMATS, 'timeline', 'stats'].join(',')).split(','));
      for (const format of FORMATS.filter((f) => picked.has(f))) {
        const out = join(dir, `out.${format}`);
        const timed = Array.from({ length: runs }, () => runOnce(['trace', 'export', trace, '--format', format, '-o', out]));
        Object.assign(result, spread(`${format}SecPerMillion`, timed.map((r) => r.sec * perMillion), 1));
        Object.assign(result, spread(`${format}MaxRssMB`, timed.map((r) => r.maxRssMB), 0));
        result[`${format}OutputMB`] = Math.round(statSync(out).size / 1e5) / 10;
      }
      // The timeline export writes a directory (chunks, spans, search sidecars).
      const tl = join(dir, 'out.timeline');
      if (picked.has('timeline')) {
        const timed = Array.from({ length: runs }, () => { rmSync(tl, { recursive: true, force: true }); return runOnce(['trace', 'export', trace, '--format', 'timeline', '-o', tl]); });
        Object.assign(result, spread('timelineSecPerMillion', timed.map((r) => r.sec * perMillion), 1));
        Object.assign(result, spread('timelineMaxRssMB', timed.map((r) => r.maxRssMB), 0));
        result.timelineOutputMB = Math.round(du(tl) / 1e5) / 10;
      }
      if (picked.has('stats')) {
        const stats = Array.from({ length: runs }, () => runOnce(['trace', 'stats', trace]));
        Object.assign(result, spread('statsSecPerMillionRecords', stats.map((r) => r.sec * (1e6 / made.records)), 1));
        Object.assign(result, spread('statsMaxRssMB', stats.map((r) => r.maxRssMB), 0));
      }
      rmSync(trace, { force: true });
      rmSync(tl, { recursive: true, force: true });
      const viewerRuns = positiveInt('MKSIM_BENCH_VIEWER_RUNS', String(runs), 50);
      const viewerRuns10M = positiveInt('MKSIM_BENCH_VIEWER_RUNS_10M', String(DEFAULT_VIEWER_RUNS_10M), 50);
      for (const size of (process.env.MKSIM_BENCH_VIEWER_MESSAGES ?? DEFAULT_VIEWER_MESSAGES).split(',')) {
        const n = Number(size);
        if (!(Number.isSafeInteger(n) && n > 0)) throw new Error('MKSIM_BENCH_VIEWER_MESSAGES must be positive integers, comma-separated');
        const v = await viewerFigures(n, n >= 1e7 ? viewerRuns10M : viewerRuns);
        const label = `viewer${sizeLabel(n)}`;
        if (typeof v === 'string') {
          result.viewer = `skipped: ${v}`;
          break;
        }
        result[`${label}Messages`] = v.messages;
        result[`${label}Runs`] = v.firstPaintMs.length;
        Object.assign(result, spread(`${label}FirstPaintMs`, v.firstPaintMs, 0));
        Object.assign(result, spread(`${label}LastMessageMs`, v.lastMessageMs, 0));
        Object.assign(result, spread(`${label}HeapMB`, v.heapMB, 1));
        Object.assign(result, spread(`${label}BuffersMB`, v.buffersMB, 1));
      }
      return result as BenchResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
