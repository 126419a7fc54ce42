/*
 * Bad boot input (issue 21 bug 6, issue 13's FS configuration): every input
 * below is refused before the run, exit 2, with file:line:column for the
 * script (or the flag's name for a command-line option) and never an
 * internal error, a hang, a stack overflow, JS error text or a line of a host file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { bootScript, type BootCommandOptions } from '../../../cli/commands/boot.js';
import { exitCodeFor, formatError } from '../../../cli/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-validate-'));
const SECRET = 'k2secret_line: hunter2 _not_policy_';
writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n${SECRET}\n`);
mkdirSync(join(dir, 'dir.json'));

/** Run `mksim boot` on the text as main.ts would: the exit code and both streams. */
function boot(text: string, opts: BootCommandOptions = {}) {
  const path = join(dir, 'test.boot');
  writeFileSync(path, text);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let code: number;
  try {
    code = bootScript(path, opts, (l) => stdout.push(l), (l) => stderr.push(l));
  } catch (e) {
    stderr.push(formatError(e, false));
    code = exitCodeFor(e);
  }
  return { code, stdout, stderr: stderr.join('\n'), path };
}

const deep = `process init\n    ${'expect ok '.repeat(20_000)}echo hi\n`;
const init = 'process init\n    echo hi\n';
const disk = 'disk disk0 create=1M model=ramdisk\n';

