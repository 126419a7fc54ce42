import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY, EINVAL, MAX_INLINE_BYTES, MAX_MESSAGE_DEPTH, OK, receive, send, sendrec, senda, work, type Envelope,
} from '../../kernel/index.js';
import { copyMessage, CopyPlans, MAX_PLANS_PER_TYPE } from '../../kernel/copy.js';
import { testSystem } from './helpers.js';

interface Payload { type: string; list: number[]; inner: { n: number }; bytes: Uint8Array }

describe('message copying (a receiver never shares a mutable object with its sender)', () => {
  it('a blocked send: the sender changes its message after the send and the receiver does not see it', () => {
    const sys = testSystem();
    let got: Envelope<Payload> | null = null;
    let sent: Payload | null = null;
    sys.spawn('a', function* () {
      const m: Payload = { type: 'M', list: [1, 2], inner: { n: 1 }, bytes: Uint8Array.of(9) };
      sent = m;
      yield send(sys.ep('srv'), m);
      m.list.push(3);
      m.inner.n = 2;
      m.bytes[0] = 0;
      (m as { type: string }).type = 'CHANGED';
    }, 4);
    sys.spawn('srv', function* () {
      yield work(1000); // the sender blocks first: the message waits in the kernel
      got = yield receive(ANY);
      yield work(1000); // the sender runs on and changes its object
    }, 5);
    sys.kernel.run();
    expect(got).not.toBe(sent);
    expect(got!.type).toBe('M');
    expect(got!.list).toEqual([1, 2]);
    expect(got!.inner.n).toBe(1);
    expect(Array.from(got!.bytes)).toEqual([9]);
    // The kernel set the source on the copy, not on the sender's object.
    expect((sent as unknown as { source?: number }).source).toBeUndefined();
  });

  it('a reply: the server changes its reply object after sending and the client keeps what was sent; the client changing its copy does not reach the server', () => {
    const sys = testSystem();
    const reply = { type: 'R', stat: { size: 10 }, names: ['a'] };
    let seenByClient: { stat: { size: number }; names: string[] } | null = null;
    sys.spawn('srv', function* () {
      const m: Envelope = yield receive(ANY);
      yield send(m.source, reply);
      reply.stat.size = 99;
      reply.names.push('b');
    }, 4);
    sys.spawn('client', function* () {
      const r: Envelope & { stat: { size: number }; names: string[] } = yield sendrec(sys.ep('srv'), { type: 'Q' });
      yield work(1000);
      seenByClient = { stat: { size: r.stat.size }, names: [...r.names] };
      r.stat.size = -1;
    }, 5);
    sys.kernel.run();
    expect(seenByClient).toEqual({ stat: { size: 10 }, names: ['a'] });
    expect(reply.stat.size).toBe(99);
  });

  it('senda: the queued message is a copy', () => {
    const sys = testSystem();
    let got: Envelope & { v: { n: number } } | null = null;
    sys.spawn('a', function* () {
      const m = { type: 'A', v: { n: 1 } };
      expect(yield senda(sys.ep('srv'), m)).toBe(OK);
      m.v.n = 2;
      yield receive(ANY); // stays alive: a dead sender's queued senda is dropped (clearEndpoint)
    }, 4);
    sys.spawn('srv', function* () { yield work(1000); got = yield receive(ANY); }, 5);
    sys.kernel.run();
    expect(got!.v.n).toBe(1);
  });

  it('refuses with EINVAL at the send, traced with the reason: a function, a class instance, a cycle, deep nesting, bulk bytes', () => {
    const sys = testSystem();
    const cyclic: Record<string, unknown> = { type: 'C' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { n: 1 };
    for (let i = 0; i < MAX_MESSAGE_DEPTH + 1; i++) deep = { d: deep };
    const bad: Record<string, unknown>[] = [
      { type: 'F', f: () => 1 },
      { type: 'M', map: new Map() },
      cyclic,
      { type: 'D', deep },
      { type: 'B', bytes: new Uint8Array(MAX_INLINE_BYTES + 1) },
      { type: 'NOTIFY' },
    ];
    const results: unknown[] = [];
    let received = 0;
    sys.spawn('srv', function* () { for (;;) { yield receive(ANY); received++; } }, 5);
    sys.spawn('a', function* () {
      for (const m of bad) results.push(yield send(sys.ep('srv'), m as never));
      results.push(yield send(sys.ep('srv'), { type: 'OK', bytes: new Uint8Array(MAX_INLINE_BYTES) }));
    }, 4);
    sys.kernel.run();
    expect(results).toEqual([...bad.map(() => -EINVAL), OK]);
    expect(received).toBe(1);
    const why = sys.records.filter((r) => r.ev === 'error' && r.err === 'EINVAL').map((r) => r.why);
    expect(why).toEqual([
      'message.f is a function',
      'message.map is a Map',
      'message.self is a cycle',
      expect.stringMatching(/nests deeper than 4/),
      'message.bytes holds 65 bytes (more than 64: use a grant)',
      'a forged NOTIFY',
    ]);
  });

  it('copies flat messages field for field and nested ones deeply', () => {
    const flat = { type: 'P', n: 1, s: 'x', b: true, u: undefined, z: null };
    const c = copyMessage(flat)!;
    // The copy has a source field for the kernel to fill in.
    expect(c).toEqual({ source: 0, ...flat });
    expect(c).not.toBe(flat);
    const nested = { type: 'N', a: [{ x: [1, 2] }], o: { p: { q: 'r' } } };
    const d = copyMessage(nested) as unknown as typeof nested;
    expect(d).toEqual({ source: 0, ...nested });
    expect(d.a).not.toBe(nested.a);
    expect(d.a[0]!.x).not.toBe(nested.a[0]!.x);
    expect(d.o.p).not.toBe(nested.o.p);
  });
});

/** The copy as the receiver sees it, key order included (the trace and JSON show that order). */
const shape = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `bytes:${Array.from(x).join(',')}` : x === undefined ? '<undefined>' : x));

