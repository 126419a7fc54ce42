/*
 * The trace ring (kernel/trace-ring.ts) and its writer thread write the
 * bytes the in-thread encoder (JsonlEncoder) writes: for random sequences of
 * every sink call through slots small enough to wrap the ring many times
 * (the kernel's thread then waits for the writer). test/kernel/jsonl-sink.test.ts
 * compares, for every example, the file with JsonlEncoder's bytes and with JSON.stringify.
 */
import fc from 'fast-check';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../kernel/message.js';
import { TraceRing } from '../../kernel/trace-ring.js';
import type { MessageEv, TracedPayload, TraceSink } from '../../kernel/trace.js';
import { memoryEncoder } from './trace-memory.js';

type Call = (s: TraceSink) => void;

const name = fc.oneof(fc.constantFrom('fs', 'pm', 'init', 'disk0', 'clock', 'a"b', 'é\u0001'), fc.string({ maxLength: 200, unit: 'binary' }));
const value = fc.oneof(
  fc.integer(), fc.double(), fc.constantFrom(-0, NaN, Infinity, 2 ** 60, 1e21, 123_456_789_012), fc.boolean(),
  fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 3000 }), fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }), fc.uint8Array({ maxLength: 20 }), fc.constant(null),
);
const payload: fc.Arbitrary<TracedPayload> = fc.oneof(
  fc.constant(undefined),
  fc.record({ bits: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  fc.tuple(fc.string({ maxLength: 12 }), fc.dictionary(fc.oneof(fc.constantFrom('n', 'path', 'status', 'source'), fc.string({ maxLength: 300 })), value, { maxKeys: 6 }))
    .map(([type, fields]) => ({ ...fields, type }) as unknown as Message),
);
const ev = fc.constantFrom<MessageEv>('send', 'deliver', 'reply', 'notify');
const time = fc.oneof(fc.nat(), fc.maxSafeNat());
const host = fc.option(fc.constantFrom('alpha', 'beta'), { nil: undefined });

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ t: time, ev, id: fc.nat(), src: name, dst: name, type: name, cause: fc.nat(), re: fc.nat(), async: fc.boolean(), msg: payload, host })
    .map((m) => (s: TraceSink) => s.message(1, m.t, m.ev, m.id, m.src, m.dst, m.type, m.cause, m.re, m.async, m.msg, m.host)),
  fc.record({ t: time, from: fc.option(name, { nil: null }), to: fc.option(name, { nil: null }), wait: fc.option(fc.nat(), { nil: undefined }), pre: fc.boolean(), host })
    .map((r) => (s: TraceSink) => s.sched(1, r.t, r.from, r.to, r.wait, r.pre, r.host)),
  fc.record({ t: time, detail: fc.jsonValue({ maxDepth: 2 }) })
    .map((r) => (s: TraceSink) => s.record({ seq: 1, t: r.t, ev: 'log', detail: r.detail })),
);

/** Replay calls into a sink, seq counting up from 1 with a gap now and then (the writer increments the last seq's digits). */
function replay(calls: readonly Call[], sink: TraceSink): void {
  let seq = 0;
  const next = (): number => (seq += seq % 37 === 36 ? 5 : 1);
  const numbered: TraceSink = {
    message: (_s, ...rest) => sink.message(next(), ...rest),
    sched: (_s, ...rest) => sink.sched(next(), ...rest),
    record: (rec) => sink.record({ ...rec, seq: next() }),
  };
  for (const c of calls) c(numbered);
}

describe('the trace ring and its writer thread', () => {
  it('writes the bytes JsonlEncoder writes for any sequence of records, through a ring that wraps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-ring-'));
    let n = 0;
    // A small shape limit mixes records sent as shapes with records sent as JSON (past the limit).
    fc.assert(fc.property(fc.array(call, { minLength: 1, maxLength: 400, size: 'max' }), fc.constantFrom(0, 5, 2048), (calls, shapeLimit) => {
      const path = join(dir, `${n++}.jsonl`);
      const fd = openSync(path, 'w');
      const ring = new TraceRing(fd, 256, shapeLimit);
      replay(calls, ring);
      ring.close();
      closeSync(fd);
      const expected = memoryEncoder();
      replay(calls, expected.sink);
      expect(readFileSync(path, 'utf8')).toBe(expected.text());
    }), { numRuns: 30, endOnFailure: true });
  });

  it('waits for the writer when every slot is full, and loses nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mksim-ring-')), 'many.jsonl');
    const fd = openSync(path, 'w');
    const ring = new TraceRing(fd, 256);
    for (let i = 0; i < 50_000; i++) ring.message(i + 1, i * 10, 'send', i, 'client', 'fs', 'PING', i - 1, 0, false, { type: 'PING', n: i } as unknown as Message, undefined);
    ring.close();
    closeSync(fd);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(50_001);
    expect(JSON.parse(lines[49_999]!)).toEqual({ seq: 50_000, t: 499_990, ev: 'send', id: 49_999, src: 'client', dst: 'fs', type: 'PING', cause: 49_998, msg: { n: 49_999 } });
  });

  it('reports a failed write at close', () => {
    const fd = openSync('/dev/full', 'w');
    const ring = new TraceRing(fd, 256);
    for (let i = 0; i < 1000; i++) ring.sched(i + 1, i, 'a', 'b', 0, false, undefined);
    expect(() => ring.close()).toThrow(/writing the trace file failed/);
    closeSync(fd);
  });
});
