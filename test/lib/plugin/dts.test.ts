/*
 * The published program types (types/mksim-program.d.ts) against what a
 * program really gets: the type check of dts-check.ts, and the names at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SYSCALL_NAMES } from '../../../lib/plugin/sys.js';

const root = process.cwd();

describe('types/mksim-program.d.ts', () => {
  it('describes exactly the sys object built from lib/syscalls (a type check that fails on drift)', () => {
    const file = join(root, 'test', 'lib', 'plugin', 'dts-check.ts');
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('declares every bound call by name', () => {
    const dts = readFileSync(join(root, 'types', 'mksim-program.d.ts'), 'utf8');
    const declared = [...dts.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).filter((n) => !['print', 'spin', 'errnoName'].includes(n!)).sort();
    expect(declared).toEqual([...SYSCALL_NAMES]);
  });
});
