/*
 * File-backed private mappings: VM reads the file through the FS, as a client
 * (MINIX 3's VM asks VFS: VM_VFS_MMAP / mmap_file). The caller has opened
 * the file for reading first (lib/syscalls/vm.ts mmap), so the FS checked
 * its permissions (DAC and MAC read/open); VM then reads it as itself.
 *   readFileSource(s, path, bytes)   yield*: { path, context, bytes } (the file's first `bytes`), or -errno
 */
import { NONE, type KernelCall } from '../../kernel/index.js';
import { readFile } from '../../lib/syscalls/fs.js';
import { getfilecon } from '../../lib/syscalls/security.js';
import { UserProcess } from '../../lib/user/process.js';
import type { FileSource } from './region.js';
import type { VmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* readFileSource(s: VmState, path: string, bytes: number): Gen<FileSource | number> {
  // The system-call library over VM's own context: VM is the FS's client here.
  const client = new UserProcess(s.ctx);
  const data = yield* readFile(client, path);
  if (typeof data === 'number') return data;
  const context = s.ctx.endpointOf('security') === NONE ? null : yield* getfilecon(client, path);
  return { path, context: typeof context === 'string' ? context : null, bytes: data.slice(0, bytes) };
}
