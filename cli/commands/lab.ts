/*
 * `mksim lab [NAME] [--json] [--plot FILE.svg] [--update-doc]`: run a lab's
 * experiment (cli/lab/registry.ts), print its tables, write its plot.
 * Without NAME: list the labs. --update-doc regenerates the marked regions
 * of docs/labs/NAME.md from this run (the docs quote nothing else by hand).
 *   register(program)   the subcommand
 *   runLab(name, opts, out)   the exit code (tests call it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OperationError, UsageError } from '../errors.js';
import { formatLab, replaceRegions } from '../lab/doc-regions.js';
import { LABS, labNamed } from '../lab/registry.js';
import { packagePath } from '../package-root.js';

export interface LabOptions {
  json?: boolean;
  plot?: string;
  updateDoc?: boolean;
}

export function listLabs(): string {
  const width = Math.max(...LABS.map((l) => l.name.length));
  return LABS.map((l) => `${l.name.padEnd(width)}  ${l.title}; plot: ${l.plotDescription}`).join('\n') + '\n';
}

export function runLab(name: string | undefined, opts: LabOptions, out: (text: string) => void): number {
  if (name === undefined) {
    out(listLabs());
    return 0;
  }
  const lab = labNamed(name);
  if (lab === undefined) throw new UsageError(`no lab '${name.length > 40 ? name.slice(0, 39) + '…' : name}'; the labs: ${LABS.map((l) => l.name).join(', ')}`);
  if (opts.plot !== undefined && !opts.plot.endsWith('.svg')) throw new UsageError(`--plot ${opts.plot}: the plot is SVG; give a file name ending .svg`);
  const result = lab.run({});
  if (opts.plot !== undefined) {
    try {
      writeFileSync(opts.plot, result.plot);
    } catch (e) {
      throw new UsageError(`--plot ${opts.plot}: cannot write: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (opts.updateDoc === true) {
    const path = packagePath('docs', 'labs', lab.doc);
    let doc: string;
    try {
      doc = readFileSync(path, 'utf8');
    } catch {
      throw new OperationError(`--update-doc: cannot read ${path} (the docs come with a clone of the repository, not the package)`);
    }
    const { text, missing } = replaceRegions(doc, lab.name, result.sections);
    if (missing.length > 0) throw new OperationError(`--update-doc: ${lab.doc} has no region for ${missing.join(', ')} (<!-- mksim lab ${lab.name} SECTION --> ... <!-- end -->)`);
    writeFileSync(path, text);
  }
  out(opts.json === true ? JSON.stringify({ lab: lab.name, data: result.data, sections: Object.fromEntries(result.sections.map((s) => [s.name, s.text])) }) + '\n' : formatLab(lab, result));
  return 0;
}

export function register(program: Command): void {
  program
    .command('lab')
    .description("run a lab's experiment: print its tables, write its plot (no NAME: list the labs)")
    .argument('[name]', 'the lab (see `mksim lab`)')
    .option('--json', 'the figures as one JSON object')
    .option('--plot <file.svg>', 'write the plot as SVG')
    .option('--update-doc', 'regenerate the marked tables of docs/labs/NAME.md from this run')
    .action((name: string | undefined, opts: LabOptions) => {
      process.exitCode = runLab(name, opts, (t) => process.stdout.write(t));
    });
}
