/*
 * docs/labs/virtual-memory.md shows what the commands print: every row of
 * its tables is recomputed here from the same boot scripts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

const DOC = readFileSync('docs/labs/virtual-memory.md', 'utf8');
const rowsOf = (header: string): string[][] => {
  const lines = DOC.split('\n');
  const at = lines.findIndex((l) => l.startsWith(header));
  expect(at, `table ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
};

function boot(path: string, set: string[]): { out: string[]; virtualMs: string } {
  const out: string[] = [];
  const err: string[] = [];
  expect(bootScript(path, { set }, (l) => out.push(l), (l) => err.push(l))).toBe(0);
  const summary = err.find((l) => l.includes('virtual time'))!;
  return { out, virtualMs: /([\d.]+) ms virtual time/.exec(summary)![1]! };
}
const field = (line: string, key: string): number => Number(new RegExp(`${key}=(\\d+)`).exec(line)![1]);
const sum = (out: string[], key: string): number => out.filter((l) => l.includes('vmstat:')).reduce((a, l) => a + field(l, key), 0);

describe('docs/labs/virtual-memory.md', () => {
  it('part 1: the fault counts per policy and frames', () => {
    const rows = rowsOf('| policy | frames |');
    expect(rows).toHaveLength(8);
    for (const [policy, frames, belady, textbook] of rows) {
      const { out } = boot('examples/labs/vm-replacement.boot', [`vm.replacement=${policy}`, `vm.frames=${frames}`]);
      expect([String(field(out[0]!, 'faults')), String(field(out[1]!, 'faults'))], `${policy} ${frames}`).toEqual([belady, textbook]);
    }
  });

  it('part 2 and 3: thrashing against the degree of multiprogramming, and swap on a RAM disk against the hp97560', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-vmlab-'));
    const script = readFileSync('examples/labs/vm-thrash.boot', 'utf8');
    const withWorkers = (n: string) => {
      const path = join(dir, `thrash-${n}.boot`);
      writeFileSync(path, script.replaceAll('repeat 2 ', `repeat ${n} `));
      return path;
    };
    for (const [n, faults, swapins, swapouts, ms, util] of rowsOf('| workers |')) {
      const r = boot(withWorkers(n!), []);
      const busyMs = Number(n) * 8;
      expect([String(sum(r.out, 'faults')), String(sum(r.out, 'swapins')), String(sum(r.out, 'swapouts')), r.virtualMs, `${(100 * busyMs / Number(r.virtualMs)).toFixed(1)}%`], `${n} workers`)
        .toEqual([faults, swapins, swapouts, ms, util]);
    }
    for (const [model, ms] of rowsOf('| swap disk |')) {
      expect(boot(withWorkers('3'), [`swap0.model=${model}`]).virtualMs, model).toBe(ms);
    }
  });
});
