/*
 * Grading specs: a mistake is reported at file:line:column with exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../cli/grade/spec.js';
import { ParseError } from '../../../lib/parse-error.js';
import { mksim } from '../../support/mksim.js';

const good = [
  'assignment: demo',
  'tests:',
  '  - name: one',
  '    points: 2',
  '    script: t.boot',
  '    checks:',
  '      - exit: 0',
  '      - messages: { from: a, to: fs, type: FS_OPEN, max: 3 }',
  '      - latency: { request: FS_OPEN, stat: p99, max: 2ms }',
  '      - avc-denials: { min: 1 }',
  '      - expectations: all',
].join('\n');

function errorOf(text: string): ParseError {
  try {
    parseSpec(text, 'spec.yaml');
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('grading spec', () => {
  it('parses the checks with their bounds and positions', () => {
    const s = parseSpec(good, '/x/spec.yaml');
    expect(s.assignment).toBe('demo');
    expect(s.submission).toBe('/x/submission');
    expect(s.wallLimitNs).toBe(60e9);
    const t = s.tests[0]!;
    expect(t.script).toBe('/x/t.boot');
    expect(t.checks.map((c) => c.kind)).toEqual(['exit', 'messages', 'latency', 'avc-denials', 'expectations']);
    expect(t.checks[1]).toMatchObject({ from: 'a', to: 'fs', type: 'FS_OPEN', min: null, max: 3, where: '/x/spec.yaml:8:9' });
    expect(t.checks[2]).toMatchObject({ stat: 'p99', maxNs: 2_000_000 });
    expect(t.checks[3]).toMatchObject({ min: 1, max: Number.MAX_SAFE_INTEGER });
  });

  it('JSON is accepted (a subset of YAML), with positions too', () => {
    const json = '{\n  "tests": [\n    {"name": "a", "points": 1, "script": "t.boot", "checks": [{"exit": "zero"}]}\n  ]\n}\n';
    const e = errorOf(json);
    expect(`${e.where.file}:${e.where.line}:${e.where.column}`).toBe('spec.yaml:3:72');
    expect(e.detail).toMatch(/exit must be an integer from 0 to 255/);
  });

  const cases: [string, string, string, RegExp][] = [
    ['an unknown key (a typo would drop a check)', good.replace('    points: 2', '    pionts: 2'), '4:5', /unknown key 'pionts'/],
    ['a missing field', good.replace('    script: t.boot\n', ''), '3:5', /needs 'script'/],
    ['an unknown check', good.replace('      - exit: 0', '      - exits: 0'), '7:9', /unknown key 'exits'/],
    ['a bad regular expression', good.replace('      - exit: 0', '      - output-match: "a("'), '7:23', /not a valid regular expression/],
    ['a bad duration', good.replace('max: 2ms', 'max: soon'), '9:54', /must be a duration/],
    ['a path out of the folder', good.replace('script: t.boot', 'script: ../../etc/passwd'), '5:13', /relative path inside its folder/],
    ['bad YAML', good.replace('      - exit: 0', '      - exit: [0'), '8:7', /not valid YAML/],
    ['two tests with one name', good + '\n' + good.split('\n').slice(2).join('\n'), '12:5', /two tests are named 'one'/],
    ['no tests', 'assignment: x\ntests: []\n', '2:8', /tests must be a non-empty list/],
  ];
  for (const [what, text, at, message] of cases) {
    it(`names file:line:column: ${what}`, () => {
      const e = errorOf(text);
      expect(`${e.where.line}:${e.where.column}`).toBe(at);
      expect(e.detail).toMatch(message);
      expect(e.message.startsWith(`spec.yaml:${at}: `)).toBe(true);
    });
  }

  it('mksim grade exits 2 on a bad spec, naming the place, no stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-grade-spec-'));
    const path = join(dir, 'spec.yaml');
    writeFileSync(path, good.replace('    points: 2', '    points: many'));
    const r = mksim('grade', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:4:13: test 1: points must be an integer from 0 to 1000`);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
