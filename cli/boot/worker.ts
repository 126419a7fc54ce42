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
import type { CodeWatch } from '../../lib/plugin/watch.js';

const MAX_PUBLISHED_NAME_BYTES = 64;
/** Layout of the shared buffer: name length (Int32), virtual time (Float64), the name's UTF-8 bytes. */
const NAME_LENGTH_AT = 0;
const NOW_NS_AT = 8;
const NAME_AT = 16;
/** Students' code (lib/plugin/watch.ts): the file id running now (0: none) and a count of entries into it. */
const WATCH_FILE_AT = NAME_AT + MAX_PUBLISHED_NAME_BYTES;
const WATCH_SEQ_AT = WATCH_FILE_AT + 4;
const SHARED_BYTES = WATCH_SEQ_AT + 4;
/** How often the command's thread looks at the worker's student-code brackets. */
const STALL_POLL_MS = 50;
/** The default --stall-limit: one call into student code (a program's step, a policy call) that runs this long is a loop. */
export const DEFAULT_STALL_LIMIT_NS = 10e9;

interface WorkerInput {
  readonly kind: 'mksim-boot';
  readonly scriptPath: string;
  readonly opts: BootCommandOptions;
  readonly debug: boolean;
  readonly shared: SharedArrayBuffer;
}

type WorkerOutput = { readonly stream: 'out' | 'err'; readonly line: string } | { readonly done: number } | { readonly started: true }
  | { readonly fileId: number; readonly path: string };

/** The compiled worker: this file in dist/ (under vitest the source is .ts, which a worker cannot load). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/cli/boot/worker.js', here) : new URL(here);
}

export function bootInWorker(
  scriptPath: string, opts: BootCommandOptions, wallLimitNs: number | undefined, debug: boolean,
  out: (line: string) => void, err: (line: string) => void, stallLimitNs = DEFAULT_STALL_LIMIT_NS,
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
      clearInterval(stallTimer);
      resolvePromise(code);
    };
    const stop = (why: (name: string | null, nowNs: number) => string): void => {
      if (settled) return;
      clearInterval(stallTimer);
      void worker.terminate().then(() => {
        // Lines the worker sent before it was stopped are delivered before this runs.
        setImmediate(() => {
          const { name, nowNs } = readPublished(shared);
          err(why(name, nowNs));
          finish(1);
        });
      });
    };
    // Students' code: the same call into one file still running after the stall limit is a loop
    // that no step budget can see (a `for (;;) {}` never yields to the kernel).
    const files = new Map<number, string>();
    const watchView = new Int32Array(shared, WATCH_FILE_AT, 2);
    let seen = { fileId: 0, seq: -1, sinceMs: 0 };
    let polledMs = 0;
    const stallTimer = setInterval(() => {
      polledMs += STALL_POLL_MS;
      const fileId = Atomics.load(watchView, 0);
      const seq = Atomics.load(watchView, 1);
      if (fileId === 0 || fileId !== seen.fileId || seq !== seen.seq) { seen = { fileId, seq, sinceMs: polledMs }; return; }
      if ((polledMs - seen.sinceMs) * 1e6 < stallLimitNs) return;
      const file = files.get(fileId) ?? 'a program or policy';
      stop((name, nowNs) => `mksim: ${file} ran for ${formatLimit(stallLimitNs)} of wall-clock time without returning (an endless loop?)`
        + `${name === null ? '' : ` in ${name}`} at virtual time ${(nowNs / 1e6).toFixed(3)} ms; the simulation was stopped (--stall-limit)`);
    }, STALL_POLL_MS);
    const limitMs = Math.max(1, Math.ceil((wallLimitNs ?? 0) / 1e6));
    // The clock starts when the worker has loaded the simulator: the limit is the run's, not Node's start-up.
    let timer: NodeJS.Timeout | undefined;
    const startTimer = (): NodeJS.Timeout | undefined => (wallLimitNs === undefined ? undefined : setTimeout(() => {
      stop((name, nowNs) => `mksim: wall-clock limit ${opts.wallLimit} reached; ${name === null ? 'no process had run yet' : `${name} was running`}`
        + ` (virtual time ${(nowNs / 1e6).toFixed(3)} ms); the simulation was stopped`);
    }, limitMs));
    worker.on('message', (m: WorkerOutput) => {
      if ('started' in m) timer = startTimer();
      else if ('fileId' in m) files.set(m.fileId, m.path);
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

function formatLimit(ns: number): string {
  return ns % 1e9 === 0 ? `${ns / 1e9}s` : `${ns / 1e6}ms`;
}

/** The worker's CodeWatch: brackets in shared memory, file names sent to the command's thread once each. */
function sharedWatch(shared: SharedArrayBuffer, send: (m: WorkerOutput) => void): CodeWatch {
  const view = new Int32Array(shared, WATCH_FILE_AT, 2);
  const ids = new Map<string, number>();
  return {
    fileId(path) {
      let id = ids.get(path);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(path, id);
        send({ fileId: id, path });
      }
      return id;
    },
    enter(id) {
      const previous = view[0]!;
      view[1] = view[1]! + 1;
      Atomics.store(view, 0, id);
      return previous;
    },
    leave(previous) {
      view[1] = view[1]! + 1;
      Atomics.store(view, 0, previous);
    },
  };
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
    }, undefined, sharedWatch(input.shared, send));
  } catch (e) {
    // As cli/main.ts reports an error of the in-thread run.
    send({ stream: 'err', line: formatError(e, input.debug) });
    code = exitCodeFor(e);
  }
  send({ done: code });
}

const input = isMainThread ? undefined : (workerData as Partial<WorkerInput> | undefined);
if (input?.kind === 'mksim-boot') void workerMain(input as WorkerInput);