// [what, script, options, exit code, message fragment, position (line:column) or null for a flag]
const CASES: [string, string, BootCommandOptions, number, string, string | null][] = [
  ['a missing policy', `security policy=nosuch.conf\n${init}`, {}, 2, 'cannot read policy', '1:17'],
  ['a directory as policy', `security policy=/tmp\n${init}`, {}, 2, 'policy /tmp is not a regular file', '1:17'],
  ['/dev/zero as policy (hung before)', `security policy=/dev/zero\n${init}`, {}, 2, 'policy /dev/zero is not a regular file', '1:17'],
  ['a host file as policy', `security policy=${join(dir, 'secret.txt')}\n${init}`, {}, 2, 'secret.txt:1:', '1:17'],
  ['a 100G in-memory disk', `disk disk0 size=100G\n${init}`, {}, 2, 'size=100G: must be at most 1G', '1:17'],
  ['a 100G created disk', `disk disk0 create=100G\n${init}`, {}, 2, 'create=100G: must be at most 1G', '1:19'],
  ['a 5,000-character image=', `disk disk0 image=${'a'.repeat(5000)}\n${init}`, {}, 2, 'a path of 5000 characters (at most 1024)', '1:18'],
  ['a directory as disk model', `disk disk0 create=1M model=dir.json\n${init}`, {}, 2, 'is not a regular file', '1:1'],
  ['--trace to a directory', init, { trace: '/tmp' }, 2, '--trace /tmp: is a directory', null],
  ['--audit to a directory', init, { audit: '/tmp' }, 2, '--audit /tmp: is a directory', null],
  ['--trace under a regular file', init, { trace: join(dir, 'secret.txt', 't.jsonl') }, 2, 'secret.txt/t.jsonl: cannot write: E', null],
  ['--audit under a regular file', init, { audit: join(dir, 'secret.txt', 'a.log') }, 2, 'secret.txt/a.log: cannot write: ENOTDIR', null],
  ['20,000 nested expect ok (stack overflow before)', deep, {}, 2, 'more than 8 nested expect/repeat/trap prefixes', '2:85'],
  ['clock hz=0', `clock mode=periodic hz=0\n${init}`, {}, 2, 'hz=0: must be at least 1', '1:24'],
  ['clock hz above the clock task\'s bound', `clock mode=periodic hz=200000\n${init}`, {}, 2, 'hz=200000: must be at most 100000', '1:24'],
  ['cpu quantum=0ns (never ended before)', `cpu quantum=0ns\n${init}`, {}, 2, 'quantum=0ns: must be at least 1us', '1:13'],
  ['a process quantum=0ns', 'process init quantum=0ns\n    echo hi\n', {}, 2, 'quantum=0ns: must be at least 1us', '1:22'],
  ['--set cpu.quantum=0ns', init, { set: ['cpu.quantum=0ns'] }, 2, '--set cpu.quantum=0ns: quantum=0ns: must be at least 1us', null],
  ['write --bytes 99999999999', `${disk}process init\n    write --bytes 99999999999 /x\n`, {}, 2, '--bytes 99999999999: at most 67108864', '3:19'],
  ['read of 99999999999 bytes', `${disk}process init\n    open f /x O_RDONLY\n    read f 99999999999\n`, {}, 2, 'read: 99999999999 is more than 67108864', '4:12'],
  ['exit 300', 'process init\n    exit 300\n', {}, 2, 'exit: 300 is more than 255', '2:10'],
  ['priority=16', 'process init priority=16\n    echo hi\n', {}, 2, 'priority=16: must be at most 15', '1:23'],
  ['uid=70000', 'process init uid=70000\n    echo hi\n', {}, 2, 'uid=70000: must be at most 65535', '1:18'],
  ['chown to a 17-bit uid', `${disk}process init\n    chown 70000 /\n`, {}, 2, 'ids are 0..65535', '3:11'],
  ['a process block named fs', 'process init\n    spawn fs\nprocess fs\n    echo hi\n', {}, 2, "'fs' is the name of a system process", '3:9'],
  ['a process block named security', 'process init\nprocess security\n    echo hi\n', {}, 2, "'security' is the name of a system process", '2:9'],
  ['a process block named pm', 'process pm\n    echo hi\n', {}, 2, "'pm' is the name of a system process", '1:9'],
  ['a process block named clock', 'process clock\n    echo hi\n', {}, 2, "'clock' is the name of a system process", '1:9'],
  ['a process block named self', 'process self\n    echo hi\n', {}, 2, "'self' is the name of a system process", '1:9'],
  ['a process block named like a disk', `process init\n    echo hi\nprocess disk0\n    echo hi\n${disk}`, {}, 2, "'disk0' is the name of a disk's driver", '3:9'],
  ['a disk named fs', `disk fs create=1M\n${init}`, {}, 2, "'fs' is a system process's name", '1:6'],
  ['spawn of an undefined block (EINVAL at run time before)', 'process init\n    spawn nobody\n', {}, 2, 'spawn nobody: no process block (or program) of that name', '2:11'],
  ['wait of an undefined block', 'process init\n    wait nobody\n', {}, 2, 'wait nobody: no process block', '2:10'],
  ['kill of an undefined block, under expect', 'process init\n    expect ESRCH kill nobody SIGTERM\n', {}, 2, 'kill nobody: no process block', '2:23'],
  ['FS cache below its minimum (hung before)', `${disk}fs root=disk0 cache=3\n${init}`, {}, 2, 'cache=3: must be at least 4', '2:21'],
  ['FS cache of a huge size (internal error before)', `${disk}fs root=disk0 cache=999999999999\n${init}`, {}, 2, 'cache=999999999999: must be at most 65536', '2:21'],
  ['a block size beyond MINIX\'s', `disk disk0 create=1M block-size=65536\n${init}`, {}, 2, 'block-size=65536: must be at most 32768', '1:33'],
  ['--wall-limit that is not a duration', init, { wallLimit: 'soon' }, 2, "--wall-limit must be a duration from 1ms to 86400s, such as 30s, got 'soon'", null],
  ['--step-budget 5', init, { stepBudget: '5' }, 2, "--step-budget must be an integer of at least 1000, got '5'", null],
];

describe('bad boot input is refused before the run (exit 2, with its position)', () => {
  for (const [what, text, opts, code, fragment, at] of CASES) {
    it(what, () => {
      const r = boot(text, opts);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(fragment);
      if (at !== null) expect(r.stderr).toContain(`${r.path}:${at}: `);
      else expect(r.stderr).toMatch(/^mksim: --[a-z-]+ /);
      expect(r.stderr).not.toMatch(/internal error|RangeError|TypeError|Invalid typed array|Maximum call stack|\n\s+at /);
      // Never a line of a host file, and never an unbounded message.
      expect(r.stderr).not.toContain(SECRET);
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stderr.length).toBeLessThan(1200);
      expect(r.stdout).toEqual([]);
    });
  }
});

