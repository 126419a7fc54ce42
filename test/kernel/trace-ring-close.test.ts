/*
 * The trace ring's close against a writer thread that is between the two
 * loads of its idle check: the last slot and the close must not be missed.
 * The race was seen once in CI (an `mksim boot --trace` of hello.boot left
 * an empty file with exit 0); TraceRing's idlePauseMs widens the window
 * so the test sees it every time.
 */
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { JsonlEncoder } from '../../kernel/jsonl-sink.js';
import { ByteWriter } from '../../kernel/byte-writer.js';
import { TraceRing } from '../../kernel/trace-ring.js';
import type { TraceRecord } from '../../kernel/trace.js';

function expectedBytes(records: TraceRecord[]): string {
  const chunks: Uint8Array[] = [];
  const writer = new ByteWriter(1 << 16, (b) => chunks.push(b.slice()));
  const enc = new JsonlEncoder(writer);
  for (const r of records) enc.record(r);
  writer.flush();
  return Buffer.concat(chunks).toString('utf8');
}

describe('closing the trace ring', () => {
  it('a slot published and the ring closed while the writer is in its idle check are both written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-ring-close-'));
    const path = join(dir, 't.jsonl');
    const fd = openSync(path, 'w');
    const ring = new TraceRing(fd, 256, undefined, 400);
    // The writer starts, finds nothing to do and pauses inside its idle check.
    await sleep(150);
    const records: TraceRecord[] = [
      { seq: 1, t: 0, ev: 'spawn', proc: 'init' },
      { seq: 2, t: 5, ev: 'exit', proc: 'init', status: 0 },
    ];
    for (const r of records) ring.record(r);
    ring.close();
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(expectedBytes(records));
  });
});
