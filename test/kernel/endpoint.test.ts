import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY, EDEADSRCDST, HARDWARE, makeEndpoint, MAX_GENERATION, MAX_SLOTS, nextGeneration, NONE, NR_SLOTS, receive, SELF,
  send, generationOf, slotOf, type Envelope,
} from '../../kernel/index.js';
import { testSystem } from './helpers.js';

const SPECIAL = [ANY, NONE, SELF, HARDWARE];

describe('endpoint constants lie outside the endpoint space', () => {
  it('no process endpoint of any slot equals ANY, NONE, SELF or HARDWARE, at the edge generations', () => {
    const generations = [0, 1, 2, 29, 30, 31, 32, 33, 34, MAX_GENERATION - 1, MAX_GENERATION];
    for (const g of generations) {
      // Slot 0 is the kernel's (HARDWARE); processes get 1 .. NR_SLOTS - 1.
      for (let slot = 1; slot < NR_SLOTS; slot++) {
        const ep = makeEndpoint(g, slot);
        if (SPECIAL.includes(ep)) throw new Error(`makeEndpoint(${g}, ${slot}) = ${ep} is a special endpoint`);
        expect(slotOf(ep) === slot && generationOf(ep) === g).toBe(true);
      }
    }
  });

  it('no process endpoint equals a special one, for any generation and slot (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_GENERATION }), fc.integer({ min: 1, max: NR_SLOTS - 1 }), (g, slot) => {
      const ep = makeEndpoint(g, slot);
      return !SPECIAL.includes(ep) && ep <= 0x7fffffff && slotOf(ep) === slot && generationOf(ep) === g;
    }), { numRuns: 20_000 });
  });

  it('ANY, NONE and SELF are distinct and do not name a process slot', () => {
    expect(new Set(SPECIAL).size).toBe(4);
    for (const e of [ANY, NONE, SELF]) expect(slotOf(e)).toBeGreaterThanOrEqual(NR_SLOTS);
    expect(NR_SLOTS).toBeLessThan(MAX_SLOTS);
    expect(() => makeEndpoint(0, NR_SLOTS)).toThrow(RangeError);
    expect(() => makeEndpoint(MAX_GENERATION + 1, 1)).toThrow(RangeError);
  });

  it('generations wrap to 1 past the largest, as MINIX do_fork does (0 stays the boot image\'s)', () => {
    expect(nextGeneration(-1)).toBe(0);
    expect(nextGeneration(0)).toBe(1);
    expect(nextGeneration(MAX_GENERATION - 1)).toBe(MAX_GENERATION);
    expect(nextGeneration(MAX_GENERATION)).toBe(1);
  });

  it('the 31st process in slot 718 is a process like any other (it used to get ANY, 0x7ace)', () => {
    const sys = testSystem();
    const k = sys.kernel;
    // Slots 1..717 taken by processes that wait forever; then slot 718 is used 30 times.
    for (let i = 1; i <= 717; i++) sys.spawn(`hold${i}`, function* () { yield receive(ANY); });
    for (let i = 0; i < 30; i++) {
      sys.spawn(`brief${i}`, function* () { /* exits at once */ });
      k.run();
    }
    const got: string[] = [];
    const target = sys.spawn('target', function* () {
      const m: Envelope = yield receive(ANY);
      got.push(m.type);
    });
    expect(target % 1024).toBe(718);
    expect(target).not.toBe(ANY);
    expect(target).not.toBe(NONE);
    expect(target).not.toBe(SELF);
    let sent: number | null = null;
    sys.spawn('sender', function* () { sent = yield send(target, { type: 'HELLO' }); });
    k.run();
    expect(sent).toBe(0);
    expect(sent).not.toBe(-EDEADSRCDST);
    expect(got).toEqual(['HELLO']);
  });
});
