/*
 * The subcommand modules, loaded on demand: each exports register(program: Command).
 *   commandLoaders            name -> () => import of its module; add a line for a new subcommand
 *   loadCommandModules(argv)  the modules a command line needs: only the named
 *                             subcommand's, or all of them (help, no or unknown name)
 * A run of `mksim boot` then never evaluates the benchmarks, the trace tools
 * or crashtest (in the bundle they are lazily initialised sections).
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export const commandLoaders: ReadonlyMap<string, () => Promise<CommandModule>> = new Map<string, () => Promise<CommandModule>>([
  ['boot', () => import('./boot.js')],
  ['bench', () => import('./bench.js')],
  ['mkfs', () => import('./mkfs.js')],
  ['fsck', () => import('./fsck.js')],
  ['img', () => import('./img.js')],
  ['trace', () => import('./trace.js')],
  ['policy', () => import('./policy.js')],
  ['audit2allow', () => import('./audit2allow.js')],
  ['clock', () => import('./clock.js')],
  ['crashtest', () => import('./crashtest.js')],
  ['lab', () => import('./lab.js')],
  ['sweep', () => import('./sweep.js')],
  ['grade', () => import('./grade.js')],
]);

/**
 * The subcommand is the first argument that is not an option (the program's
 * own options, --debug, -V and -h, take no value). Help, a missing or an
 * unknown name loads every module, so commander lists them all.
 */
export async function loadCommandModules(argv: readonly string[]): Promise<CommandModule[]> {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const load = at < 0 ? undefined : commandLoaders.get(argv[at]!);
  // `mksim -h boot` asks for the program's help: it lists every subcommand.
  const helpFirst = argv.slice(0, Math.max(at, 0)).some((a) => a === '-h' || a === '--help');
  if (load !== undefined && !helpFirst) return [await load()];
  // `mksim --version` needs no subcommand.
  if (at < 0 && !helpFirst && argv.some((a) => a === '-V' || a === '--version')) return [];
  return Promise.all([...commandLoaders.values()].map((l) => l()));
}
