/*
 * Helpers for the VM tests: boot a script text with TypeScript programs registered.
 *   bootVm(script, programs)   run to the end: { output, exits, kernel }
 */
import { buildSystem, type BootReport } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import type { Kernel } from '../../../kernel/index.js';
import { userProgram, type UserMain } from '../../../lib/user/process.js';

export function bootVm(script: string, programs: Readonly<Record<string, UserMain>> = {}, seed = 1): { report: BootReport; kernel: Kernel } {
  const system = buildSystem(parseBootScript(script, 'test.boot'), { seed, scriptPath: 'test.boot' }, (k) => {
    for (const [name, main] of Object.entries(programs)) k.programs.set(name, userProgram(main));
  });
  system.kernel.run();
  system.close();
  return { report: system.report, kernel: system.kernel };
}
