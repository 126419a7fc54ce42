/*
 * Host files a boot script names besides disk images (a policy, a disk model):
 * read only when they are regular files of a bounded size, so a script that
 * names /dev/zero, a directory or a FIFO is refused instead of hanging.
 *   readHostText(path, maxBytes, what)   the file's text, or a HostFileError naming the cause
 *   MAX_POLICY_BYTES, MAX_MODEL_BYTES
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** A policy.conf far larger than any course's (refpolicy's monolithic policy.conf is about 4 MiB). */
export const MAX_POLICY_BYTES = 8 * 1024 * 1024;
/** A disk model is a few hundred bytes of JSON. */
export const MAX_MODEL_BYTES = 64 * 1024;

export class HostFileError extends Error {
  readonly userFacing = true as const;
  readonly exitCode = 2;
}

export function readHostText(path: string, maxBytes: number, what: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new HostFileError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HostFileError(`${what} ${path} is not a regular file`);
    if (st.size > maxBytes) throw new HostFileError(`${what} ${path} has ${st.size} bytes, more than ${maxBytes}`);
    // Read at most maxBytes + 1 whatever the size said: a file may grow between fstat and read.
    const buffer = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buffer, got, buffer.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === buffer.length) {
        throw new HostFileError(got > maxBytes ? `${what} ${path} has more than ${maxBytes} bytes` : `${what} ${path} grew while being read`);
      }
    }
    return buffer.subarray(0, got).toString('utf8');
  } catch (err) {
    if (err instanceof HostFileError) throw err;
    throw new HostFileError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    closeSync(fd);
  }
}
