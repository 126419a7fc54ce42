/*
 * A sweep's worker thread: takes one grid run at a time from the pool
 * (cli/sweep/pool.ts) and answers with its row.
 *   SweepWorkerInput / SweepWorkerReply   the messages
 * Started with workerData.kind 'mksim-sweep'; in the bundle cli/main.ts
 * loads this module on a worker thread, which then serves only if the kind is its own.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { GridRun } from './grid.js';
import type { SweepRow } from './row.js';

export interface SweepWorkerInput {
  readonly kind: 'mksim-sweep';
  readonly scriptPath: string;
  readonly runs: number;
  readonly dir: string;
}

export type SweepWorkerReply = { readonly row: SweepRow } | { readonly index: number; readonly failure: string };

async function serve(input: SweepWorkerInput): Promise<void> {
  const port = parentPort!;
  // Loaded here: the pool's thread never needs the simulator to start a worker.
  const { sweepRun } = await import('./row.js');
  port.on('message', (m: { run: GridRun }) => {
    sweepRun(input.scriptPath, m.run, input.runs, input.dir).then(
      (row) => port.postMessage({ row } satisfies SweepWorkerReply),
      (e: unknown) => port.postMessage({ index: m.run.index, failure: e instanceof Error ? e.message : String(e) } satisfies SweepWorkerReply),
    );
  });
}

const input = isMainThread ? undefined : (workerData as Partial<SweepWorkerInput> | undefined);
if (input?.kind === 'mksim-sweep') void serve(input as SweepWorkerInput);
