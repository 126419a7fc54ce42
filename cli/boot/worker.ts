/*
 * `mksim boot --wall-limit D`: the same run as bootScript, in a worker thread
 * the command can stop. A program that never yields (a `while (true) {}` in
 * a generator, or a loop of commands that make no kernel call) cannot hang it.
 *   bootInWorker(path, opts, limitNs, debug, out, err)   the exit code; on expiry: exit 1
 * The worker sends each console line as a message (in order, so the output
 * is that of the in-thread run) and publishes the process it last gave the
 * CPU and the virtual time in a SharedArrayBuffer, readable after it is stopped.
 */

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { exitCodeFor, formatError } from '../errors.js';
import type { BootCommandOptions } from '../commands/boot.js';

const MAX_PUBLISHED_NAME_BYTES = 64;
/** Layout of the shared buffer: name length (Int32), virtual time (Float64), the name's UTF-8 bytes. */
const NAME_LENGTH_AT = 0;
const NOW_NS_AT = 8;
const NAME_AT = 16;
const SHARED_BYTES = NAME_AT + MAX_PUBLISHED_NAME_BYTES;

interface WorkerInput {
  readonly kind: 'mksim-boot';
  readonly scriptPath: string;
  readonly opts: BootCommandOptions;
  readonly debug: boolean;
  readonly shared: SharedArrayBuffer;
}

type WorkerOutput = { readonly stream: 'out' | 'err'; readonly line: string } | { readonly done: number } | { readonly started: true };

/** The compiled worker: this file in dist/ (under vitest the source is .ts, which a worker cannot load). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/cli/boot/worker.js', here) : new URL(here);
}

export function bootInWorker(
  scriptPath: string, opts: BootCommandOptions, wallLimitNs: number, debug: boolean,
  out: (line: string) => void, err: (line: string) => void,
): Promise<number> {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const input: WorkerInput = { kind: 'mksim-boot', scriptPath, opts, debug, shared };
  const worker = new Worker(workerUrl(), { workerData: input });
  return new Promise<number>((resolvePromise) => {
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(code);
    };
    const limitMs = Math.max(1, Math.ceil(wallLimitNs / 1e6));
    // The clock starts when the worker has loaded the simulator: the limit is the run's, not Node's start-up.
    let timer: NodeJS.Timeout | undefined;
    const startTimer = (): NodeJS.Timeout => setTimeout(() => {
      void worker.terminate().then(() => {
        // Lines the worker sent before it was stopped are delivered before this runs.
        setImmediate(() => {
          const { name, nowNs } = readPublished(shared);
          err(`mksim: wall-clock limit ${opts.wallLimit} reached; ${name === null ? 'no process had run yet' : `${name} was running`}`
            + ` (virtual time ${(nowNs / 1e6).toFixed(3)} ms); the simulation was stopped`);
          finish(1);
        });
      });
    }, limitMs);
    worker.on('message', (m: WorkerOutput) => {
      if ('started' in m) timer = startTimer();
      else if ('done' in m) finish(m.done);
      else if (m.stream === 'out') out(m.line);
      else err(m.line);
    });
    worker.on('error', (e) => {
      err(formatError(e, debug));
      finish(1);
    });
    worker.on('exit', () => finish(1));
  });
}

function readPublished(shared: SharedArrayBuffer): { name: string | null; nowNs: number } {
  const length = Atomics.load(new Int32Array(shared, NAME_LENGTH_AT, 1), 0);
  const nowNs = new Float64Array(shared, NOW_NS_AT, 1)[0]!;
  const name = length === 0 ? null : new TextDecoder().decode(new Uint8Array(shared, NAME_AT, length).slice());
  return { name, nowNs };
}

/** The worker's side: run bootScript, send its lines, publish who runs. */
async function workerMain(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const send = (m: WorkerOutput): void => port.postMessage(m);
  const lengthView = new Int32Array(input.shared, NAME_LENGTH_AT, 1);
  const nowView = new Float64Array(input.shared, NOW_NS_AT, 1);
  const nameView = new Uint8Array(input.shared, NAME_AT, MAX_PUBLISHED_NAME_BYTES);
  const encoder = new TextEncoder();
  // Loaded here, not at the top: the main thread needs none of the simulator to start a worker.
  const { bootScript } = await import('../commands/boot.js');
  send({ started: true });
  let code: number;
  try {
    code = bootScript(input.scriptPath, input.opts, (line) => send({ stream: 'out', line }), (line) => send({ stream: 'err', line }), (kernel) => {
      kernel.onDispatch = (p) => {
        const { written } = encoder.encodeInto(p.name, nameView);
        nowView[0] = kernel.nowNs;
        Atomics.store(lengthView, 0, written);
      };
    });
  } catch (e) {
    // As cli/main.ts reports an error of the in-thread run.
    send({ stream: 'err', line: formatError(e, input.debug) });
    code = exitCodeFor(e);
  }
  send({ done: code });
}

const input = isMainThread ? undefined : (workerData as Partial<WorkerInput> | undefined);
if (input?.kind === 'mksim-boot') void workerMain(input as WorkerInput);

