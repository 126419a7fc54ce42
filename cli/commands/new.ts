/*
 * `mksim new program NAME` and `mksim new policy disk|cache|cpu|page NAME`: write
 * a commented starting file, NAME.ts (or -o FILE), that runs as it is, and
 * print the boot-script line that loads it. An existing file is never overwritten.
 *   register(program)   the subcommand
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { POLICY_TEMPLATE_KINDS, TEMPLATES, type TemplateKind } from '../new/templates.js';
import { OperationError, UsageError } from '../errors.js';

function write(kind: TemplateKind, name: string, out: string | undefined): void {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name)) throw new UsageError(`'${name.slice(0, 40)}' is not a name (letters, digits, _ and -; at most 64 characters)`);
  const file = out ?? `${name}.ts`;
  if (!/\.(ts|mjs|js)$/.test(file)) throw new UsageError(`-o ${file}: the file must end in .ts (or .mjs, .js once the types are removed)`);
  if (existsSync(file)) throw new OperationError(`${file} exists; not overwritten`);
  try {
    writeFileSync(file, TEMPLATES[kind].text(name), { flag: 'wx' });
  } catch (err) {
    throw new OperationError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  process.stdout.write(`wrote ${file}; load it in a boot script with:\n    ${TEMPLATES[kind].directive(file, name)}\n`);
}

export function register(program: Command): void {
  const cmd = program.command('new').description('write a commented starting file for a program or a policy (docs/extending.md)');
  cmd.command('program')
    .description('a program: export default function* (sys)')
    .argument('<name>', 'the program\'s name (the file is NAME.ts)')
    .option('-o, --output <file>', 'the file to write')
    .action((name: string, opts: { output?: string }) => write('program', name, opts.output));
  cmd.command('policy')
    .description(`a policy: ${POLICY_TEMPLATE_KINDS.join(', ')} (disk scheduling, buffer-cache replacement, CPU scheduling, page replacement)`)
    .argument('<kind>', POLICY_TEMPLATE_KINDS.join('|'))
    .argument('<name>', 'the policy\'s name (the file is NAME.ts)')
    .option('-o, --output <file>', 'the file to write')
    .action((kind: string, name: string, opts: { output?: string }) => {
      if (!(POLICY_TEMPLATE_KINDS as readonly string[]).includes(kind)) throw new UsageError(`policy kind must be one of ${POLICY_TEMPLATE_KINDS.join(', ')}, got '${kind.slice(0, 40)}'`);
      write(kind as TemplateKind, name, opts.output);
    });
}
