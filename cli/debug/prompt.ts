/*
 * The debugger's terminal: a line reader that blocks on stdin. A break
 * happens inside the kernel's step (a trace record being published); the
 * step cannot be suspended across an `await`, so the prompt reads
 * synchronously (readSync on fd 0) while the simulation holds still.
 *   stdinLines()    { readLine(): the next line, or null at end of input }
 *   stdoutWrite(t)  write now (writeSync on fd 1), in order with the boot's output
 */
import { readSync, writeSync } from 'node:fs';

export interface LineSource {
  readLine(): string | null;
}

/** Longest line kept: the rest of a pasted megabyte is dropped. */
const MAX_LINE_CHARS = 4096;

export function stdinLines(): LineSource {
  const buf = Buffer.alloc(4096);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let pending = '';
  let eof = false;
  return {
    readLine(): string | null {
      for (;;) {
        const nl = pending.indexOf('\n');
        if (nl >= 0) {
          const line = pending.slice(0, nl).replace(/\r$/, '');
          pending = pending.slice(nl + 1);
          return line.slice(0, MAX_LINE_CHARS);
        }
        if (eof) {
          if (pending === '') return null;
          const line = pending;
          pending = '';
          return line.slice(0, MAX_LINE_CHARS);
        }
        let n: number;
        try {
          n = readSync(0, buf, 0, buf.length, null);
        } catch (e) {
          // A non-blocking stdin has nothing yet: wait a little (the user is typing).
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 20); continue; }
          eof = true;
          continue;
        }
        if (n === 0) eof = true;
        else if (pending.length < MAX_LINE_CHARS * 4) pending += buf.toString('utf8', 0, n);
      }
    },
  };
}

export function stdoutWrite(text: string): void {
  writeSync(1, text);
}
