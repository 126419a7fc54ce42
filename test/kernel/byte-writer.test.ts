import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../kernel/byte-writer.js';
import { RouteCache, serializeRecord, writeRecord } from '../../kernel/jsonl-sink.js';
import type { TraceRecord } from '../../kernel/trace.js';

function encode(fill: (w: ByteWriter) => void, capacity = 64): string {
  const chunks: Uint8Array[] = [];
  const w = new ByteWriter(capacity, (b) => chunks.push(b.slice()));
  fill(w);
  w.flush();
  return Buffer.concat(chunks).toString('utf8');
}

describe('the byte-level JSON writer', () => {
  it('writes any JSON value as JSON.stringify does, across chunk boundaries', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.integer({ min: 16, max: 256 }), (v, cap) => {
      expect(encode((w) => w.value(v), cap)).toBe(JSON.stringify(v));
    }), { numRuns: 2000 });
  });

  it('writes integers of every size exactly', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat(), fc.constantFrom(0, 9, 10, 999_999_999, 1_000_000_000, 1_000_000_001, -1)), (n) => {
      expect(encode((w) => w.int(n))).toBe(String(n));
    }), { numRuns: 2000 });
  });

  it('writes strings with escapes, non-ASCII text and lone surrogates', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(encode((w) => w.string(s), 32)).toBe(JSON.stringify(s));
    }), { numRuns: 2000 });
  });

  it('encodes trace records to the same bytes as serializeRecord', () => {
    const recordArb = fc.oneof(
      fc.record({
        seq: fc.nat(), t: fc.maxSafeNat(), ev: fc.constantFrom('send', 'deliver', 'reply', 'notify'), id: fc.nat(),
        src: fc.string(), dst: fc.string(), type: fc.string(), cause: fc.option(fc.nat(), { nil: null }),
      }, { requiredKeys: ['seq', 't', 'ev', 'id', 'src', 'dst', 'type', 'cause'] }).chain((base) => fc.record({
        re: fc.option(fc.nat(), { nil: undefined }), msg: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
      }).map((extra) => {
        const rec: Record<string, unknown> = { ...base };
        if (extra.re !== undefined) rec.re = extra.re;
        if (extra.msg !== undefined) rec.msg = extra.msg;
        return rec;
      })),
      fc.record({ seq: fc.nat(), t: fc.maxSafeNat(), ev: fc.constant('sched'), from: fc.option(fc.string(), { nil: null }), to: fc.option(fc.string(), { nil: null }) }),
      // The kernel's full sched shape: waitNs, and preempted when true.
      fc.record({ seq: fc.nat(), t: fc.maxSafeNat(), ev: fc.constant('sched'), from: fc.option(fc.string(), { nil: null }), to: fc.string(), waitNs: fc.maxSafeNat(), preempted: fc.constant(true) }),
      fc.record({ seq: fc.nat(), t: fc.maxSafeNat(), ev: fc.string(), proc: fc.string(), extra: fc.jsonValue() }),
    );
    // One cache across the runs, as a sink keeps one: a cached route must give the same bytes.
    const routes = new RouteCache();
    fc.assert(fc.property(recordArb, (rec) => {
      const r = rec as unknown as TraceRecord;
      expect(encode((w) => writeRecord(w, r, routes), 64)).toBe(serializeRecord(r));
      expect(serializeRecord(r)).toBe(JSON.stringify(r) + '\n');
    }), { numRuns: 1000 });
  });
});
