import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { ParseError } from '../../../lib/parse-error.js';

function errorOf(text: string): ParseError {
  try {
    parseBootScript(text, 'test.boot');
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('boot-script parser', () => {
  it('parses directives with typed values and process blocks with commands', () => {
    const s = parseBootScript([
      '# a comment',
      'disk disk0 image=build/root.img create=16M block-size=1024 model=hp97560 sched=fcfs',
      'fs root=disk0 cache=256 robust=off elevator=on',
      'clock mode=periodic hz=1000   # trailing comment',
      'cpu quantum=10ms ipc-cost=200ns',
      'fault disk0 write-error block=120,121',
      '',
      'process init uid=0 context=system_u:system_r:init_t',
      '    mkdir /home/alice 0755',
      '    write /home/alice/notes.txt "hello, world"',
      '    expect EACCES write /etc/shadow "x"',
      '    repeat 3 echo hi',
    ].join('\n'), 'x.boot');
    const disk = s.directives.find((d) => d.keyword === 'disk')!;
    expect(disk.positional).toEqual(['disk0']);
    expect(disk.values.get('create')).toBe(16 * 1024 * 1024);
    expect(s.directives.find((d) => d.keyword === 'fs')!.values.get('robust')).toBe(false);
    expect(s.directives.find((d) => d.keyword === 'cpu')!.values.get('quantum')).toBe(10_000_000);
    expect(s.directives.find((d) => d.keyword === 'fault')!.values.get('block')).toEqual([120, 121]);
    expect(s.processes[0]!.context).toBe('system_u:system_r:init_t');
    const cmds = s.processes[0]!.commands;
    expect(cmds.map((c) => c.kind)).toEqual(['simple', 'simple', 'expect', 'repeat']);
    expect(cmds[1]).toMatchObject({ name: 'write', args: ['/home/alice/notes.txt', 'hello, world'] });
    expect(cmds[2]).toMatchObject({ expected: 'EACCES', command: { name: 'write' } });
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['unknown directive', 'dsk disk0', 1, 1, /unknown directive 'dsk' \(did you mean 'disk'\?\)/],
    ['unknown key', 'disk disk0 sched2=fcfs', 1, 12, /unknown key 'sched2'/],
    ['bad value word', 'disk disk0 sched=elevator', 1, 18, /expected one of fcfs, sstf, look, clook/],
    ['bad size', 'disk disk0 create=16Q', 1, 19, /not a size/],
    ['bad duration', 'cpu quantum=10 ms', 1, 13, /not a duration/],
    ['bad bool', 'fs root=disk0 robust=maybe', 1, 22, /expected on or off/],
    ['repeated directive', 'clock mode=tickless\nclock mode=periodic', 2, 1, /may appear only once/],
    ['missing positional', 'disk', 1, 5, /disk needs a name/],
    ['indented outside process', '  echo hi', 1, 3, /outside a process block/],
    ['unknown command', 'process a\n    ech hi', 2, 5, /unknown command 'ech' \(did you mean 'echo'\?\)/],
    ['bad mode', 'process a\n    mkdir /x 999', 2, 14, /not an octal mode/],
    ['missing argument', 'process a\n    chmod 0755', 2, 15, /chmod needs 2 arguments/],
    ['unknown errno', 'process a\n    expect EWHAT rm /x', 2, 12, /unknown errno 'EWHAT'/],
    ['unterminated string', 'process a\n    echo "hi', 2, 10, /unterminated string/],
    ['bad escape', 'process a\n    echo "a\\qb"', 2, 12, /unknown escape/],
    ['duplicate process', 'process a\nprocess a', 2, 9, /defined twice/],
    ['unknown process key', 'process a pid=3', 1, 11, /unknown process key 'pid'/],
    ['bad signal', 'process a\n    kill b SIGWHAT', 2, 12, /unknown signal/],
    ['too many args', 'process a\n    rmdir /a /b', 2, 14, /too many arguments/],
    ['bad flag', 'process a\n    write --force /x hi', 2, 11, /write has no option --force/],
  ];
  for (const [what, text, line, column, message] of cases) {
    it(`reports ${what} at its line and column`, () => {
      const e = errorOf(text);
      expect(e.where.line).toBe(line);
      expect(e.where.column).toBe(column);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`test.boot:${line}:${column}: `)).toBe(true);
      // The caret sits under the column.
      const lines = e.message.split('\n');
      expect(lines[2]!.indexOf('^')).toBe(4 + column - 1);
    });
  }

  it('never throws anything but a ParseError on arbitrary input', () => {
    fc.assert(fc.property(fc.array(fc.oneof(
      fc.string(),
      fc.constantFrom('disk d0 create=1M', 'process p', '    echo "x"', '    spawn p', 'cpu quantum=1ms', '    expect ok ls /', '  "', 'fs root=d0'),
    ), { maxLength: 20 }), (lines) => {
      try {
        parseBootScript(lines.join('\n'), 'fuzz.boot');
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
        expect((e as ParseError).where.line).toBeGreaterThanOrEqual(1);
      }
    }), { numRuns: 500 });
  });
});
