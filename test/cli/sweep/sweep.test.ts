/*
 * `mksim sweep`: rows in grid order whatever --jobs is; shards merge to the
 * unsharded output byte for byte (JSON Lines and CSV); a row's digest and
 * statistics are those of the run's own trace file; bad grids are refused.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { statsTrace } from '../../../cli/commands/trace.js';
import { gridOf, inShard, parseSeeds, parseSettings, MAX_GRID_RUNS } from '../../../cli/sweep/grid.js';
import { mergeShards } from '../../../cli/sweep/merge.js';
import { mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-sweep-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HELLO = 'examples/hello.boot';
const GRID = ['--seeds', '1..3', '--set', 'clock.mode=tickless,periodic'];

describe('mksim sweep', () => {
  it('the grid: settings outer, seeds inner; every run in exactly one shard', () => {
    const grid = gridOf(parseSeeds('5..6'), parseSettings(['fs.elevator=on,off', 'disk0.sched=fcfs,sstf']));
    expect(grid.map((r) => `${r.index}:${r.params.map(([, v]) => v).join('/')}:${r.seed}`)).toEqual([
      '0:on/fcfs:5', '1:on/fcfs:6', '2:on/sstf:5', '3:on/sstf:6', '4:off/fcfs:5', '5:off/fcfs:6', '6:off/sstf:5', '7:off/sstf:6',
    ]);
    for (const r of grid) expect([0, 1, 2].filter((i) => inShard(r, { index: i, count: 3 }))).toHaveLength(1);
  });

  it('--jobs 1 and --jobs 2 write the same rows; each row carries the digest and `trace stats --json` of its run', async () => {
    const one = mksim('sweep', HELLO, ...GRID, '--jobs', '1', '--out', join(dir, 'j1.jsonl'));
    const two = mksim('sweep', HELLO, ...GRID, '--jobs', '2', '--out', join(dir, 'j2.jsonl'));
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(one.stderr).toContain('mksim: sweep: 6 of 6 runs: 6 exit 0');
    const text = readFileSync(join(dir, 'j1.jsonl'), 'utf8');
    expect(readFileSync(join(dir, 'j2.jsonl'), 'utf8')).toBe(text);
    const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { index: number; seed: number; params: Record<string, string>; exit: number; digest: string; stats: unknown });
    expect(rows.map((r) => [r.index, r.seed, r.params['clock.mode']])).toEqual([
      [0, 1, 'tickless'], [1, 2, 'tickless'], [2, 3, 'tickless'], [3, 1, 'periodic'], [4, 2, 'periodic'], [5, 3, 'periodic'],
    ]);
    // Row 4 by hand: the same boot with --trace, its sha256 and its stats.
    const trace = join(dir, 'row4.jsonl');
    expect(mksim('boot', HELLO, '--seed', '2', '--set', 'clock.mode=periodic', '--trace', trace).code).toBe(0);
    expect(rows[4]!.digest).toBe('sha256:' + createHash('sha256').update(readFileSync(trace)).digest('hex'));
    expect(rows[4]!.stats).toEqual(JSON.parse(await statsTrace(trace, { json: true })));
    expect(rows[4]!.exit).toBe(0);
    expect(new Set(rows.map((r) => r.digest)).size).toBe(6);
  });

  it('shards merged with `sweep merge` equal the unsharded run, byte for byte, as JSON Lines and as CSV', () => {
    for (const ext of ['jsonl', 'csv']) {
      const whole = join(dir, `whole.${ext}`);
      expect(mksim('sweep', HELLO, ...GRID, '--jobs', '1', '--out', whole).code).toBe(0);
      const shards = [0, 1, 2, 3].map((i) => join(dir, `shard-${i}.${ext}`));
      shards.forEach((s, i) => expect(mksim('sweep', HELLO, ...GRID, '--jobs', '1', '--shard', `${i}/4`, '--out', s).code).toBe(0));
      const merged = mksim('sweep', 'merge', ...[...shards].reverse());
      expect(merged.code).toBe(0);
      expect(merged.stdout).toBe(readFileSync(whole, 'utf8'));
      if (ext === 'csv') expect(merged.stdout.split('\n')[0]).toMatch(/^index,runs,seed,clock\.mode,exit,error,digest,records,durationNs,/);
      // A shard left out is named, not silently merged.
      const partial = mksim('sweep', 'merge', shards[0]!, shards[1]!, shards[3]!);
      expect(partial.code).toBe(1);
      expect(partial.stderr).toContain('1 of 6 runs missing (first: 2)');
    }
  });

  it('merge refuses a run given twice and files of different sweeps', () => {
    const row = (i: number, runs: number): string => JSON.stringify({ index: i, runs, seed: 1 }) + '\n';
    expect(mergeShards([{ name: 'a', text: row(0, 2) + row(1, 2) }])).toBe(row(0, 2) + row(1, 2));
    expect(() => mergeShards([{ name: 'a', text: row(0, 2) }, { name: 'b', text: row(0, 2) + row(1, 2) }])).toThrow(/run 0 appears twice/);
    expect(() => mergeShards([{ name: 'a', text: row(0, 2) }, { name: 'b', text: row(1, 3) }])).toThrow(/grid of 3 runs/);
  });

  it('a grid past the limit, a bad setting and a bad shard are usage errors (exit 2) before any run, without a stack', () => {
    const big = mksim('sweep', HELLO, '--seeds', `1..${MAX_GRID_RUNS}`, '--set', 'clock.mode=tickless,periodic');
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`the grid has ${2 * MAX_GRID_RUNS} runs`);
    const key = mksim('sweep', HELLO, '--seeds', '1..2', '--set', 'clock.speed=1,2');
    expect(key.code).toBe(2);
    expect(key.stderr).toContain("clock has no key 'speed'");
    const value = mksim('sweep', HELLO, '--seeds', '1', '--set', 'clock.mode=tickless,sometimes');
    expect(value.code).toBe(2);
    for (const [args, text] of [[['--seeds', '3..1'], '--seeds'], [['--seeds', '1', '--shard', '4/4'], '--shard'], [['--seeds', '1', '--jobs', '0'], '--jobs']] as const) {
      const r = mksim('sweep', HELLO, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(text);
      expect(r.stderr).not.toContain('    at ');
    }
    writeFileSync(join(dir, 'junk.jsonl'), 'not json\n');
    expect(mksim('sweep', 'merge', join(dir, 'junk.jsonl')).code).toBe(1);
  });
});
