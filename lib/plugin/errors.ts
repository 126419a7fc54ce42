/*
 * Errors in a student's module, named by the student's own file:line:column.
 *   PluginError                          a module that cannot be used (syntax, a missing or wrong export): exit 2
 *   studentFrames(err, code, display)    the stack frames in the student's files, mapped to their lines
 *   describeThrow(err, code, display, debug)   "file:line:column: Error: message"; with debug, the frames under it
 * Only frames in the student's own files are shown: the simulator's are
 * noise to a student and the same in every crash.
 */
import { ParseError, shorten } from '../parse-error.js';
import type { SourceMap } from './sourcemap.js';

/** A module that cannot be used; shown as file:line:column: message (and the line with a caret). */
export class PluginError extends ParseError {}

/** A compiled module: the path its code was compiled under, and the map back to the student's files. */
export interface CompiledCode {
  readonly path: string;
  readonly map: SourceMap;
}

/** Stack lines shown with --debug: a deep recursion would print thousands. */
const MAX_DEBUG_FRAMES = 20;

interface Frame { readonly fn: string | null; readonly file: string; readonly line: number; readonly column: number }

function frameOf(text: string): Frame | null {
  const m = /^\s*at (?:(.*?) \()?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(text);
  if (m === null) return null;
  return { fn: m[1] ?? null, file: m[2]!, line: Number(m[3]), column: Number(m[4]) };
}

export function studentFrames(err: unknown, code: CompiledCode, display: (abs: string) => string): string[] {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const out: string[] = [];
  for (const text of stack.split('\n').slice(1)) {
    const f = frameOf(text);
    if (f === null || f.file !== code.path) continue;
    const p = code.map.original(f.line, f.column);
    if (p === null) continue;
    const where = `${display(p.file)}:${p.line}:${p.column}`;
    out.push(f.fn === null ? where : `${f.fn} (${where})`);
  }
  return out;
}

/** The thrown value as a student reads it: `Error: message`, never the simulator's stack. */
export function thrownText(err: unknown): string {
  if (err instanceof Error) return shorten(`${err.name}: ${err.message}`, 300);
  return shorten(`uncaught ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`, 300);
}

export function describeThrow(err: unknown, code: CompiledCode, display: (abs: string) => string, debug: boolean): string {
  const frames = studentFrames(err, code, display);
  const site = frames[0]?.replace(/^.*\((.*)\)$/, '$1');
  const head = `${site ?? 'uncaught'}: ${thrownText(err)}`;
  if (!debug) return head;
  return [head, ...frames.slice(0, MAX_DEBUG_FRAMES).map((f) => `    at ${f}`)].join('\n');
}
