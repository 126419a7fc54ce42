import { describe, expect, it } from 'vitest';
import { parseTraceText, readTrace } from '../../../cli/trace/reader.js';
import { tempTrace } from './helpers.js';

const GOOD = '{"seq":1,"t":0,"ev":"header","format":"mksim-trace","version":1}\n{"seq":2,"t":10,"ev":"log","proc":"a","text":"x"}\n';

describe('trace reader', () => {
  it('streams every record of a file, keeping unknown fields', async () => {
    const seen: unknown[] = [];
    const count = await readTrace(tempTrace(GOOD + '{"seq":3,"t":10,"ev":"mystery","weird":{"deep":[1,2]}}\n'), (r) => seen.push(r));
    expect(count).toBe(3);
    expect(seen[2]).toEqual({ seq: 3, t: 10, ev: 'mystery', weird: { deep: [1, 2] } });
  });

  it('a line that is not JSON names the file and line', async () => {
    const path = tempTrace(GOOD + '{"seq":3,"t":11,"ev":"log"\n');
    await expect(readTrace(path, () => {})).rejects.toThrow(new RegExp(`${path}:3:1: malformed trace record: not a JSON object`));
  });

  it.each([
    ['{"seq":3,"t":-1,"ev":"log"}', /:3:\d+: malformed trace record: field t must be a non-negative integer/],
    ['{"seq":2,"t":20,"ev":"log"}', /:3:2: malformed trace record: field seq must increase strictly \(2 after 2\)/],
    ['{"seq":3,"t":20}', /:3:1: malformed trace record: field ev must be a non-empty string/],
    ['[1,2]', /:3:1: malformed trace record: a trace record must be a JSON object/],
    ['{"seq":3,"t":20,"ev":"send","id":4,"src":"a","type":"X","cause":null}', /:3:\d+: malformed trace record: field dst a send record needs a string dst/],
    ['{"seq":3,"t":20,"ev":"reply","id":4,"src":"a","dst":"b","type":"X","cause":"7"}', /:3:\d+: .*field cause must be null or a message id/],
  ])('rejects %s naming line 3', (line, message) => {
    expect(() => parseTraceText(GOOD + line + '\n', 'x.jsonl')).toThrow(message);
  });

  it('the error shows the offending line under the position', () => {
    try {
      parseTraceText('{"seq":1,"t":"soon","ev":"log"}\n', 'x.jsonl');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe('x.jsonl:1:10: malformed trace record: field t must be a non-negative integer (virtual ns)\n    {"seq":1,"t":"soon","ev":"log"}\n    ' + ' '.repeat(9) + '^');
      expect((err as { userFacing?: boolean }).userFacing).toBe(true);
    }
  });

  it('blank lines (a trailing newline, CRLF files) are fine', () => {
    expect(parseTraceText(GOOD.replace(/\n/g, '\r\n') + '\n\n')).toHaveLength(2);
  });

  it('a missing file is an operation error naming it', async () => {
    await expect(readTrace('/nonexistent/t.jsonl', () => {})).rejects.toThrow('cannot read trace /nonexistent/t.jsonl: ENOENT');
  });
});
