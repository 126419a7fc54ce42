/*
 * The timeline export's search sidecar (cli/trace/timeline-text.ts) on a hand-made trace whose
 * answers are known: payload text per row, error and AVC flags, CPU charged to the message its
 * actor was handling, disk times on the request they served, latency histograms.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../kernel/index.js';
import { FLAG_AVC, FLAG_ERROR, latencyBucket, TEXT_MAX_CHARS, TimelineText } from '../../../cli/trace/timeline-text.js';
import { tempDir } from './helpers.js';

function read(dir: string, file: string, fn: string): unknown {
  const text = readFileSync(join(dir, 'chunks', file), 'utf8');
  expect(text.startsWith(`${fn}(0,`)).toBe(true);
  return JSON.parse(text.slice(`${fn}(0,`.length, text.lastIndexOf(');')));
}

/** Feed records as timeline.ts does: a new message's row first, then every record to observe. */
function feed(text: TimelineText, records: Record<string, unknown>[]): void {
  let row = 0;
  records.forEach((r, i) => {
    const rec = { seq: i + 1, ...r } as TraceRecord;
    if (rec.ev === 'send' || rec.ev === 'reply' || rec.ev === 'notify') text.row(0, row++, rec, 0);
    text.observe(rec, 0);
  });
}

describe('the timeline search sidecar', () => {
  it('keeps each row\'s payload, flags errors and denials, and charges CPU and disk times to the message being handled', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'chunks'));
    const text = new TimelineText(dir);
    feed(text, [
      { t: 100, ev: 'sched', from: null, to: 'a' },
      { t: 100, ev: 'send', id: 1, src: 'a', dst: 'b', type: 'REQ', cause: null, msg: { x: 1 } },
      // a ran 100..150 handling nothing: charged to no message.
      { t: 150, ev: 'sched', from: 'a', to: 'b' },
      { t: 150, ev: 'deliver', id: 1, src: 'a', dst: 'b', type: 'REQ', cause: null },
      { t: 200, ev: 'disk', proc: 'b', device: 'disk0', cause: 1, seekNs: 10, rotNs: 20, xferNs: 30 },
      { t: 300, ev: 'avc', proc: 'b', decision: 'denied', perms: ['read'], scontext: 's', tcontext: 't', tclass: 'file' },
      { t: 400, ev: 'reply', id: 2, src: 'b', dst: 'a', type: 'REQ_REPLY', cause: 1, re: 1, msg: { status: -13 } },
      { t: 400, ev: 'deliver', id: 2, src: 'b', dst: 'a', type: 'REQ_REPLY', cause: 1 },
      // b ran 150..450 handling #1.
      { t: 450, ev: 'sched', from: 'b', to: 'a' },
      { t: 500, ev: 'notify', id: 3, src: 'clock', dst: 'b', type: 'NOTIFY', cause: null, msg: { long: 'x'.repeat(400) } },
    ]);
    text.flush(0);
    const rows = read(dir, '000000.txt.js', 'mksimText') as string[];
    expect(rows[0]).toBe('{"x":1}');
    expect(rows[1]).toBe('{"status":-13}');
    expect(rows[2]!.length).toBe(TEXT_MAX_CHARS);
    expect(rows[2]!.endsWith('…')).toBe(true);
    expect(read(dir, '000000.x.js', 'mksimExtra')).toEqual({
      flags: [[0, FLAG_AVC], [1, FLAG_ERROR]],
      cpu: [[0, 300]],
      disk: [[0, 10, 20, 30]],
      re: [],
      avc: [[0, 'avc: denied { read } scontext=s tcontext=t tclass=file']],
    });
    const meta = text.meta();
    expect(meta).toMatchObject({ errors: 1, denials: 1, avcUnplaced: 0 });
    // REQ: delivered after 50 ns (32..63: bucket 6), answered after 300 ns (256..511: bucket 9); its reply at once.
    expect(meta.latency.REQ).toEqual({ queue: [0, 0, 0, 0, 0, 0, 1], rtt: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] });
    expect(meta.latency.REQ_REPLY).toEqual({ queue: [1], rtt: [] });
    expect(meta.latency.NOTIFY).toBeUndefined();
  });

  it('a denial whose message\'s chunk is already written is counted, not lost silently; re is kept where it is not the cause', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'chunks'));
    const text = new TimelineText(dir);
    feed(text, [
      { t: 10, ev: 'send', id: 1, src: 'a', dst: 'b', type: 'REQ', cause: null },
      { t: 10, ev: 'deliver', id: 1, src: 'a', dst: 'b', type: 'REQ', cause: null },
      { t: 20, ev: 'notify', id: 2, src: 'clock', dst: 'b', type: 'NOTIFY', cause: null },
      { t: 30, ev: 'reply', id: 3, src: 'b', dst: 'a', type: 'REQ_REPLY', cause: 2, re: 1 },
    ]);
    text.flush(0);
    expect((read(dir, '000000.x.js', 'mksimExtra') as { re: unknown }).re).toEqual([[2, 1]]);
    text.observe({ seq: 9, t: 40, ev: 'avc', proc: 'b', decision: 'denied', perms: ['write'], scontext: 's', tcontext: 't', tclass: 'file' } as TraceRecord, 0);
    expect(text.meta()).toMatchObject({ denials: 1, avcUnplaced: 1 });
  });

  it('latency buckets are bit lengths: 0 ns alone, then [2^(k-1), 2^k)', () => {
    expect([0, 1, 2, 3, 4, 255, 256, 511, 512, 2 ** 40].map(latencyBucket)).toEqual([0, 1, 2, 2, 3, 8, 9, 9, 10, 41]);
  });
});
