import { describe, expect, it } from 'vitest';
import { EBADCALL, EINVAL, sendrec, type Envelope, type KernelCall } from '../../kernel/index.js';
import { isInt, serve } from '../../lib/server.js';
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
