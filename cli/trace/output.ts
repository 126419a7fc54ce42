/*
 * Where the trace commands write: stdout or a file, with backpressure, so a
 * large trace streams instead of piling up in memory.
 *   openOutput(path | undefined)   -> Output { write(text), close() }
 * A closed pipe (`mksim trace big.jsonl | head`) ends the output quietly.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { OperationError } from '../errors.js';

export interface Output {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  /** True once the reader went away (EPIPE): stop producing. */
  readonly closed: boolean;
  readonly isTTY: boolean;
}

export function openOutput(path: string | undefined): Output {
  const stream: NodeJS.WritableStream & { isTTY?: boolean } = path === undefined ? process.stdout : createWriteStream(path);
  let closed = false;
  let failure: Error | null = null;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure = new OperationError(`cannot write ${path ?? 'standard output'}: ${err.code ?? err.message}`);
  });
  const check = (): void => {
    if (failure !== null) throw failure;
  };
  return {
    get closed() {
      return closed;
    },
    isTTY: path === undefined && stream.isTTY === true,
    async write(text) {
      check();
      if (closed) return;
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'error')]).catch(() => undefined);
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
