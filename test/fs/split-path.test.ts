/*
 * splitPath (servers/fs/path.ts) scans a path once (issue 20): it must give exactly the components
 * split('/') gives without '' and '.', and the same errors, for every path shape.
 */
import { describe, expect, it } from 'vitest';
import { splitPath } from '../../servers/fs/path.js';

const reference = (path: string): string[] => path.split('/').filter((p) => p !== '' && p !== '.');

describe('splitPath', () => {
  it('gives the components split and filter give', () => {
    const paths = ['/', 'a', '/a', 'a/', '//a//b//', '/./a/./b/.', '.', './', '..', '/../a/..', '/.a/a./...', '/d0/f1', 'x/./.', '/é/ü', '/' + 'n'.repeat(60)];
    for (const p of paths) expect(splitPath(p), p).toEqual(reference(p));
  });

  it('keeps its errors: empty, NUL, a name over NAME_MAX bytes', () => {
    expect(() => splitPath('')).toThrow(/empty path/);
    expect(() => splitPath('/a\0b')).toThrow(/NUL/);
    expect(() => splitPath('/' + 'n'.repeat(61))).toThrow(/exceeds 60 bytes/);
    expect(() => splitPath('/' + 'é'.repeat(31))).toThrow(/exceeds 60 bytes/);
  });
});
