/*
 * Benchmark `trace`: the trace tools on a synthetic trace (bench/trace-synth.ts):
 * export throughput and peak memory per format, and `trace stats` throughput.
 *   traceBenchmark   { messages, records, traceMB, <format>SecPerMillion{Min,Median,Max}, <format>MaxRssMB{Min,Median,Max}, ... }
 * Each run is the shipped command in a child process (its peak RSS is its own,
 * reported by the command when MKSIM_REPORT_MAXRSS=1), RUNS times, so min,
 * median and max show the machine's noise. MKSIM_BENCH_TRACE_MESSAGES sets the size,
 * MKSIM_BENCH_TRACE_RUNS the runs (3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './registry.js';
import { writeSyntheticTrace } from './trace-synth.js';

const DEFAULT_MESSAGES = 200_000;
const DEFAULT_RUNS = 3;
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

function spread(name: string, values: number[], digits: number): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
  return { [`${name}Min`]: round(sorted[0]!), [`${name}Median`]: round(sorted[Math.floor(sorted.length / 2)]!), [`${name}Max`]: round(sorted[sorted.length - 1]!) };
}

export const traceBenchmark: Benchmark = {
  name: 'trace',
  description: 'trace tools on a synthetic trace: export seconds per million messages and peak RSS (MB) for chrome, perfetto, mermaid, and trace stats, several runs each (min/median/max)',
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
      for (const format of FORMATS) {
        const out = join(dir, `out.${format}`);
        const timed = Array.from({ length: runs }, () => runOnce(['trace', 'export', trace, '--format', format, '-o', out]));
        Object.assign(result, spread(`${format}SecPerMillion`, timed.map((r) => r.sec * perMillion), 1));
        Object.assign(result, spread(`${format}MaxRssMB`, timed.map((r) => r.maxRssMB), 0));
        result[`${format}OutputMB`] = Math.round(statSync(out).size / 1e5) / 10;
      }
      const stats = Array.from({ length: runs }, () => runOnce(['trace', 'stats', trace]));
      Object.assign(result, spread('statsSecPerMillionRecords', stats.map((r) => r.sec * (1e6 / made.records)), 1));
      Object.assign(result, spread('statsMaxRssMB', stats.map((r) => r.maxRssMB), 0));
      return result as BenchResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
