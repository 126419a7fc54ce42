/*
 * `mksim grade` on the example assignment (examples/assignments/selinux-passwd):
 * the hidden solution scores full marks, the skeleton less, the same every
 * time; the JUnit XML validates against the Ant JUnit schema (xmllint); a
 * student's hang costs the test, not the grader.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mksim } from '../../support/mksim.js';

const SPEC = join(process.cwd(), 'examples', 'assignments', 'selinux-passwd', 'spec.yaml');
const SOLUTION = join(process.cwd(), 'examples', 'assignments', 'selinux-passwd', 'solution');
const XSD = join(process.cwd(), 'test', 'fixtures', 'junit', 'JUnit.xsd');

interface Report { score: number; total: number; tests: { name: string; scored: number; passed: boolean; checks: { check: string; passed: boolean; detail: string }[] }[] }

function xmllint(xml: string): { status: number | null; out: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, xml], { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error('xmllint is not installed (Debian: apt-get install libxml2-utils)');
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('mksim grade: the selinux-passwd assignment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-grade-'));

  it('the hidden solution scores full marks (exit 0), and its JUnit XML validates', () => {
    const junit = join(dir, 'solution.xml');
    const r = mksim('grade', SPEC, '--submission', SOLUTION, '--junit', junit);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^selinux-passwd: 10\/10\n/);
    expect(r.stdout).toMatch(/passwd changes the password\s+4\/4\s+pass/);
    const v = xmllint(junit);
    expect(v.out).toContain('validates');
    expect(v.status).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="4" failures="0" errors="0"');
  }, 120_000);

  it('the skeleton scores less: the passwd tests fail, saying why; the JUnit XML validates with the failures', () => {
    const junit = join(dir, 'skeleton.xml');
    const r = mksim('grade', SPEC, '--junit', junit, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect([report.score, report.total]).toEqual([5, 10]);
    expect(report.tests.map((t) => [t.name, t.scored])).toEqual([
      ['home directory still usable', 2], ['shadow protected from alice', 3], ['passwd changes the password', 0], ['the disk image stays consistent', 0],
    ]);
    const passwd = report.tests[2]!.checks;
    expect(passwd.find((c) => c.check.startsWith('AVC denials'))).toMatchObject({ passed: false, detail: '1 denials' });
    expect(passwd.find((c) => c.check.startsWith('prints the line "pw: passwd'))!.passed).toBe(false);
    // The message bound and the latency bound hold for the skeleton too: it fails on what it does wrong, only.
    expect(passwd.find((c) => c.check.startsWith('messages pw -> fs'))!.passed).toBe(true);
    expect(xmllint(junit).status).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="4" failures="2" errors="0"');
    expect(xml).toMatch(/<testcase name="passwd changes the password" classname="selinux-passwd" time="0\.\d{9}">\n\s+<failure type="check" message="exit status 0: got 1; /);
  }, 120_000);

  it('is deterministic: two gradings give the same report and the same XML', () => {
    const a = mksim('grade', SPEC, '--json', '--junit', join(dir, 'a.xml'));
    const b = mksim('grade', SPEC, '--json', '--junit', join(dir, 'b.xml'));
    expect(a.stdout).toBe(b.stdout);
    expect(readFileSync(join(dir, 'a.xml'), 'utf8')).toBe(readFileSync(join(dir, 'b.xml'), 'utf8'));
  }, 120_000);

  it('a missing submitted file is a setup error of that test (a JUnit <error>), not a crash', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const junit = join(dir, 'empty.xml');
    const r = mksim('grade', SPEC, '--submission', empty, '--junit', junit);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^selinux-passwd: 0\/10\n/);
    expect(r.stdout).toContain('not run: the submitted file policy.conf is missing');
    expect(xmllint(junit).status).toBe(0);
    expect(readFileSync(junit, 'utf8')).toContain('tests="4" failures="0" errors="4"');
  }, 120_000);
});

describe('mksim grade: limits', () => {
  it('a student\'s hang costs that test its points; the next test still runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-grade-hang-'));
    mkdirSync(join(dir, 'student'));
    // `spin 0ns` makes no kernel call: a repeat of it never yields (test/cli/boot/guards.test.ts).
    writeFileSync(join(dir, 'student', 'work.boot'), 'process init\n    echo start\n    repeat 1000000 repeat 1000000 spin 0ns\n');
    writeFileSync(join(dir, 'student', 'ok.boot'), 'process init\n    echo done\n');
    writeFileSync(join(dir, 'spec.yaml'), [
      'assignment: hang', 'submission: student', 'wall-limit: 2s', 'tests:',
      '  - { name: loops, points: 3, script: student/work.boot, checks: [ { exit: 0 } ] }',
      '  - { name: finishes, points: 1, script: student/ok.boot, checks: [ { exit: 0 }, { output: "init: done" } ] }',
    ].join('\n'));
    const started = Date.now();
    const r = mksim('grade', join(dir, 'spec.yaml'));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^hang: 1\/4\n/);
    expect(r.stdout).toMatch(/loops\s+0\/3\s+FAIL/);
    expect(r.stdout).toContain('wall-clock limit 2000ms reached; init was running');
  }, 120_000);
});
