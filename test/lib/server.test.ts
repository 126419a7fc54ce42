import { describe, expect, it } from 'vitest';
import { EBADCALL, EINVAL, receive, send, senda, sendrec, type Envelope, type KernelCall } from '../../kernel/index.js';
import { followedBy, isInt, serve, serveAfter, withPlainPath } from '../../lib/server.js';
import { testSystem } from '../kernel/helpers.js';

describe('the generic server loop', () => {
  it('answers unknown, prototype-named and malformed requests with an error and keeps serving', () => {
    const sys = testSystem();
    const replies: unknown[] = [];
    sys.spawn('srv', () => serve({
      *ADD(m: Envelope & { a: unknown; b: unknown }) { return { type: 'REPLY', status: 0, sum: (m.a as number) + (m.b as number) }; },
    }, { validate: (m) => (m.type === 'ADD' && !(isInt(m.a) && isInt(m.b)) ? EINVAL : 0) }));
    sys.spawn('cli', function* (): Generator<KernelCall, void, any> {
      for (const msg of [
        { type: 'NOPE' }, { type: 'constructor' }, { type: 'toString' }, { type: 'ADD', a: 'x', b: 2 }, { type: 'ADD', a: 1, b: 2 },
      ]) {
        const r: Envelope = yield sendrec(sys.ep('srv'), msg);
        replies.push((r as Envelope & { status: number; sum?: number }).sum ?? (r as Envelope & { status: number }).status);
      }
    });
    sys.kernel.run();
    expect(replies).toEqual([-EBADCALL, -EBADCALL, -EBADCALL, -EINVAL, 3]);
  });

  it('an actor that yields something other than a kernel call gets EBADCALL, not a crash', () => {
    const sys = testSystem();
    let result: unknown;
    sys.spawn('odd', function* (): Generator<any, void, any> { result = yield 42; });
    sys.kernel.run();
    expect(result).toBe(-EBADCALL);
  });
});

describe('the generic server loop between servers', () => {
  it('drops a stray reply instead of answering it, so two servers never trade errors', () => {
    const sys = testSystem();
    // a asks b something b does not serve, without waiting; b's error reply reaches a,
    // which is receiving: answering it would start a ping-pong of errors between them.
    sys.spawn('a', () => serve({
      *KICK() { yield senda(sys.ep('b'), { type: 'UNKNOWN_TO_B' }); return null; },
    }, { errorReplyType: 'A_REPLY' }));
    sys.spawn('b', () => serve({}, { errorReplyType: 'B_REPLY' }));
    sys.spawn('x', function* (): Generator<KernelCall, void, any> { yield send(sys.ep('a'), { type: 'KICK' }); });
    sys.kernel.run({ untilNs: 1_000_000_000 });
    expect(sys.kernel.messagesTotal).toBe(3); // KICK, UNKNOWN_TO_B, and b's one error reply
    expect(sys.records.filter((r) => r.ev === 'send' && r.src === 'a' && r.type === 'A_REPLY')).toEqual([]);
  });

  it('an error for a sender that is not waiting is dropped, and the server keeps serving', () => {
    const sys = testSystem();
    const answers: unknown[] = [];
    sys.spawn('srv', () => serve({}));
    sys.spawn('fire-and-forget', function* (): Generator<KernelCall, void, any> {
      yield send(sys.ep('srv'), { type: 'NOPE' }); // a plain send: it never receives the error
    });
    sys.spawn('client', function* (): Generator<KernelCall, void, any> {
      answers.push(yield sendrec(sys.ep('srv'), { type: 'ALSO_NOPE' }));
    });
    sys.kernel.run();
    expect(answers).toEqual([expect.objectContaining({ status: -EBADCALL })]);
  });
});

