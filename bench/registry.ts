/*
 * The benchmarks `mksim bench` knows: each measures its figure beside a
 * baseline in the same run, so ratios hold on a noisy machine.
 *   Benchmark        { name, description, run() -> one JSON-able result object }
 *   benchmarks       the list; add a line for a new benchmark module
 */
import { ipcBenchmark } from './ipc.js';
import { fsBenchmark } from './fs.js';
import { ticklessBenchmark } from './tickless.js';
import { diskBenchmark } from './disk.js';
import { vmBenchmark } from './vm.js';
import { netBenchmark } from './net.js';

export interface BenchResult {
  readonly bench: string;
  readonly [figure: string]: number | string | boolean;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Promise<BenchResult>;
}

export const benchmarks: readonly Benchmark[] = [ipcBenchmark, fsBenchmark, ticklessBenchmark, diskBenchmark, vmBenchmark, netBenchmark];
