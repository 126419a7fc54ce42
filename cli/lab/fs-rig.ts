/*
 * A small system for the file-system labs: the clock, the real disk driver
 * (drivers/disk/, on an in-memory image), PM, the FS server and an init
 * written against the system-call library, run until idle.
 *   runFsLab(image, init, options)   the disk driver's program (for its statistics) after the run
 *   lcg(seed)                        the workloads' own seeded choices (not the kernel's PRNG)
 * Not a boot script: the buffer-cache and elevator labs measure a phase of a
 * program from inside it (the virtual time around one `sync`), which a script cannot.
 */
import { diskDriver, type DiskProgram } from '../../drivers/disk/main.js';
import type { SchedPolicy } from '../../drivers/disk/queue.js';
import {
  hardwareOf, Kernel, kernelTaskAccessOf, registerSystemCalls, systemPrivileges, userPrivileges, type TraceRecord,
} from '../../kernel/index.js';
import { userProgram, type UserMain } from '../../lib/user/process.js';
import { fsServer, type FsConfig } from '../../servers/fs/main.js';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { pmServer } from '../../servers/pm/main.js';
import { clockTask } from '../../tasks/clock/main.js';
import { OperationError } from '../errors.js';

export interface FsLabOptions {
  readonly config: Partial<FsConfig>;
  readonly sched?: SchedPolicy;
  readonly onRecord?: (r: TraceRecord) => void;
  /** Given the driver before the run (a workload reads its statistics mid-run). */
  readonly onDisk?: (disk: DiskProgram) => void;
}

export function runFsLab(image: Uint8Array, init: UserMain, options: FsLabOptions): DiskProgram {
  const kernel = new Kernel({ seed: 1 });
  registerSystemCalls(kernel);
  let status: number | null = null;
  kernel.onExit((p) => { if (p.name === 'init') status = (p.exitCode as number | undefined) ?? 0; });
  if (options.onRecord !== undefined) kernel.trace.trace$.subscribe(options.onRecord);
  const disk = diskDriver({ name: 'disk0', image, model: 'hp97560', blockSize: 1024, ...(options.sched !== undefined ? { sched: options.sched } : {}) }, hardwareOf(kernel));
  options.onDisk?.(disk);
  kernel.programs.set('init', userProgram(init));
  kernel.spawn({ name: 'clock', program: clockTask(kernelTaskAccessOf(kernel)), priority: 0, privileges: systemPrivileges() });
  kernel.spawn({ name: 'disk0', program: disk, priority: 1, privileges: systemPrivileges() });
  kernel.spawn({ name: 'pm', program: pmServer({ initName: 'init', initUid: 0, initGid: 0 }), priority: 3, privileges: systemPrivileges() });
  kernel.spawn({ name: 'fs', program: fsServer({ driver: 'disk0', ...options.config }), priority: 4, privileges: systemPrivileges() });
  kernel.spawn({ name: 'init', program: kernel.programs.get('init')!, priority: 7, privileges: userPrivileges() });
  kernel.run();
  disk.disk.image.close();
  if (status !== 0) throw new OperationError(`lab workload: init ended with status ${String(status)}`);
  // The lab's figures are only worth quoting from a consistent file system.
  const problems = checkImage(image).problems;
  if (problems.length > 0) throw new OperationError(`lab workload left an inconsistent image: ${problems[0]}`);
  return disk;
}

/** A seeded LCG (Numerical Recipes' constants) for a workload's choices. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
}
