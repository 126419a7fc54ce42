/*
 * `mksim audit2allow TRACE`: the allow rules that would permit the AVC
 * denials recorded in a JSONL trace (records `ev: 'avc', decision: 'denied'`).
 *   register(program)   the subcommand
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { allowRules, denialsFromTrace } from '../../servers/security/audit2allow.js';
import { UsageError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('audit2allow')
    .description('print allow rules that would permit the avc denials of a JSONL trace')
    .argument('<trace>', 'trace file (JSON Lines)')
    .action((path: string) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read trace ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      process.stdout.write(allowRules(denialsFromTrace(text, path)));
    });
}
