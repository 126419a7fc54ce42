/*
 * `mksim audit2allow LOG [-w -p POLICY]`: the allow rules that would permit
 * the AVC denials of a JSONL trace (records `ev: 'avc', decision: 'denied'`)
 * or of an audit.log (`boot --audit FILE`, or the kernel's); with -w, why
 * each was denied under POLICY, as `audit2allow -w` (audit2why) explains it.
 *   register(program)   the subcommand
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { allowRules, explainDenials, readDenials } from '../../servers/security/audit2allow.js';
import { UsageError } from '../errors.js';
import { readPolicy } from './policy.js';

export function register(program: Command): void {
  program
    .command('audit2allow')
    .description('print allow rules that would permit the avc denials of a JSONL trace or an audit.log; -w explains each denial')
    .argument('<log>', 'trace file (JSON Lines) or audit log (type=AVC msg=audit(...): avc:  denied ...)')
    .option('-w, --why', 'explain each denial as audit2why does (needs -p)')
    .option('-p, --policy <file>', 'the policy to judge the denials against (policy.conf or compiled)')
    .action((path: string, opts: { why?: boolean; policy?: string }) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read log ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const denials = readDenials(text, path);
      if (opts.why) {
        if (opts.policy === undefined) throw new UsageError('audit2allow -w needs the policy to judge against: -p POLICY');
        process.stdout.write(explainDenials(readPolicy(opts.policy).policy, denials));
        return;
      }
      process.stdout.write(allowRules(denials));
    });
}
