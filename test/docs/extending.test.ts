/*
 * docs/extending.md's worked system call is the project's: each snippet is
 * in the file it names, exactly, and the example script prints what the
 * page shows. The page's first example is what examples/student.boot prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

const doc = readFileSync('docs/extending.md', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'mksim-extending-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fenced blocks that follow a `<!-- tag -->` comment. */
function blocks(tag: RegExp): { tag: string; text: string }[] {
  return [...doc.matchAll(/<!-- (.*?) -->\n```\w*\n([\s\S]*?)```/g)].filter((m) => tag.test(m[1]!)).map((m) => ({ tag: m[1]!, text: m[2]! }));
}

function boot(path: string): { out: string[]; err: string[]; code: number } {
  const out: string[] = [];
  const err: string[] = [];
  const code = bootScript(path, {}, (l) => out.push(l), (l) => err.push(l));
  return { out, err, code };
}

describe('docs/extending.md', () => {
  it('each snippet of the worked system call is in its file as shown (seven files)', () => {
    const snippets = blocks(/^file: /);
    expect(new Set(snippets.map((s) => s.tag)).size).toBe(7);
    for (const s of snippets) {
      const file = s.tag.slice('file: '.length);
      expect(readFileSync(file, 'utf8'), file).toContain(s.text);
    }
  });

  it('the example script prints what the page shows', () => {
    const [script] = blocks(/^boot$/);
    const [output] = blocks(/^output$/);
    const path = join(dir, 'nprocs.boot');
    writeFileSync(path, script!.text);
    const r = boot(path);
    expect(r.code).toBe(0);
    expect(r.out.join('\n') + '\n').toBe(output!.text);
  });

  it('shows what examples/student.boot prints', () => {
    const shown = /\$ mksim boot examples\/student\.boot\n([\s\S]*?)```/.exec(doc)![1]!;
    const r = boot('examples/student.boot');
    expect(r.code).toBe(0);
    expect([...r.out, r.err.at(-1)].join('\n') + '\n').toBe(shown);
  });
});
