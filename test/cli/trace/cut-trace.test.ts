import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, type TraceCut } from '../../../cli/trace/reader.js';
import { mksim } from '../../support/mksim.js';
import { runFixtureSystem, writeTrace } from './fixture-system.js';
import { tempDir } from './helpers.js';

/** A whole trace, and the same trace as an interrupted run leaves it: cut in the middle of a line. */
function cutTrace(): { whole: string; cut: string; recordsBefore: number } {
  const dir = tempDir();
  const whole = join(dir, 'whole.jsonl');
  writeTrace(runFixtureSystem(), whole);
  const text = readFileSync(whole, 'utf8');
  const lines = text.split('\n');
  const keep = 120;
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, lines.slice(0, keep).join('\n') + '\n' + lines[keep]!.slice(0, 25));
  return { whole, cut, recordsBefore: keep };
}

describe('a trace cut by an interrupted run (issue 19 item 4)', () => {
  const { whole, cut, recordsBefore } = cutTrace();

  it('is read up to the partial line, and the cut is reported', async () => {
    const cuts: TraceCut[] = [];
    const seqs: number[] = [];
    const count = await readTrace(cut, (r) => seqs.push(r.seq), { onCut: (c) => cuts.push(c) });
    expect(count).toBe(recordsBefore);
    expect(seqs).toEqual(Array.from({ length: recordsBefore }, (_, i) => i + 1));
    expect(cuts).toEqual([{ file: cut, lineNr: recordsBefore + 1, records: recordsBefore, partialBytes: 25 }]);
  });

  it('a whole trace is not reported as cut, even without its last newline', async () => {
    const cuts: TraceCut[] = [];
    const noNewline = join(tempDir(), 'nonl.jsonl');
    writeFileSync(noNewline, readFileSync(whole, 'utf8').trimEnd());
    const all = await readTrace(whole, () => {}, { onCut: (c) => cuts.push(c) });
    expect(await readTrace(noNewline, () => {}, { onCut: (c) => cuts.push(c) })).toBe(all);
    expect(cuts).toEqual([]);
  });

  it('a malformed line that is not the last is still an error (exit 2, file:line:column)', () => {
    const bad = join(tempDir(), 'bad.jsonl');
    const lines = readFileSync(whole, 'utf8').split('\n');
    writeFileSync(bad, [...lines.slice(0, 5), lines[5]!.slice(0, 10), ...lines.slice(6)].join('\n'));
    const r = mksim('trace', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:6:1: malformed trace record`);
  });

  it.each([
    ['view', ['trace', 'CUT']],
    ['stats', ['trace', 'stats', 'CUT']],
  ])('trace %s shows what is there, warns on stderr and exits 0', (_name, args) => {
    const r = mksim(...args.map((a) => (a === 'CUT' ? cut : a)));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`mksim: warning: ${cut} was cut at line ${recordsBefore + 1} (an interrupted run?): read the ${recordsBefore} records before it, left out a partial line of 25 bytes\n`);
    expect(r.stdout.length).toBeGreaterThan(100);
  });

  it.each(['chrome', 'perfetto', 'mermaid', 'html'])('trace export --format %s -o writes its file', (format) => {
    const out = join(tempDir(), `out.${format}`);
    const r = mksim('trace', 'export', cut, '--format', format, '-o', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('was cut at line');
    expect(existsSync(out)).toBe(true);
    const text = readFileSync(out, 'utf8');
    if (format === 'chrome') expect((JSON.parse(text) as { traceEvents: unknown[] }).traceEvents.length).toBeGreaterThan(50);
    // Trace.packet (field 1, length-delimited) opens a protobuf trace.
    if (format === 'perfetto') expect(readFileSync(out)[0]).toBe(0x0a);
    if (format === 'mermaid') expect(text).toMatch(/^sequenceDiagram\n/);
    if (format === 'html') expect(text).toContain('</html>');
  });
});
