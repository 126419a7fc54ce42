/*
 * Following a trace that a run is still writing, as `tail -f` does (`mksim trace FILE --follow`).
 *   followTrace(path, { signal, pollMs })   async iterator of records; yields null each time it
 *                                           has caught up with the writer (the caller flushes then)
 * A last line without its newline is the writer mid-line: it is kept until the rest
 * arrives, never parsed early. A file that shrinks was started over (a new run): it
 * is read again from the start with a note on standard error. Ends when the signal
 * aborts (Ctrl-C); polling the size is the portable way (fs.watch misses appends on
 * some file systems), and each wait is one poll period, so nothing spins.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { TraceRecord } from '../../kernel/index.js';
import { OperationError } from '../errors.js';
import { TraceParser } from './reader.js';

export interface FollowOptions {
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly onNote?: (text: string) => void;
}

const READ_BYTES = 1 << 20;
/** A partial line longer than this is not a trace record. */
const MAX_PARTIAL_CHARS = 1 << 26;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function* followTrace(path: string, options: FollowOptions): AsyncGenerator<TraceRecord | null, void, undefined> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 100;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new OperationError(`cannot read trace ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const buf = Buffer.allocUnsafe(READ_BYTES);
  let offset = 0;
  let parser = new TraceParser(path);
  // Bytes of a line not yet ended, kept as bytes so a UTF-8 character split across reads stays whole.
  let partial = Buffer.alloc(0);
  try {
    while (!signal.aborted) {
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        size = fstatSync(fd).size;
      }
      if (size < offset) {
        options.onNote?.(`mksim: ${path} shrank (a new run?): reading it from the start`);
        closeSync(fd);
        fd = openSync(path, 'r');
        offset = 0;
        partial = Buffer.alloc(0);
        parser = new TraceParser(path);
      }
      if (size === offset) {
        yield null;
        await sleep(pollMs, signal);
        continue;
      }
      const n = readSync(fd, buf, 0, Math.min(READ_BYTES, size - offset), offset);
      if (n === 0) {
        yield null;
        await sleep(pollMs, signal);
        continue;
      }
      offset += n;
      const data = partial.length > 0 ? Buffer.concat([partial, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNl = data.lastIndexOf(10);
      if (lastNl < 0) {
        partial = Buffer.from(data);
        if (partial.length > MAX_PARTIAL_CHARS) throw parser.tooLong(partial.subarray(0, 200).toString('utf8'));
        continue;
      }
      const text = data.subarray(0, lastNl).toString('utf8');
      partial = Buffer.from(data.subarray(lastNl + 1));
      for (const line of text.split('\n')) {
        const rec = parser.next(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (rec !== null) yield rec;
      }
    }
  } finally {
    closeSync(fd);
  }
}
