import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../cli/trace/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (t: string) => (writes.push(t), true) } };
}

describe('progress bar', () => {
  it('draws nothing on a pipe', () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress('export', { stream, delayMs: 0 });
    p.update(50, 100);
    p.finish();
    expect(writes).toEqual([]);
  });

  it('draws a bar on a terminal and clears it at the end', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress('export', { stream, delayMs: 0, unit: 'bytes' });
    p.update(3 << 20, 6 << 20);
    p.finish();
    expect(writes[0]).toMatch(/^\rexport █+░+  50%  3\.0 MiB\/6\.0 MiB/);
    expect(writes[1]).toBe('\r\x1b[K');
  });

  it('stays quiet for quick work', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress('export', { stream, delayMs: 60_000 });
    p.update(1, 2);
    p.finish();
    expect(writes).toEqual([]);
  });
});
