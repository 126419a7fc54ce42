import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '../../../cli/commands/trace.js';
import { escapeMermaid } from '../../../cli/trace/mermaid.js';
import type { ChromeEvent } from '../../../cli/trace/chrome.js';
import { runFixtureSystem } from './fixture-system.js';
import { perfettoMaxDepth } from './perfetto-depth.js';
import { collectOutput, FIXTURES, tempTrace } from './helpers.js';

const SMALL = join(FIXTURES, 'small.jsonl');

async function exportText(path: string, format: string, extra: Record<string, string | string[]> = {}): Promise<string> {
  const out = collectOutput();
  await exportTrace(path, { format, ...extra }, out);
  return out.text();
}

/**
 * The structural rules Perfetto's importer relies on; returns the problems found.
 * Events are not in time order in the file (importers sort them), so the check sorts too.
 */
function perfettoProblems(events: ChromeEvent[]): string[] {
  const problems: string[] = [];
  const named = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}`));
  const outs = new Map<number, number>();
  const ins = new Map<number, number>();
  for (const e of events) {
    if (e.ph === 'M') continue;
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) problems.push(`no ts: ${JSON.stringify(e)}`);
    const track = e.ph === 'C' ? `counter ${e.pid}/${e.name}` : `${e.pid}/${e.tid}`;
    if (e.ph !== 'C' && !named.has(track)) problems.push(`slice on an unnamed track: ${JSON.stringify(e)}`);
    if (e.ph === 'X' && !(typeof e.dur === 'number' && e.dur >= 0)) problems.push(`X without dur: ${JSON.stringify(e)}`);
    if (e.bind_id !== undefined) {
      if (e.ph !== 'X') problems.push(`flow on a non-slice: ${JSON.stringify(e)}`);
      if (e.flow_out) outs.set(e.bind_id, (outs.get(e.bind_id) ?? 0) + 1);
      if (e.flow_in) ins.set(e.bind_id, (ins.get(e.bind_id) ?? 0) + 1);
    }
  }
  for (const id of new Set([...outs.keys(), ...ins.keys()])) {
    if (outs.get(id) !== 1 || ins.get(id) !== 1) problems.push(`flow ${id}: ${outs.get(id) ?? 0} out, ${ins.get(id) ?? 0} in`);
  }
  const depth = perfettoMaxDepth(events);
  if (depth.max > 3) problems.push(`slices nest ${depth.max} deep on ${depth.track}`);
  return problems;
}

describe('mksim trace export --format chrome', () => {
  it('is structurally valid: named tracks, flows paired, time never goes back on a track', async () => {
    const trace = JSON.parse(await exportText(SMALL, 'chrome')) as { traceEvents: ChromeEvent[]; displayTimeUnit: string };
    const events = trace.traceEvents;
    expect(perfettoProblems(events)).toEqual([]);
    const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name);
    expect(threads).toEqual(expect.arrayContaining(['cpu', 'clock', 'disk', 'fs', 'alice', 'bob', 'hardware']));
    // Every delivered message is one arrow: 60 messages in the small trace, all delivered.
    expect(events.filter((e) => e.flow_out).length).toBe(60);
    expect(events.filter((e) => e.ph === 'i' && e.cat === 'state').length).toBe(20);
    expect(events.some((e) => e.ph === 'C' && e.name === 'buffer cache' && typeof e.args?.['hit ratio'] === 'number')).toBe(true);
    const cyl = events.filter((e) => e.ph === 'C' && e.name === 'disk head');
    expect(cyl.length).toBe(20);
    // ts in µs: the first READ is sent at 600 ns.
    expect(events.find((e) => e.name === 'send READ')!.ts).toBe(0.6);
  });

  it('a message handler slice spans from delivery to its last action (fs handling READ #1 ends at its reply)', async () => {
    const events = (JSON.parse(await exportText(SMALL, 'chrome')) as { traceEvents: ChromeEvent[] }).traceEvents;
    const handling = events.find((e) => e.ph === 'X' && e.cat === 'handle' && e.args!.id === 1)!;
    expect(handling.ts).toBe(0.6);
    expect(handling.ts! + handling.dur!).toBeCloseTo(236.151, 6);
  });

  it('stays valid on a bigger run with filters, and sends never delivered get no arrow', async () => {
    const path = tempTrace(runFixtureSystem({ seed: 3, reads: 40, clients: ['a', 'b', 'c'] }));
    expect(perfettoProblems((JSON.parse(await exportText(path, 'chrome')) as { traceEvents: ChromeEvent[] }).traceEvents)).toEqual([]);
    expect(perfettoProblems((JSON.parse(await exportText(path, 'chrome', { actor: ['fs'] })) as { traceEvents: ChromeEvent[] }).traceEvents)).toEqual([]);
    const cut = tempTrace('{"seq":1,"t":0,"ev":"send","id":1,"src":"a","dst":"b","type":"X","cause":null}\n');
    const events = (JSON.parse(await exportText(cut, 'chrome')) as { traceEvents: ChromeEvent[] }).traceEvents;
    expect(events.some((e) => e.bind_id !== undefined)).toBe(false);
  });
});

describe('mksim trace export --format mermaid', () => {
  it('matches the golden diagram of the small trace (--max 40)', async () => {
    const text = await exportText(SMALL, 'mermaid', { max: '40' });
    const path = join(FIXTURES, 'small.mmd');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, 'utf8'));
  });

  it('declares participants in spawn order, whatever the window', async () => {
    const late = await exportText(SMALL, 'mermaid', { from: '2ms' });
    const order = [...late.matchAll(/participant p(\d+) as (\S+)/g)].map((m) => Number(m[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(late).toContain('participant p1 as clock');
  });

  it('escapes text that would break the diagram', async () => {
    expect(escapeMermaid('end; graph TD #1 <b>')).toBe('#101;nd#59; graph TD #35;1 #60;b#62;');
    const text = await exportText(SMALL, 'mermaid', { type: ['end'] });
    expect(text).toContain('p4->>p3: #101;nd text=#34;#101;nd#59; graph TD #35;1 #60;b#62;#34;');
    for (const line of text.split('\n').slice(1)) expect(line.slice(line.indexOf(': ') + 2).replace(/#\d+;/g, '')).not.toMatch(/\bend\b|[;#<>]/);
  });

  it('--max bounds the diagram and says how much was left out', async () => {
    const text = await exportText(SMALL, 'mermaid', { max: '5' });
    expect(text.trim().split('\n').filter((l) => l.includes('>>') || l.includes('-)') || l.includes('Note over p') && !l.includes('more')).length).toBe(5);
    expect(text).toMatch(/Note over p\d+,p\d+: … \d+ more not shown \(--max 5, narrow with --from, --to, --actor\)/);
  });

  it('an unknown format or a bad --max is bad usage', async () => {
    await expect(exportText(SMALL, 'svg')).rejects.toThrow(/--format must be one of perfetto, chrome, mermaid, html/);
    await expect(exportText(SMALL, 'mermaid', { max: '0' })).rejects.toThrow(/--max must be a positive integer/);
  });
});
