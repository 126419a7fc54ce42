/*
 * No module-level mutable state in the source folders (DESIGN §2,
 * Determinism): everything belongs to a system instance, so two runs in one
 * Node process are identical (test/examples/determinism.test.ts checks the
 * traces; this catches the state before it shows in one).
 *
 * A line at column 0 of a source file is module level. Flagged there:
 *   let / var                                  a module variable
 *   const X = new Map|Set|WeakMap|WeakSet(...)  a collection not typed Readonly*
 *   const X = new <TypedArray> / new Array      a mutable buffer
 *   const X = /.../g or /.../y                  a regex with a lastIndex
 * and anywhere: a `static` class field that is not readonly.
 *
 * ALLOWED lists the exceptions, each with its reason; add one only with a
 * reason a reviewer would accept (a constant table, text that is not code).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE_FOLDERS = ['kernel', 'tasks', 'drivers', 'servers', 'lib', 'cli', 'bench'];

/** "file:declared name" -> why it is not state shared between systems. */
const ALLOWED: Readonly<Record<string, string>> = {
  'kernel/chunk-writer.ts:c': 'a line of WORKER_SOURCE, the worker thread\'s program text, not module code',
  'kernel/chunk-writer.ts:bytes': 'a line of WORKER_SOURCE, the worker thread\'s program text, not module code',
  'servers/fs/alloc.ts:POPCOUNT': 'a constant table (bits set per byte value), written once at load and only read',
  'cli/new/templates.ts:uses': 'a line of the page-policy template, text of the student\'s file (loaded once per run), not module code',
  'cli/new/templates.ts:loadedAt': 'a line of the page-policy template, text of the student\'s file (loaded once per run), not module code',
  'cli/new/templates.ts:loads': 'a line of the page-policy template, text of the student\'s file (loaded once per run), not module code',
};

const TYPED_ARRAYS = 'Int8Array|Uint8Array|Uint8ClampedArray|Int16Array|Uint16Array|Int32Array|Uint32Array|Float32Array|Float64Array|BigInt64Array|BigUint64Array|Array';

const RULES: readonly { what: string; re: RegExp }[] = [
  { what: 'module-level let/var', re: /^(?:export\s+)?(?:let|var)\s+(\w+)/ },
  { what: 'module-level collection not typed Readonly', re: /^(?:export\s+)?const\s+(\w+)\s*(?::(?!\s*Readonly)[^=]+)?=\s*new\s+(?:Map|Set|WeakMap|WeakSet)\b/ },
  { what: 'module-level mutable array', re: new RegExp(`^(?:export\\s+)?const\\s+(\\w+)\\s*(?::[^=]+)?=\\s*new\\s+(?:${TYPED_ARRAYS})\\b`) },
  { what: 'module-level regex with lastIndex state', re: /^(?:export\s+)?const\s+(\w+)\s*(?::[^=]+)?=\s*\/.+\/[a-z]*[gy][a-z]*\s*;/ },
  { what: 'static class field that is not readonly', re: /^\s+(?:(?:private|protected|public)\s+)?static\s+(?!readonly\b)(?!async\b)(?!get\b)(?!set\b)\*?(\w+)\s*[=:;]/ },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function findModuleState(): string[] {
  const found: string[] = [];
  for (const file of SOURCE_FOLDERS.flatMap(sourceFiles)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const rule of RULES) {
        const m = rule.re.exec(line);
        if (m === null) continue;
        const key = `${file}:${m[1]}`;
        if (!(key in ALLOWED)) found.push(`${file}:${i + 1}: ${rule.what}: ${line.trim()}`);
      }
    });
  }
  return found;
}

describe('module-level state', () => {
  it('no source file keeps mutable state at module level (outside the documented allow-list)', () => {
    expect(findModuleState()).toEqual([]);
  });

  it('the rules catch what they are meant to', () => {
    const flagged = (line: string): boolean => RULES.some((r) => r.re.test(line));
    for (const bad of [
      'let nextPipeId = 1;', 'export let counter = 0;', 'var x;',
      'const memo = new Map<string, number>();', 'export const seen: Set<string> = new Set();',
      'const buf = new Uint8Array(64);', 'const IDENT = /[a-z]+/y;', 'const WORDS = /\\w+/g;',
      '  static count = 0;', '  private static cache: Map<string, string> = new Map();',
    ]) expect(flagged(bad), bad).toBe(true);
    for (const fine of [
      'const MAX = 4;', 'const NAMES: ReadonlySet<string> = new Set([\'a\']);', 'export const M: ReadonlyMap<string, number> = new Map();',
      '  let local = 0;', 'const SHAPE = /^[a-z]+$/;', '  static readonly LIMIT = 3;', '  static from(x: number): Foo {',
    ]) expect(flagged(fine), fine).toBe(false);
  });

  it('every allow-list entry still names a declaration (stale entries go)', () => {
    for (const key of Object.keys(ALLOWED)) {
      const [file, name] = key.split(':') as [string, string];
      expect(readFileSync(file, 'utf8'), key).toMatch(new RegExp(`^(?:export\\s+)?(?:const|let|var)\\s+${name}\\b`, 'm'));
    }
  });
});
