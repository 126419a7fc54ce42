/*
 * `mksim policy check POLICY` and `mksim policy query POLICY -s SRC -t TGT -c CLASS`:
 * compile a policy.conf as checkpolicy does (exit 0 valid, 2 with
 * file:line:column), and print the effective allowed permissions between
 * two types (attributes expanded; nothing when none).
 *   register(program)   the subcommand
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadPolicy } from '../../servers/security/compile.js';
import { withBooleans, type CompiledPolicy } from '../../servers/security/policy.js';
import { queryAllowed } from '../../servers/security/query.js';
import { UsageError } from '../errors.js';

export function readPolicy(path: string): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read policy ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return loadPolicy(text, path);
}

export function register(program: Command): void {
  const policy = program.command('policy').description('check and query SELinux policies (policy.conf, as checkpolicy compiles them)');
  policy
    .command('check')
    .description('compile a policy.conf; exit 0 if valid, 2 with file:line:column if not')
    .argument('<policy>', 'policy.conf file')
    .action((path: string) => {
      const p = readPolicy(path);
      const rules = [...p.avtab.values()].filter((e) => e.allowed !== 0).length;
      process.stdout.write(`${path}: valid: ${p.classes.length} classes, ${p.types.length} types, ${p.attributes.size} attributes, `
        + `${p.roleTypes.size} roles, ${p.users.size} users, ${rules} allow entries\n`);
    });
  policy
    .command('query')
    .description('print the permissions SRC is allowed on TGT for CLASS, as `allow SRC TGT:CLASS { perm ... };`')
    .argument('<policy>', 'policy.conf file')
    .requiredOption('-s, --source <type>', 'source type (or alias)')
    .requiredOption('-t, --target <type>', 'target type (or alias)')
    .requiredOption('-c, --class <class>', 'object class')
    .option('-b, --bool <name=value...>', 'answer with booleans set (NAME=1|0|on|off|true|false; repeatable)')
    .action((path: string, opts: { source: string; target: string; class: string; bool?: string[] }) => {
      const r = queryAllowed(withBoolOptions(readPolicy(path), path, opts.bool ?? []), opts.source, opts.target, opts.class);
      if (!r.ok) throw new UsageError(`${path}: ${r.error}`);
      if (r.line !== null) process.stdout.write(r.line + '\n');
    });
}

/** The policy with `-b NAME=VALUE` booleans set (as setsebool would), refusing unknown names and values. */
function withBoolOptions(p: CompiledPolicy, path: string, specs: readonly string[]): CompiledPolicy {
  if (specs.length === 0) return p;
  const values = new Map<string, boolean>();
  for (const spec of specs) {
    const m = /^([^=]+)=(1|0|on|off|true|false)$/i.exec(spec);
    if (m === null) throw new UsageError(`-b ${spec}: expected NAME=1|0|on|off|true|false`);
    values.set(m[1]!, /^(1|on|true)$/i.test(m[2]!));
  }
  const out = withBooleans(p, values);
  if (out === null) throw new UsageError(`${path}: unknown boolean ${[...values.keys()].find((n) => !p.booleans.includes(n))} (booleans: ${p.booleans.join(', ') || 'none'})`);
  return out;
}
