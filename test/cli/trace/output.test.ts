import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '../../../cli/commands/trace.js';
import { openOutput } from '../../../cli/trace/output.js';
import { tempDir } from './helpers.js';

describe('export -o (issue 19 item 7)', () => {
  it('waits for drain many times with one error listener: no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const path = join(tempDir(), 'big.txt');
      const out = openOutput(path);
      const chunk = 'x'.repeat(64 * 1024) + '\n';
      // Each write overfills the file stream's 16 KiB buffer: 200 backpressure waits.
      for (let i = 0; i < 200; i++) await out.write(chunk);
      await out.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(path, 'utf8').length).toBe(200 * chunk.length);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
  });

  it('a write error is reported as a failed operation, not a hang', async () => {
    const out = openOutput(join(tempDir(), 'no', 'such', 'dir', 'x.json'));
    await expect((async () => {
      for (let i = 0; i < 10; i++) await out.write('x'.repeat(64 * 1024));
      await out.close();
    })()).rejects.toThrow(/cannot write .*x\.json: ENOENT/);
  });

  it('exports a trace to a file through the command', async () => {
    const path = join(tempDir(), 'small.json');
    const out = openOutput(path);
    await exportTrace(join(import.meta.dirname, '..', '..', 'fixtures', 'traces', 'small.jsonl'), { format: 'chrome' }, out);
    await out.close();
    expect((JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: unknown[] }).traceEvents.length).toBeGreaterThan(100);
  });
});
