/*
 * A student's module from a file: `.mjs`, `.js` or `.ts`, bundled with its
 * own relative imports by esbuild (types stripped), then compiled as a
 * CommonJS module named by its path, with an inline source map so a stack
 * shows the student's lines.
 *   compileModule(absPath, display)   -> { exports, sources }; a PluginError at file:line:column
 *   MODULE_EXTENSIONS                 the extensions a user module may have
 * esbuild is loaded on first use (it is a dependency, kept out of the
 * bundle: scripts/build.mjs marks it external). A module may import only
 * its own files: a package or a Node built-in is refused at its line, so
 * student code cannot reach the host (files, clock, network) by import.
 */
import Module, { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { checkModuleFile, ModuleFileError } from './read.js';
import { describeThrow, PluginError, type CompiledCode } from './errors.js';
import { parseSourceMap } from './sourcemap.js';

export const MODULE_EXTENSIONS = ['.mjs', '.js', '.ts'] as const;

/** A student's module is a page or two; a bound keeps a wrong path (a disk image) from being parsed. */
export const MAX_MODULE_BYTES = 1024 * 1024;

const SOURCE_MAP_PREFIX = '//# sourceMappingURL=data:application/json;base64,';

export interface CompiledModule {
  readonly exports: Record<string, unknown>;
  /** Its compiled code's path and the map back to the student's files (the entry and what it imports). */
  readonly code: CompiledCode;
}

interface EsbuildMessage {
  readonly text: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number; readonly lineText: string } | null;
}

interface EsbuildApi {
  buildSync(options: Record<string, unknown>): {
    readonly outputFiles: readonly { readonly text: string }[];
    readonly metafile: { readonly inputs: Readonly<Record<string, unknown>> };
  };
}

function esbuild(): EsbuildApi {
  return createRequire(import.meta.url)('esbuild') as EsbuildApi;
}

export function compileModule(absPath: string, display: (abs: string) => string): CompiledModule {
  if (!MODULE_EXTENSIONS.some((ext) => absPath.endsWith(ext))) {
    throw new ModuleFileError(`${display(absPath)}: a program or policy must be a ${MODULE_EXTENSIONS.join(', ')} file`);
  }
  // Checked before esbuild reads it: a FIFO or /dev/zero is refused, not hung on.
  checkModuleFile(absPath, MAX_MODULE_BYTES, display(absPath));
  const dir = dirname(absPath);
  let out: ReturnType<EsbuildApi['buildSync']>;
  try {
    out = esbuild().buildSync({
      entryPoints: [absPath], absWorkingDir: dir, bundle: true, write: false, metafile: true,
      format: 'cjs', platform: 'neutral', target: 'node20', sourcemap: 'inline', sourcesContent: false,
      logLevel: 'silent', mainFields: ['module', 'main'],
    });
  } catch (e) {
    const first = (e as { errors?: readonly EsbuildMessage[] }).errors?.[0];
    if (first === undefined) throw e;
    const loc = first.location;
    const file = loc === null ? absPath : resolve(dir, loc.file);
    const text = /Could not resolve/.test(first.text)
      ? `${first.text}: a program or policy may import only its own files (relative paths), not packages or Node's modules`
      : first.text;
    throw new PluginError(text, { file: display(file), line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1, ...(loc ? { sourceLine: loc.lineText } : {}) });
  }
  // The inline map comes off the code (so Node never maps it, whatever the host set) and is kept to map stacks ourselves.
  const text = out.outputFiles[0]!.text;
  const at = text.lastIndexOf(SOURCE_MAP_PREFIX);
  const map = parseSourceMap(at < 0 ? '{}' : Buffer.from(text.slice(at + SOURCE_MAP_PREFIX.length).trim(), 'base64').toString('utf8'), dir);
  const code: CompiledCode = { path: absPath, map };
  const mod = new Module(absPath) as Module & { _compile(code: string, filename: string): void; filename: string };
  mod.filename = absPath;
  mod.paths = [];
  try {
    mod._compile(at < 0 ? text : text.slice(0, at), absPath);
  } catch (e) {
    // Code at the module's top level threw while it loaded.
    const site = describeThrow(e, code, display, false);
    const m = /^(.*):(\d+):(\d+): /.exec(site);
    throw new PluginError(`the module threw while loading: ${site.slice(m === null ? 'uncaught: '.length : m[0].length)}`,
      m === null ? { file: display(absPath), line: 1, column: 1 } : { file: m[1]!, line: Number(m[2]), column: Number(m[3]) });
  }
  const exports = mod.exports as Record<string, unknown>;
  return { exports: typeof exports === 'object' && exports !== null ? exports : {}, code };
}

/** A path as the user should read it: relative to the working directory when it is below it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.length > 0 && !rel.startsWith('..') ? rel : abs;
}