/** Every object and array reachable from v. */
function objectsOf(v: unknown, out: Set<unknown> = new Set()): Set<unknown> {
  if (typeof v === 'object' && v !== null) {
    out.add(v);
    for (const x of Object.values(v)) objectsOf(x, out);
  }
  return out;
}

describe('copy plans (a per-shape copier, the same copy made faster)', () => {
  const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.uint8Array({ maxLength: 4 }));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '1', 'source'), tie('v'), { maxKeys: 3 })),
  })).v;
  const message = fc.record({
    type: fc.constantFrom('A', 'B'),
    fields: fc.array(fc.tuple(fc.constantFrom('n', 'm', 'stat', 'names', '0', 'source', 'z'), value), { maxLength: 4 }),
    typeFirst: fc.boolean(),
  }).map(({ type, fields, typeFirst }) => {
    const m: Record<string, unknown> = typeFirst ? { type } : {};
    for (const [k, v] of fields) m[k] = v;
    m.type = type;
    return m;
  });

  it('gives what copyMessage gives, field order included, the first time and from the plan, and shares no object with the message', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 12 }), (messages) => {
      const plans = new CopyPlans();
      for (const m of [...messages, ...messages]) {
        const want = copyMessage(m);
        const got = plans.copy(m);
        expect(got === null).toBe(want === null);
        expect(shape(got)).toBe(shape(want));
        const sent = objectsOf(m);
        for (const o of objectsOf(got)) expect(sent.has(o)).toBe(false);
      }
    }), { numRuns: 300 });
  });

  it('a shape seen once gets a plan; the plan refuses what copyMessage refuses', () => {
    const plans = new CopyPlans();
    expect(plans.copy({ type: 'P', n: 1, o: { x: 1 } })).toEqual({ source: 0, type: 'P', n: 1, o: { x: 1 } });
    expect(plans.size).toBe(1);
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    for (const bad of [() => 1, Symbol('s'), 10n, new Map(), cyclic, new Uint8Array(65)]) {
      expect(plans.copy({ type: 'P', n: bad, o: { x: 1 } })).toBeNull();
      expect(plans.copy({ type: 'P', n: 1, o: bad })).toBeNull();
    }
    class NotPlain { type = 'P'; n = 1; o = { x: 1 }; }
    expect(plans.copy(new NotPlain())).toBeNull();
    expect(plans.size).toBe(1);
  });

  it('a message with more, fewer or reordered keys does not take another shape\'s plan', () => {
    const plans = new CopyPlans();
    plans.copy({ type: 'P', a: 1, b: 2 });
    expect(Object.keys(plans.copy({ type: 'P', b: 2, a: 1 })!)).toEqual(['source', 'type', 'b', 'a']);
    expect(plans.copy({ type: 'P', a: 1 })).toEqual({ source: 0, type: 'P', a: 1 });
    expect(plans.copy({ type: 'P', a: 1, c: 3 })).toEqual({ source: 0, type: 'P', a: 1, c: 3 });
    expect(plans.copy({ type: 'P', a: 1, b: 2, c: 3 })).toEqual({ source: 0, type: 'P', a: 1, b: 2, c: 3 });
    expect(plans.size).toBe(5);
  });

  it('is bounded per type and keeps copying correctly past the bound; a __proto__ key keeps the generic copy', () => {
    const plans = new CopyPlans();
    for (let i = 0; i < MAX_PLANS_PER_TYPE + 5; i++) {
      const m = { type: 'T', [`k${i}`]: i };
      expect(plans.copy(m)).toEqual({ source: 0, ...m });
    }
    expect(plans.size).toBe(MAX_PLANS_PER_TYPE);
    const odd = JSON.parse('{"type":"Q","__proto__":{"polluted":1}}') as object;
    for (let i = 0; i < 2; i++) {
      const c = plans.copy(odd)!;
      expect(shape(c)).toBe(shape(copyMessage(odd)));
      expect(Object.getPrototypeOf(c)).toEqual(Object.getPrototypeOf(copyMessage(odd)));
    }
    expect(plans.size).toBe(MAX_PLANS_PER_TYPE);
  });
});
