/*
 * The JSONL sink's default path (each message and sched event sent as its
 * shape and numbers through the trace ring, the JSON written by the writer
 * thread, kernel/trace-ring.ts), the in-thread encoder (JsonlEncoder: the
 * events encoded from the kernel's fields, no record object, encodeIn
 * 'kernel') on the same bus, write the bytes JSON.stringify gives for the
 * records an rxjs subscriber sees, for every record kind the examples
 * produce; with a subscriber listening too (the record path, writeRecord)
 * the file is the same, so two runs in one process match.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';
import { attachJsonlSink, type JsonlSink, type Kernel } from '../../kernel/index.js';
import type { TraceSink } from '../../kernel/trace.js';
import { memoryEncoder } from './trace-memory.js';

const scripts = [
  ...readdirSync('examples').filter((f) => f.endsWith('.boot')).sort().map((f) => join('examples', f)),
  join('test', 'fixtures', 'boot', 'pipes.boot'),
];

/** Boot a script; with `tracePath` the sink writes the file; with `lines` a subscriber keeps JSON.stringify of every record. */
function boot(script: string, tracePath: string | undefined, lines: string[] | null, detail: string, inThread?: TraceSink, inThreadPath?: string): number {
  let subscribed = false;
  let attached = false;
  let inThreadSink: JsonlSink | null = null;
  const onKernel = (kernel: Kernel): void => {
    if (inThread !== undefined && !attached) kernel.trace.attach(inThread);
    if (inThreadPath !== undefined && !attached) inThreadSink = attachJsonlSink(kernel.trace, inThreadPath, { encodeIn: 'kernel' });
    attached = true;
    // Several hosts publish on one bus: subscribe once.
    if (lines === null || subscribed) return;
    subscribed = true;
    kernel.trace.trace$.subscribe((rec) => lines.push(JSON.stringify(rec)));
  };
  try {
    return bootScript(script, { seed: '7', traceDetail: detail, ...(tracePath !== undefined ? { trace: tracePath } : {}) }, () => {}, () => {}, onKernel);
  } finally {
    (inThreadSink as JsonlSink | null)?.close();
  }
}

describe('the JSONL sink', () => {
  it('writes, from the kernel\'s fields, the bytes JSON.stringify gives for every record of every example', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-sink-'));
    const kinds = new Set<string>();
    scripts.forEach((script, i) => {
      const detail = i % 2 === 0 ? 'messages' : 'full';
      const direct = join(dir, `${i}-direct.jsonl`);
      const both = join(dir, `${i}-both.jsonl`);
      const lines: string[] = [];
      const inThreadFile = join(dir, `${i}-in-thread.jsonl`);
      const inThread = memoryEncoder();
      const code = boot(script, direct, null, detail, inThread.sink, inThreadFile);
      expect(boot(script, both, lines, detail), script).toBe(code);
      const expected = lines.join('\n') + '\n';
      for (const line of lines) kinds.add((JSON.parse(line) as { ev: string }).ev);
      expect(inThread.text() === expected, `${script}: JsonlEncoder's bytes`).toBe(true);
      for (const [path, path_] of [[direct, 'direct, the writer thread encoding'], [inThreadFile, 'encoded on the simulation thread'], [both, 'with a subscriber']] as const) {
        const text = readFileSync(path, 'utf8');
        if (text !== expected) {
          const a = expected.split('\n');
          const b = text.split('\n');
          const at = a.findIndex((line, n) => line !== b[n]);
          expect(b[at], `${script} (${path_}): line ${at + 1}`).toBe(a[at]);
        }
        expect(text.length, script).toBeGreaterThan(1000);
      }
    });
    // The bulk kinds (the direct path's) and others (the record path's) were all compared.
    for (const ev of ['send', 'deliver', 'reply', 'notify', 'sched', 'spawn', 'exit']) expect(kinds, ev).toContain(ev);
  });

  it('leaves a run stopped mid-way (an exception out of the kernel) a file of its complete records so far', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-sink-'));
    const script = join('examples', 'hello.boot');
    const full = join(dir, 'full.jsonl');
    expect(bootScript(script, { seed: '7', trace: full }, () => {}, () => {})).toBe(0);
    const lines = readFileSync(full, 'utf8').split('\n');
    const stopAt = Math.floor(lines.length / 2);
    // A second sink, attached after the file's, throws at record stopAt: the run ends there.
    const stop = (): void => { if (++records === stopAt) throw new Error('stopped mid-way'); };
    let records = 0;
    const cut = join(dir, 'cut.jsonl');
    expect(() => bootScript(script, { seed: '7', trace: cut }, () => {}, () => {}, (kernel) => {
      if (records === 0) kernel.trace.attach({ message: stop, sched: stop, record: stop });
    })).toThrow('stopped mid-way');
    expect(readFileSync(cut, 'utf8')).toBe(lines.slice(0, stopAt).join('\n') + '\n');
  });
});
