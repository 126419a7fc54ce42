import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from '../../kernel/json.js';
import { serializeRecord } from '../../kernel/jsonl-sink.js';

describe('the trace JSON encoder', () => {
  it('gives exactly the text JSON.stringify gives for plain data', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(toJson(v)).toBe(JSON.stringify(v));
    }), { numRuns: 2000 });
  });

  it('handles strings with quotes, controls, non-ASCII and lone surrogates', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(toJson(s)).toBe(JSON.stringify(s));
      expect(toJson({ [s]: s })).toBe(JSON.stringify({ [s]: s }));
    }), { numRuns: 2000 });
  });

  it('serializes message, sched and other records as JSON.stringify would', () => {
    const recs = [
      { seq: 5, t: 200, ev: 'send', id: 1, src: 'c', dst: 'fs', type: 'PING', cause: null, msg: { n: 0, path: '/a "b"' } },
      { seq: 6, t: 200, ev: 'reply', id: 2, src: 'fs', dst: 'c', type: 'PONG', cause: 1, re: 1, msg: { done: [1024, 0] } },
      { seq: 7, t: 200, ev: 'send', id: 3, src: 'a', dst: 'b', type: 'X', cause: 2, async: true },
      { seq: 8, t: 300, ev: 'sched', from: null, to: 'fs' },
      { seq: 8, t: 300, ev: 'sched', from: 'a', to: 'fs', waitNs: 0 },
      { seq: 8, t: 300, ev: 'sched', from: 'a', to: 'b', waitNs: 1200, preempted: true },
      { seq: 8, t: 300, ev: 'sched', from: 'a', to: null },
      { seq: 9, t: 300, ev: 'log', proc: 'init', text: 'tab\there' },
      { seq: 10, t: 300, ev: 'disk', op: 'read', block: 7, infinite: Infinity },
    ];
    for (const r of recs) expect(serializeRecord(r)).toBe(JSON.stringify(r) + '\n');
  });
});
