/*
 * Console output (issue 20): `mksim boot` streams what processes print and
 * keeps none of it (a run printing a million lines held them all); a tool or
 * test that reads report.output after the run still gets every line.
 */
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';

const SCRIPT = [
  'process init uid=0',
  '    repeat 1000 echo a line the console prints',
  '    echo last',
  '',
].join('\n');

function run(keepOutput: boolean | undefined) {
  const system = buildSystem(parseBootScript(SCRIPT, 'console.boot'), { seed: 1, scriptPath: 'console.boot', ...(keepOutput === undefined ? {} : { keepOutput }) });
  const streamed: string[] = [];
  system.kernel.onConsole((proc, text) => streamed.push(`${proc}: ${text}`));
  system.kernel.run();
  system.close();
  return { kept: system.report.output, streamed };
}

describe('console output', () => {
  it('keepOutput: false (mksim boot) keeps no line in the report, and every line still reaches the console listeners in order', () => {
    const { kept, streamed } = run(false);
    expect(kept).toEqual([]);
    expect(streamed).toHaveLength(1001);
    expect(streamed[0]).toBe('init: a line the console prints');
    expect(streamed[1000]).toBe('init: last');
  });

  it('by default the report keeps every line, as the listeners see them', () => {
    const { kept, streamed } = run(undefined);
    expect(kept).toEqual(streamed);
    expect(kept).toHaveLength(1001);
  });
});
