/*
 * Where the trace commands write: stdout or a file, with backpressure, so a
 * large trace streams instead of piling up in memory.
 *   openOutput(path | undefined)   -> Output { write(text | bytes), close() }
 * A closed pipe (`mksim trace big.jsonl | head`) ends the output quietly.
 * One `error` listener for the output's life: a backpressure wait listens for
 * `drain` only, and the error listener wakes it (a listener per wait would pile up).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { OperationError } from '../errors.js';

export interface Output {
  /** Text, or bytes for a binary format (perfetto). */
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** True once the reader went away (EPIPE): stop producing. */
  readonly closed: boolean;
  readonly isTTY: boolean;
}

export function openOutput(path: string | undefined): Output {
  const stream: NodeJS.WritableStream & { isTTY?: boolean } = path === undefined ? process.stdout : createWriteStream(path);
  let closed = false;
  let failure: Error | null = null;
  /** Wakes the pending backpressure wait, if any. */
  let wake: (() => void) | null = null;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure = new OperationError(`cannot write ${path ?? 'standard output'}: ${err.code ?? err.message}`);
    wake?.();
  });
  const drained = (): Promise<void> => new Promise<void>((resolve) => {
    const done = (): void => {
      stream.removeListener('drain', done);
      wake = null;
      resolve();
    };
    wake = done;
    stream.once('drain', done);
  });
  const check = (): void => {
    if (failure !== null) throw failure;
  };
  return {
    get closed() {
      return closed;
    },
    isTTY: path === undefined && stream.isTTY === true,
    async write(chunk) {
      check();
      if (closed) return;
      if (!stream.write(chunk)) await drained();
      check();
    },
    async close() {
      check();
      if (path !== undefined) {
        const file = stream as WriteStream;
        await new Promise<void>((resolve) => file.end(resolve));
        check();
      }
    },
  };
}
