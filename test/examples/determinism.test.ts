/*
 * Two boots in one Node process give byte-identical traces (DESIGN §2,
 * Determinism): every piece of state belongs to a system instance, none to a
 * module. Every example, and the fixtures that show numbers a module-level
 * counter would shift (pipe numbers), boots twice through the in-process boot
 * API the CLI uses, with the JSONL trace on; the second round runs after all
 * of the first, so whatever one boot left behind would show in the next.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

const scripts = [
  ...readdirSync('examples').filter((f) => f.endsWith('.boot')).sort().map((f) => join('examples', f)),
  join('test', 'fixtures', 'boot', 'pipes.boot'),
];

function bootTraced(script: string, tracePath: string): { code: number; stdout: string[] } {
  const stdout: string[] = [];
  const code = bootScript(script, { seed: '7', trace: tracePath }, (l) => stdout.push(l), () => {});
  return { code, stdout };
}

describe('two boots in one process', () => {
  it('every example and fixture gives a byte-identical trace and output the second time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-det-'));
    const rounds = [0, 1].map((round) => scripts.map((script, i) => {
      const path = join(dir, `${round}-${i}.jsonl`);
      const { code, stdout } = bootTraced(script, path);
      return { script, code, stdout, trace: readFileSync(path) };
    }));
    for (let i = 0; i < scripts.length; i++) {
      const [first, second] = [rounds[0]![i]!, rounds[1]![i]!];
      expect(first.trace.length, `${first.script}: empty trace`).toBeGreaterThan(1000);
      expect(second.code, first.script).toBe(first.code);
      expect(second.stdout, first.script).toEqual(first.stdout);
      // Buffer.equals: byte for byte; on a mismatch, show the first differing line.
      if (!first.trace.equals(second.trace)) {
        const a = first.trace.toString('utf8').split('\n');
        const b = second.trace.toString('utf8').split('\n');
        const at = a.findIndex((line, n) => line !== b[n]);
        expect(b[at], `${first.script}: trace line ${at + 1} differs`).toBe(a[at]);
      }
    }
  });

  it('pipes are numbered from 1 in every boot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-pipes-'));
    const pipeNumbers = (name: string): unknown[] => {
      const path = join(dir, name);
      expect(bootTraced(join('test', 'fixtures', 'boot', 'pipes.boot'), path).code).toBe(0);
      return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.ev === 'pipe' && r.op === 'suspend').map((r) => r.pipe);
    };
    expect(pipeNumbers('a.jsonl')).toEqual([1, 2]);
    expect(pipeNumbers('b.jsonl')).toEqual([1, 2]);
  });
});
