/*
 * docs/labs/labeled-networking.md shows what the commands print: each fenced
 * block that starts `$ mksim boot ...` is run (stdout and stderr together, as
 * a terminal shows them with 2>&1) and must print exactly the lines below it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

const DOC = 'docs/labs/labeled-networking.md';

function blocks(text: string): { args: string[]; expected: string[] }[] {
  const out: { args: string[]; expected: string[] }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```' || !lines[i + 1]?.startsWith('$ mksim boot ')) continue;
    const args = lines[i + 1]!.slice('$ mksim boot '.length).split(' ');
    const expected: string[] = [];
    for (i += 2; i < lines.length && lines[i] !== '```'; i++) expected.push(lines[i]!);
    out.push({ args, expected });
  }
  return out;
}

describe(DOC, () => {
  const found = blocks(readFileSync(DOC, 'utf8'));
  it('has the runs it explains', () => expect(found.length).toBe(2));
  for (const b of found) {
    it(`mksim boot ${b.args.join(' ')} prints what the lab shows`, () => {
      const [script, ...rest] = b.args;
      const set: string[] = [];
      for (let i = 0; i < rest.length; i += 2) {
        expect(rest[i]).toBe('--set');
        set.push(rest[i + 1]!);
      }
      const lines: string[] = [];
      bootScript(script!, { set }, (l) => lines.push(l), (l) => lines.push(l));
      expect(lines).toEqual(b.expected);
    });
  }
});