describe('bounds', () => {
  it('a 1 GiB disk fits hp97560 but not a disk model of 1 MiB: refused before a byte is allocated', () => {
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify({
      name: 'tiny', kind: 'rotating', sectorBytes: 512, cylinders: 16, heads: 2, sectorsPerTrack: 64, rpm: 3600,
      seek: { kneeCylinders: 4, short: { aMs: 1, bMs: 0.1 }, long: { cMs: 2, eMs: 0.01 } }, controllerOverheadMs: 1,
    }));
    const r = boot(`disk disk0 create=2M model=tiny.json\n${init}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${r.path}:1:19: disk disk0: 2097152 bytes is more than model tiny holds (1048576)`);
  });

  it('the smallest cache the FS takes (4 buffers) boots and serves a workload', () => {
    const r = boot(`${disk}fs root=disk0 cache=4\nprocess init\n    mkdir /a\n    write /a/f "four buffers"\n    cat /a/f\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['init: four buffers']);
  });

  it('a script of 20,000 process blocks parses in linear time (minutes before: quadratic)', () => {
    const lines = ['process init', '    echo hi'];
    for (let i = 0; i < 20_000; i++) lines.push(`process p${i}`, `    echo ${i}`);
    const started = performance.now();
    const s = parseBootScript(lines.join('\n'), 'many.boot');
    const ms = performance.now() - started;
    expect(s.processes).toHaveLength(20_001);
    expect(s.processes[20_000]!.name).toBe('p19999');
    // Generous (a shared, loaded machine): the quadratic parse took about 100 s here.
    expect(ms).toBeLessThan(15_000);
  });

  it('a duplicate among 20,000 blocks is still found, at its line', () => {
    const lines = ['process init'];
    for (let i = 0; i < 20_000; i++) lines.push(`process p${i}`);
    lines.push('process p123');
    expect(() => parseBootScript(lines.join('\n'), 'many.boot')).toThrow(/many\.boot:20002:9: process p123 is defined twice/);
  });

  it('a long line is shown as a window around the column, the value cut short', () => {
    const r = boot(`disk disk0 create=1M image=${'b'.repeat(1000)} sched=nope\n${init}`);
    expect(r.code).toBe(2);
    const [head, shown, caret] = r.stderr.split('\n');
    expect(head).toContain(`${r.path}:1:`);
    expect(shown!.length).toBeLessThan(140);
    // The caret sits under the 'n' of nope in the shown window.
    expect(shown![caret!.indexOf('^')]).toBe('n');
  });
});

describe('a server that faults at start', () => {
  it('is reported on the console with its reason, and the boot exits 1 (it was only in the trace)', () => {
    const policy = join(process.cwd(), 'examples', 'policy', 'base.conf');
    const r = boot(`${disk}fs root=disk0 context=nobody_u:object_r:nosuch_t\nsecurity policy=${policy}\nprocess init\n    mkdir /x\n`);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('mksim: server fs faulted: fs context=nobody_u:object_r:nosuch_t: not a valid context in the policy');
  });

  it('a driver that RS restarts is not reported: the run goes on', () => {
    const r = boot(`${disk}fault disk0 crash-driver nth=3\nprocess init\n    mkdir /x\n    write /x/f "after the restart"\n    cat /x/f\n`);
    expect(r.stderr).not.toContain('faulted');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('init: after the restart');
  });

  it('a driver that RS gives up on is reported, once per fault', () => {
    const r = boot(`${disk}fault disk0 crash-driver nth=1 count=100\nprocess init\n    mkdir /x\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mksim: server disk0 faulted: injected crash on request \d+ \(DEV_OPEN\)$/m);
  });
});
