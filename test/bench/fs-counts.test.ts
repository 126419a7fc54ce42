/*
 * docs/performance.md's table of what the fs bench's phases cost in kernel
 * calls, safe copies, grants and virtual time (the "new" side of each
 * "base -> new" cell) is what runFsPhases counts at the bench's full sizes:
 * the table drifts, this test fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FULL_SIZES, runFsPhases } from '../../bench/fs.js';

const ROWS: Record<string, 'write' | 'read' | 'small'> = {
  '64 MiB written in 64 KiB `write()`s + sync': 'write',
  '64 MiB read back (cold cache)': 'read',
  '10,000 files of 1 KiB + sync': 'small',
};

function docTable(): Map<string, number[]> {
  const doc = readFileSync('docs/performance.md', 'utf8');
  const rows = new Map<string, number[]>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const phase = ROWS[cells[1] ?? ''];
    if (phase === undefined || !line.includes('->')) continue;
    // Each cell is "base -> new": keep the new side.
    rows.set(phase, cells.slice(2, 6).map((c) => Number(c.split('->')[1]!.replace(/ms|,/g, '').trim())));
  }
  return rows;
}

describe('docs/performance.md: the fs phases counted', () => {
  it('kernel calls, safe copies, grants and virtual ms of each phase are what the bench counts', () => {
    const table = docTable();
    expect([...table.keys()].sort()).toEqual(['read', 'small', 'write']);
    const { counts } = runFsPhases(FULL_SIZES);
    for (const [phase, cells] of table) {
      const c = counts[phase as 'write' | 'read' | 'small'];
      expect({ phase, cells }).toEqual({ phase, cells: [c.kernelCalls, c.safeCopies, c.grants, Number((c.virtualNs / 1e6).toFixed(1))] });
    }
  }, 120_000);
});
