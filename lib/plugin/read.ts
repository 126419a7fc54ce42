/*
 * A student's module file is checked before esbuild reads it: a regular file
 * of bounded size only, so a path naming a FIFO, a device or a directory is
 * refused, not hung on (stat does not open the file).
 *   checkModuleFile(path, maxBytes, shown)   throws a ModuleFileError naming the cause
 */
import { statSync } from 'node:fs';

/** A user's mistake about a file (missing, not regular, too large): exit 2 with the message. */
export class ModuleFileError extends Error {
  readonly userFacing = true as const;
  readonly exitCode = 2;
}

export function checkModuleFile(path: string, maxBytes: number, shown: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ModuleFileError(`${shown} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ModuleFileError) throw err;
    throw new ModuleFileError(`cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (size > maxBytes) throw new ModuleFileError(`${shown} has ${size} bytes, more than ${maxBytes}`);
}
