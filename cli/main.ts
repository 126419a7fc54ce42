#!/usr/bin/env node
/*
 * The mksim command: builds the commander program from the subcommand
 * modules in cli/commands/ and maps errors to exit codes (DESIGN §6):
 *   0 success, 1 the operation failed, 2 bad usage or bad input.
 * Each subcommand module exports register(program) and throws UsageError or
 * OperationError for a user's mistake; no stack trace unless --debug. Only
 * the named subcommand's module is loaded (cli/commands/index.ts).
 */
import { isMainThread } from 'node:worker_threads';
import { Command, CommanderError } from 'commander';
import { loadCommandModules, type CommandModule } from './commands/index.js';
import { exitCodeFor, formatError } from './errors.js';
import { VERSION } from './version.js';

export function buildProgram(commandModules: readonly CommandModule[]): Command {
  const program = new Command('mksim')
    .description('An actor-based simulator of a MINIX-style microkernel')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError()
    .exitOverride();
  for (const mod of commandModules) mod.register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram(await loadCommandModules(argv));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    process.stderr.write(formatError(err, debug) + '\n');
    return exitCodeFor(err);
  }
}

if (isMainThread) {
  // A reader that closes its end early (`mksim ... | head`) ends the command quietly, as for cat.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });

  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
} else {
  // In the bundle, `boot --wall-limit`'s worker thread (cli/boot/worker.ts) and a
  // sweep's (cli/sweep/worker.ts) run this same file: each module serves only its own kind.
  void import('./boot/worker.js');
  void import('./sweep/worker.js');
}
