/*
 * Runs a sweep's share of the grid on worker threads and hands back the rows
 * in grid order, whatever order the workers finish in.
 *   runSweep(scriptPath, share, runs, jobs, onRow, onDone)   resolves when every row is out
 * jobs = 1 runs in this thread (no worker); more start that many workers
 * (cli/sweep/worker.ts), each given one run at a time, so at most `jobs`
 * rows ever wait for an earlier one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OperationError } from '../errors.js';
import type { GridRun } from './grid.js';
import { sweepRun, type SweepRow } from './row.js';
import type { SweepWorkerInput, SweepWorkerReply } from './worker.js';

export const MAX_JOBS = 64;

/** The compiled worker: this folder's worker.js in dist/, or the bundle itself (cli/main.ts dispatches). */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/cli/sweep/worker.js', here);
  return here.endsWith('/pool.js') ? new URL('./worker.js', here) : new URL(here);
}

export async function runSweep(
  scriptPath: string, share: readonly GridRun[], runs: number, jobs: number,
  onRow: (row: SweepRow) => void, onDone: (done: number) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-sweep-'));
  try {
    if (jobs <= 1) {
      for (const run of share) {
        onRow(await sweepRun(scriptPath, run, runs, dir));
        onDone(run.index);
      }
      return;
    }
    await inWorkers(scriptPath, share, runs, Math.min(jobs, share.length), dir, onRow, onDone);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function inWorkers(
  scriptPath: string, share: readonly GridRun[], runs: number, jobs: number, dir: string,
  onRow: (row: SweepRow) => void, onDone: (done: number) => void,
): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    const waiting = new Map<number, SweepRow>();
    const workers: Worker[] = [];
    let nextToStart = 0;
    let nextToEmit = 0;
    let failed = false;
    const stopAll = (): void => { for (const w of workers) void w.terminate(); };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(e);
    };
    const give = (w: Worker): void => {
      if (nextToStart >= share.length) return;
      w.postMessage({ run: share[nextToStart++]! });
    };
    for (let i = 0; i < jobs; i++) {
      const input: SweepWorkerInput = { kind: 'mksim-sweep', scriptPath, runs, dir };
      const w = new Worker(workerUrl(), { workerData: input });
      workers.push(w);
      w.on('message', (m: SweepWorkerReply) => {
        if (failed) return;
        if ('failure' in m) { fail(new OperationError(`sweep: run ${m.index} failed: ${m.failure}`)); return; }
        waiting.set(m.row.index, m.row);
        onDone(m.row.index);
        // Rows leave in grid order: each waits for the ones before it in this share.
        while (nextToEmit < share.length && waiting.has(share[nextToEmit]!.index)) {
          const idx = share[nextToEmit++]!.index;
          onRow(waiting.get(idx)!);
          waiting.delete(idx);
        }
        if (nextToEmit === share.length) {
          stopAll();
          resolvePromise();
        } else give(w);
      });
      w.on('error', (e) => fail(new OperationError(`sweep: a worker failed: ${e.message}`)));
      w.on('exit', (code) => { if (!failed && nextToEmit < share.length && code !== 0) fail(new OperationError(`sweep: a worker exited (${code})`)); });
      give(w);
    }
  });
}
