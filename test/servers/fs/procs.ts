/*
 * Test systems for the FS call layer: a kernel with the clock, the in-memory disk, the
 * FS server, the process manager, and user processes written against the
 * system-call library (init first; others started by fork through PM).
 *   runProcs(image, programs, options)   boot, run until idle: console lines, exit statuses, the kernel
 *                                        (options.disk: another driver built on the machine's Hardware,
 *                                        e.g. drivers/disk/ on the image)
 *   expectClean(image)                   the image passes `mksim fsck` and util-linux's fsck.minix -f
 *   Results                              label -> value, filled by programs, compared after the run
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { memoryDiskProgram } from '../../../cli/commands/img.js';
import {
  hardwareOf, Kernel, kernelTaskAccessOf, registerSystemCalls, systemPrivileges, userPrivileges, type Hardware, type Program, type TraceRecord,
} from '../../../kernel/index.js';
import { userProgram, type UserMain } from '../../../lib/user/process.js';
import { fsServer, type FsConfig } from '../../../servers/fs/main.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { pmServer } from '../../../servers/pm/main.js';
import { clockTask } from '../../../tasks/clock/main.js';

export type Results = Record<string, unknown>;

export interface ProcsRun {
  readonly kernel: Kernel;
  readonly output: string[];
  /** Process name -> exit code (as the kernel records it: PM's wait status). */
  readonly exits: Map<string, number>;
  readonly records: TraceRecord[];
}

export function runProcs(image: Uint8Array, programs: Record<string, UserMain>, options: { config?: Partial<FsConfig>; trace?: boolean; untilNs?: number; disk?: (hw: Hardware) => Program; onRecord?: (r: TraceRecord) => void } = {}): ProcsRun {
  const kernel = new Kernel({ seed: 1 });
  registerSystemCalls(kernel);
  const output: string[] = [];
  const exits = new Map<string, number>();
  const records: TraceRecord[] = [];
  if (options.trace) kernel.trace.trace$.subscribe((r) => records.push(r));
  if (options.onRecord) kernel.trace.trace$.subscribe(options.onRecord);
  kernel.onConsole((proc, text) => output.push(`${proc}: ${text}`));
  kernel.onExit((p) => { if (!p.priv.system) exits.set(p.name, (p.exitCode as number | undefined) ?? 0); });
  for (const [name, main] of Object.entries(programs)) kernel.programs.set(name, userProgram(main));
  kernel.spawn({ name: 'clock', program: clockTask(kernelTaskAccessOf(kernel)), priority: 0, privileges: systemPrivileges() });
  kernel.spawn({ name: 'disk0', program: options.disk?.(hardwareOf(kernel)) ?? memoryDiskProgram(image), priority: 1, privileges: systemPrivileges() });
  kernel.spawn({ name: 'pm', program: pmServer({ initName: 'init', initUid: 0, initGid: 0 }), priority: 3, privileges: systemPrivileges() });
  kernel.spawn({ name: 'fs', program: fsServer({ driver: 'disk0', ...options.config }), priority: 4, privileges: systemPrivileges() });
  kernel.spawn({ name: 'init', program: kernel.programs.get('init')!, priority: 7, privileges: userPrivileges() });
  kernel.run(options.untilNs === undefined ? undefined : { untilNs: options.untilNs });
  return { kernel, output, exits, records };
}

const dir = mkdtempSync(join(tmpdir(), 'mksim-fscalls-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let imageCount = 0;

export function expectClean(image: Uint8Array): void {
  expect(checkImage(image).problems).toEqual([]);
  const path = join(dir, `img-${imageCount++}`);
  writeFileSync(path, image);
  const r = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8' });
  expect({ status: r.status, out: r.stdout + r.stderr }).toMatchObject({ status: 0 });
}
