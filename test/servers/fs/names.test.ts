import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedNameBytes, encodeName, NameCache } from '../../../servers/fs/layout.js';

describe('directory entry names', () => {
  it('encodedNameBytes counts what TextEncoder writes, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
      expect(encodedNameBytes(name)).toBe(new TextEncoder().encode(name).length);
    }), { numRuns: 300 });
    expect(encodedNameBytes('\ud800')).toBe(3);
    expect(encodedNameBytes('\ud83d\ude00')).toBe(4);
  });

  it('a NameCache gives the same bytes as encodeName, before and after it is full', () => {
    const cache = new NameCache();
    for (let i = 0; i < 5000; i++) {
      const name = `n${i % 4500}-é`;
      expect(cache.encode(name)).toEqual(encodeName(name));
    }
  });

  it('two caches share nothing', () => {
    const a = new NameCache();
    const b = new NameCache();
    expect(a.encode('x')).not.toBe(b.encode('x'));
    expect(a.encode('x')).toBe(a.encode('x'));
  });
});