describe('followedBy: one generator, then another made of its result', () => {
  function* counted(log: string[], name: string, n: number): Generator<KernelCall, number, any> {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const got: number = yield { op: 99, name } as unknown as KernelCall;
      log.push(`${name} got ${got}`);
      sum += got;
    }
    return sum;
  }

  it('passes every value through, starts the first lazily and the second with the first\'s result', () => {
    const log: string[] = [];
    const g = followedBy(() => { log.push('first started'); return counted(log, 'a', 2); }, (sum) => { log.push(`then ${sum}`); return counted(log, 'b', 1); });
    expect(log).toEqual([]);
    expect(g.next().done).toBe(false);
    expect(g.next(3).done).toBe(false);
    // a returns 3 + 4: b starts at once, in the same resumption.
    expect(g.next(4)).toMatchObject({ done: false, value: { name: 'b' } });
    expect(g.next(10)).toEqual({ done: true, value: 10 });
    expect(log).toEqual(['first started', 'a got 3', 'a got 4', 'then 7', 'b got 10']);
  });

  it('a nested followedBy runs as the two would: inner stages first, an inner failure to the outer onError', () => {
    const log: string[] = [];
    const inner = (): Generator<KernelCall, number, any> => followedBy(() => counted(log, 'setup', 1), (n) => counted(log, `commands after ${n}`, 1));
    const g = followedBy(inner, (code) => counted(log, `exit ${code}`, 1), () => counted(log, 'crashed', 1));
    expect(g.next()).toMatchObject({ value: { name: 'setup' } });
    expect(g.next(5)).toMatchObject({ value: { name: 'commands after 5' } });
    expect(g.next(6)).toMatchObject({ value: { name: 'exit 6' } });
    expect(g.next(7)).toEqual({ done: true, value: 7 });
    // The inner's second stage throws (as a command that crashes): the outer onError takes over.
    const h = followedBy(() => followedBy(() => counted(log, 'setup', 1), function* (): Generator<KernelCall, number, any> {
      yield { op: 99, name: 'commands' } as unknown as KernelCall;
      throw new Error('crash');
    }), (code) => counted(log, `exit ${code}`, 1), (err) => counted(log, `crashed: ${(err as Error).message}`, 1));
    h.next();
    expect(h.next(1)).toMatchObject({ value: { name: 'commands' } });
    expect(h.next()).toMatchObject({ value: { name: 'crashed: crash' } });
    expect(h.next(2)).toEqual({ done: true, value: 2 });
    expect(log).toEqual(['setup got 5', 'commands after 5 got 6', 'exit 6 got 7', 'setup got 1', 'crashed: crash got 2']);
  });

  it('an exception in the first goes to onError\'s generator, or out when there is none', () => {
    function* failing(): Generator<KernelCall, number, any> {
      yield { op: 99 } as unknown as KernelCall;
      throw new Error('boom');
    }
    const caught: unknown[] = [];
    const g = followedBy(failing, () => counted([], 'never', 1), (err) => { caught.push((err as Error).message); return counted([], 'after', 1); });
    g.next();
    expect(g.next()).toMatchObject({ done: false, value: { name: 'after' } });
    expect(caught).toEqual(['boom']);
    const h = followedBy(failing, () => counted([], 'never', 1));
    h.next();
    expect(() => h.next()).toThrow('boom');
  });

  it('serveAfter runs the setup, then serves plain paths, yielding handlers and null replies with the same kernel calls as the generator form', () => {
    const calls: string[] = [];
    const sys = testSystem();
    sys.spawn('srv', () => serveAfter(function* () { yield send(sys.ep('cli'), { type: 'READY' }); return 40; }, (base) => ({
      table: {
        // The plain path answers 0..9; anything else takes the generator, which asks the helper first.
        ADD: withPlainPath(function* (m: Envelope & { a: number }) {
          const h: Envelope & { n: number } = yield sendrec(sys.ep('helper'), { type: 'ASK' });
          return { type: 'REPLY', status: 0, sum: base + m.a + h.n };
        }, (m: Envelope & { a: number }) => (m.a < 10 ? { type: 'REPLY', status: 0, sum: base + m.a } : undefined)),
        *QUIET() { return null; },
      },
      options: { validate: (m) => (m.type === 'ADD' && !isInt(m.a) ? EINVAL : 0) },
    })));
    sys.spawn('helper', function* (): Generator<KernelCall, void, any> {
      const m: Envelope = yield receive(sys.ep('srv'));
      calls.push('helper asked');
      yield send(m.source, { type: 'ANSWER', n: 1000 });
    });
    const sums: unknown[] = [];
    sys.spawn('cli', function* (): Generator<KernelCall, void, any> {
      yield receive(sys.ep('srv'));
      for (const msg of [{ type: 'ADD', a: 2 }, { type: 'ADD', a: 'x' }, { type: 'NOPE' }, { type: 'ADD', a: 20 }, { type: 'ADD', a: 3 }]) {
        const r: Envelope & { status: number; sum?: number } = yield sendrec(sys.ep('srv'), msg);
        sums.push(r.sum ?? r.status);
      }
      // QUIET gets no reply: a sendnb to it is received and answered by nothing.
      yield send(sys.ep('srv'), { type: 'QUIET' });
      const r: Envelope & { sum: number } = yield sendrec(sys.ep('srv'), { type: 'ADD', a: 1 });
      sums.push(r.sum);
    });
    sys.kernel.run();
    expect(sums).toEqual([42, -EINVAL, -EBADCALL, 1060, 43, 41]);
    expect(calls).toEqual(['helper asked']);
  });

  it('serveAfter passes a throw into a running handler, as yield* would', () => {
    const g = serveAfter(function* () { return 0; }, () => ({
      table: {
        *WAIT() {
          try { yield receive(7); } catch (err) { return { type: 'REPLY', status: -1, why: (err as Error).message }; }
          return null;
        },
      },
    }));
    expect(g.next()).toMatchObject({ done: false, value: { src: expect.anything() } });
    const afterRequest = g.next({ type: 'WAIT', source: 5 });
    expect(afterRequest).toMatchObject({ done: false, value: { src: 7 } });
    const replied = g.throw(new Error('cancelled'));
    expect(replied).toMatchObject({ done: false, value: { dst: 5, msg: { type: 'REPLY', status: -1, why: 'cancelled' } } });
  });

  it('serves a table after its setup, as one program', () => {
    const sys = testSystem();
    sys.spawn('srv', () => followedBy(function* () { yield send(sys.ep('cli'), { type: 'READY' }); return 40; }, (base) => serve({
      *ADD(m: Envelope & { a: number }) { return { type: 'REPLY', status: 0, sum: base + m.a }; },
    })));
    let sum = 0;
    sys.spawn('cli', function* (): Generator<KernelCall, void, any> {
      yield receive(sys.ep('srv'));
      const r: Envelope & { sum: number } = yield sendrec(sys.ep('srv'), { type: 'ADD', a: 2 });
      sum = r.sum;
    });
    sys.kernel.run();
    expect(sum).toBe(42);
  });
});
