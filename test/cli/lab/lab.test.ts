/*
 * `mksim lab`: the labs that boot scripts (selinux, signal-latency, crash-consistency,
 * tick-vs-tickless) print what docs/labs/ quotes, byte for byte; the command lists
 * the labs, writes a deterministic SVG, and refuses bad input cleanly.
 * (buffer-cache and elevator: test/servers/fs/labs.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashConsistencyLab } from '../../../cli/lab/crash-consistency.js';
import { regionsOf, replaceRegions } from '../../../cli/lab/doc-regions.js';
import { LABS } from '../../../cli/lab/registry.js';
import { selinuxLab } from '../../../cli/lab/selinux.js';
import { signalLatencyLab } from '../../../cli/lab/signal-latency.js';
import { tickVsTicklessLab } from '../../../cli/lab/tick-vs-tickless.js';
import { expectDocMatches } from '../../support/lab-docs.js';
import { mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-lab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each lab or sweep runs whole systems; a loaded machine (2 cores shared) needs room. */
const SLOW_MS = 240_000;

describe('mksim lab', () => {
  it('every lab has a doc under docs/labs/ and the doc has a region per section', () => {
    const docs = LABS.map((l) => l.doc).sort();
    expect(docs).toEqual(['buffer-cache.md', 'crash-consistency.md', 'elevator.md', 'labeled-networking.md', 'selinux.md', 'signal-latency.md', 'tick-vs-tickless.md', 'virtual-memory.md']);
    for (const l of LABS) expect(regionsOf(readFileSync(join('docs', 'labs', l.doc), 'utf8'), l.name).size).toBeGreaterThan(0);
  }, SLOW_MS);

  it('selinux: the transcripts, the transition and the AVC counts in the doc are what the lab prints', () => {
    const result = selinuxLab.run({});
    expectDocMatches(selinuxLab, result);
    const [enforcing, permissive, su] = result.data as { exitCode: number; denials: number; granted: number }[];
    expect(enforcing).toMatchObject({ exitCode: 0, denials: 2, granted: 1 });
    expect(permissive).toMatchObject({ exitCode: 1, denials: 6, granted: 1 });
    // selinux-su.boot: root in user_t writing shadow, passwd's tclass=passwd, su2 reading shadow; the admin's write.
    expect(su).toMatchObject({ exitCode: 1, denials: 3, granted: 1 });
    // Two runs in one process: the same bytes (no module-level state, no wall clock).
    expect(selinuxLab.run({}).plot).toBe(result.plot);
  }, SLOW_MS);

  it('signal-latency: the three tables in the doc are what the lab prints', () => {
    const result = signalLatencyLab.run({});
    expectDocMatches(signalLatencyLab, result);
    expect((result.data as unknown[]).length).toBe(24 + 24 + 4);
  }, SLOW_MS);

  it('crash-consistency and tick-vs-tickless: the doc tables are what the labs print', () => {
    for (const lab of [crashConsistencyLab, tickVsTicklessLab]) expectDocMatches(lab, lab.run({}));
  }, SLOW_MS);

  it('a changed figure in a region is found, and --update-doc regenerates only the regions', () => {
    const doc = 'intro 12\n<!-- mksim lab x t -->\n| a |\n|---|\n| 1 |\n<!-- end -->\nafter 34\n';
    expect(regionsOf(doc, 'x').get('t')).toBe('| a |\n|---|\n| 1 |');
    const { text, missing } = replaceRegions(doc, 'x', [{ name: 't', title: 'T', text: '| a |\n|---|\n| 2 |' }, { name: 'u', title: 'U', text: '' }]);
    expect(text).toBe('intro 12\n<!-- mksim lab x t -->\n| a |\n|---|\n| 2 |\n<!-- end -->\nafter 34\n');
    expect(missing).toEqual(['u']);
  }, SLOW_MS);

  it('an empty region (its end marker on the next line) is empty, and regenerating it leaves the next region alone', () => {
    const doc = '<!-- mksim lab x a -->\n<!-- end -->\nmid\n<!-- mksim lab x b -->\nB1\n<!-- end -->\n';
    expect(regionsOf(doc, 'x')).toEqual(new Map([['a', ''], ['b', 'B1']]));
    const { text, missing } = replaceRegions(doc, 'x', [{ name: 'a', title: 'A', text: 'A2' }, { name: 'b', title: 'B', text: 'B2' }]);
    expect(text).toBe('<!-- mksim lab x a -->\nA2\n<!-- end -->\nmid\n<!-- mksim lab x b -->\nB2\n<!-- end -->\n');
    expect(missing).toEqual([]);
    // Regenerated empty, the region reads back empty.
    expect(regionsOf(replaceRegions(doc, 'x', [{ name: 'b', title: 'B', text: '' }]).text, 'x').get('b')).toBe('');
  }, SLOW_MS);

  it('lists the labs without a name; runs one, prints its tables and writes an SVG plot, the same on a second run', () => {
    const list = mksim('lab');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(LABS.map((l) => l.name));
    const a = mksim('lab', 'selinux', '--plot', join(dir, 'a.svg'));
    const b = mksim('lab', 'selinux', '--plot', join(dir, 'b.svg'));
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('| enforcing | fs | 140 | 114 | 26 | 0.81 |');
    expect(b.stdout).toBe(a.stdout);
    const svg = readFileSync(join(dir, 'a.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<rect x=');
    expect(readFileSync(join(dir, 'b.svg'), 'utf8')).toBe(svg);
    const json = mksim('lab', 'crash-consistency', '--json');
    expect(JSON.parse(json.stdout).data[0]).toMatchObject({ robust: false, writesTotal: 81, syncedDataLost: 0 });
  }, SLOW_MS);

  it('an unknown lab or a plot that is not .svg is a usage error (exit 2) naming the labs, without a stack', () => {
    const r = mksim('lab', 'nosuch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('buffer-cache, crash-consistency');
    expect(r.stderr).not.toContain('    at ');
    const p = mksim('lab', 'selinux', '--plot', join(dir, 'x.png'));
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('.svg');
  }, SLOW_MS);
});
