/*
 * Loading students' modules for one system: each file compiled once, its
 * default export checked against what the directive wants (a kind).
 *   PluginKind<T>               title, what the export must be, accept(value) -> T | null
 *   PluginLoader(options)       load(kind, file, at) -> { value, origin }; files() the loaded files
 * A kind is one table entry (cli/boot/plugin-kinds.ts): a new extension point
 * (page replacement in VM) adds an entry, not code here. Errors: a missing
 * or unreadable file at the directive's position; a syntax error or a wrong
 * export at the student's own file:line:column. Exit 2 either way.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ParseError, type SourcePosition } from '../parse-error.js';
import { PluginError } from './errors.js';
import type { ModuleOrigin } from './program.js';
import { compileModule, displayPath, type CompiledModule } from './transpile.js';
import type { CodeWatch } from './watch.js';

export interface PluginKind<T> {
  /** For messages: 'program', 'disk scheduling policy'. */
  readonly title: string;
  /** What the default export must be: 'a generator function `function* (sys)`'. */
  readonly expected: string;
  /** The export as the kind's value, or a message saying what is wrong with it. */
  accept(value: unknown): T | string;
}

export interface LoadedModule<T> {
  readonly value: T;
  readonly origin: ModuleOrigin;
}

export interface LoaderOptions {
  /** Paths are relative to this folder (the boot script's). */
  readonly baseDir: string;
  readonly watch: CodeWatch;
  readonly debug: boolean;
}

export class PluginLoader {
  private readonly compiled = new Map<string, CompiledModule>();

  constructor(readonly options: LoaderOptions) {}

  /** The files loaded so far, absolute. */
  files(): string[] {
    return [...this.compiled.keys()];
  }

  load<T>(kind: PluginKind<T>, file: string, at: SourcePosition): LoadedModule<T> {
    const abs = resolve(this.options.baseDir, file);
    let mod = this.compiled.get(abs);
    if (mod === undefined) {
      try {
        mod = compileModule(abs, displayPath);
      } catch (e) {
        // A file that cannot be read is the script's mistake: shown at the directive.
        if (e instanceof Error && !(e instanceof ParseError) && (e as { userFacing?: boolean }).userFacing === true) throw new ParseError(e.message, at);
        throw e;
      }
      this.compiled.set(abs, mod);
    }
    const shown = displayPath(abs);
    const exported = mod.exports.default;
    const accepted = exported === undefined ? `has no default export; a ${kind.title} is ${kind.expected}` : kind.accept(exported);
    if (typeof accepted === 'string') {
      const detail = exported === undefined ? accepted : `the default export ${accepted}; a ${kind.title} is ${kind.expected}`;
      throw new PluginError(detail, defaultExportPosition(abs, shown));
    }
    return {
      value: accepted,
      origin: {
        shown, code: mod.code, display: displayPath, watch: this.options.watch,
        fileId: this.options.watch.fileId(shown), debug: this.options.debug,
      },
    };
  }
}

/** Where `export default` is in the file (line 1 column 1 if it has none). */
function defaultExportPosition(abs: string, shown: string): SourcePosition {
  const lines = readFileSync(abs, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const column = lines[i]!.search(/\bexport\s+default\b/);
    if (column >= 0) return { file: shown, line: i + 1, column: column + 1, sourceLine: lines[i]!.replace(/\r$/, '') };
  }
  return { file: shown, line: 1, column: 1 };
}
