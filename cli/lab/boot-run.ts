/*
 * A boot script run for a lab: exactly what `mksim boot` prints, captured.
 *   runBoot(scriptPath, options)   exit code, stdout and stderr lines, and the trace records if asked
 *   examplePath(name)              a file of the package's examples/
 * The run is bootScript's (cli/commands/boot.ts), in this thread, so a lab's
 * transcript is the command's own output.
 */
import { sep } from 'node:path';
import { bootScript } from '../commands/boot.js';
import type { TraceRecord } from '../../kernel/index.js';
import { packagePath } from '../package-root.js';

export interface BootRunResult {
  readonly exitCode: number;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly records: readonly TraceRecord[];
}

export interface BootRunOptions {
  readonly sets?: readonly string[];
  /** The script's text, edited by the lab; default: the file's. */
  readonly text?: string;
  readonly records?: boolean;
}

export function examplePath(...parts: string[]): string {
  return packagePath('examples', ...parts);
}

export function runBoot(scriptPath: string, options: BootRunOptions = {}): BootRunResult {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const records: TraceRecord[] = [];
  const exitCode = bootScript(scriptPath, { seed: '1', set: [...(options.sets ?? [])] }, (l) => stdout.push(l), (l) => stderr.push(l), (kernel) => {
    if (options.records === true) kernel.trace.trace$.subscribe((r) => records.push(r));
  }, options.text);
  // Printed as from the repository's root (`examples/x.boot:44`), wherever the package is.
  const root = packagePath() + sep;
  const shown = (lines: string[]): string[] => lines.map((l) => l.split(root).join(''));
  return { exitCode, stdout: shown(stdout), stderr: shown(stderr), records };
}
