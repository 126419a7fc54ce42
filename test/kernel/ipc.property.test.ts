import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY, OK, receive, send, sendnb, sendrec, notify, work, NOTIFY, type Envelope, type KernelCall } from '../../kernel/index.js';
import { danglingIpcRefs, testSystem } from './helpers.js';

type Step =
  | { op: 'send' | 'sendnb' | 'sendrec'; to: number }
  | { op: 'receive' }
  | { op: 'notify'; to: number }
  | { op: 'work'; ns: number };

const stepArb = (actors: number): fc.Arbitrary<Step> => fc.oneof(
  fc.record({ op: fc.constantFrom('send' as const, 'sendnb' as const, 'sendrec' as const), to: fc.nat({ max: actors - 1 }) }),
  fc.constant({ op: 'receive' as const }),
  fc.record({ op: fc.constant('notify' as const), to: fc.nat({ max: actors - 1 }) }),
  fc.record({ op: fc.constant('work' as const), ns: fc.integer({ min: 0, max: 5000 }) }),
);

const systemArb = fc.integer({ min: 2, max: 5 }).chain((actors) => fc.record({
  priorities: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: actors, maxLength: actors }),
  programs: fc.array(fc.array(stepArb(actors), { maxLength: 12 }), { minLength: actors, maxLength: actors }),
  quantumNs: fc.integer({ min: 500, max: 20_000 }),
}));

interface Outcome { sentOk: Set<string>; received: string[]; trace: string; dangling: string[] }

function runSystem(spec: { priorities: number[]; programs: Step[][]; quantumNs: number }, seed: number): Outcome {
  const sys = testSystem({ seed, quantumNs: spec.quantumNs });
  const sentOk = new Set<string>();
  const received: string[] = [];
  const lines: string[] = [];
  sys.kernel.trace.trace$.subscribe((r) => lines.push(JSON.stringify(r)));
  const names = spec.programs.map((_, i) => `p${i}`);
  const handle = (m: unknown): void => {
    if (typeof m === 'object' && m !== null && (m as Envelope).type !== NOTIFY) received.push((m as Envelope & { tag: string }).tag);
  };
  spec.programs.forEach((steps, i) => {
    sys.spawn(names[i]!, function* (): Generator<KernelCall, void, any> {
      let n = 0;
      for (const step of steps) {
        const tag = `${names[i]}#${n++}`;
        switch (step.op) {
          case 'receive': handle(yield receive(ANY)); break;
          case 'work': yield work(step.ns); break;
          case 'notify': yield notify(sys.ep(names[step.to]!)); break;
          case 'send': case 'sendnb': {
            const to = sys.kernel.procByName(names[step.to]!)?.endpoint ?? -1;
            const r = yield (step.op === 'send' ? send : sendnb)(to, { type: 'M', tag });
            if (r === OK) sentOk.add(tag);
            break;
          }
          case 'sendrec': {
            const to = sys.kernel.procByName(names[step.to]!)?.endpoint ?? -1;
            const r = yield sendrec(to, { type: 'M', tag });
            // A sendrec's request was delivered if the peer answered it or if it is pending nowhere else.
            if (typeof r === 'object') { sentOk.add(tag); handle(r); }
            break;
          }
        }
      }
    }, spec.priorities[i]!);
  });
  sys.kernel.run();
  return { sentOk, received, trace: lines.join('\n'), dangling: danglingIpcRefs(sys.kernel) };
}

describe('IPC properties', () => {
  it('random actor programs never duplicate a message, and every completed send is received exactly once', () => {
    fc.assert(fc.property(systemArb, fc.nat(), (spec, seed) => {
      const { sentOk, received, dangling } = runSystem(spec, seed);
      // Nobody is left blocked on, or holding anything from, a process that exited (clearEndpoint).
      expect(dangling).toEqual([]);
      expect(new Set(received).size).toBe(received.length);
      for (const tag of sentOk) {
        if (!tag.includes('#')) continue;
        expect(received).toContain(tag);
      }
      // Everything received was sent by someone (no invented messages).
      for (const tag of received) expect(tag).toMatch(/^p\d+#\d+$/);
    }), { numRuns: 300 });
  });

  it('the same programs and seed give an identical trace', () => {
    fc.assert(fc.property(systemArb, fc.nat(), (spec, seed) => {
      expect(runSystem(spec, seed).trace).toBe(runSystem(spec, seed).trace);
    }), { numRuns: 100 });
  });
});
