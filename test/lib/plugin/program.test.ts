/*
 * Students' programs from files outside the repository: `program NAME FILE`
 * (.mjs, .js, .ts), run by spawn, exec and `#!mksim NAME`; bad modules give
 * the student's file:line:column and exit 2; a crash ends that process only;
 * an endless loop is stopped by the watchdog and named.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-student-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function run(script: string, opts: Record<string, unknown> = {}): { code: number; out: string[]; err: string[] } {
  const path = file(`s${Math.abs(hash(script))}.boot`, script);
  const out: string[] = [];
  const err: string[] = [];
  const code = bootScript(path, { ...opts }, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

file('greet.ts', `
interface Greeting { readonly text: string }
import { shout } from './lib/shout.js';
export default function* greet(sys: any): Generator<unknown, number, any> {
  const g: Greeting = { text: shout('hello ' + sys.args.join(',')) };
  const w = yield* sys.writeFile('/greeting', new TextEncoder().encode(g.text));
  const back = yield* sys.readFile('/greeting');
  sys.print(\`\${sys.name}: \${new TextDecoder().decode(back)} (\${w} bytes)\`);
  const missing = yield* sys.stat('/nope');
  sys.print(\`stat /nope: \${sys.errnoName(missing)} = -\${sys.ENOENT}: \${missing === -sys.ENOENT}\`);
  return 7;
}
`);
file('lib/shout.ts', `export function shout(s: string): string { return s.toUpperCase(); }\n`);
file('forker.mjs', `
export default function* (sys) {
  const pid = yield* sys.fork('greet', 'child');
  const [done, status] = yield* sys.waitpid(pid);
  sys.print('child ' + (done === pid ? 'reaped' : 'lost') + ', status ' + (status >> 8));
  return 0;
}
`);

describe('program NAME FILE', () => {
  it('runs a .ts program (with its own import) by spawn; its calls, results and exit status are real', () => {
    const r = run(`disk disk0 create=4M\nprogram greet greet.ts\nprocess init\n    spawn greet\n    wait greet\n`);
    expect(r.out).toEqual(['greet: greet: HELLO  (6 bytes)', 'greet: stat /nope: ENOENT = -2: true']);
    expect(r.err).toContain('mksim: greet ended with exit 7');
    expect(r.code).toBe(1);
  });

  it('runs by `#!mksim NAME` through exec with the file\'s arguments, and by fork from another student program', () => {
    const r = run([
      'disk disk0 create=4M', 'program greet greet.ts', 'program forker forker.mjs',
      'process init', '    mkdir /bin', '    write /bin/hi "#!mksim greet one two"', '    chmod 0755 /bin/hi', '    spawn runner', '    wait runner', '    spawn forker', '    wait forker',
      'process runner', '    exec /bin/hi', '',
    ].join('\n'));
    expect(r.out).toContain('runner: runner: HELLO ONE,TWO (13 bytes)');
    expect(r.out).toContain('child: child: HELLO  (6 bytes)');
    expect(r.out).toContain('forker: child reaped, status 7');
  });

  it('gives the same output twice in one process (no module state, no clock)', () => {
    const script = `disk disk0 create=4M\nprogram greet greet.ts\nprocess init\n    spawn greet\n    wait greet\n`;
    expect(run(script).out).toEqual(run(script).out);
  });

  it('a thrown exception ends that process only, naming the student\'s line; --debug adds the student\'s frames', () => {
    file('crash.ts', `export default function* (sys: any) {\n  yield* sys.getpid();\n  helper(3);\n}\nfunction helper(n: number): never {\n  throw new RangeError('bad ' + n);\n}\n`);
    const script = `program crash crash.ts\nprocess init\n    spawn crash\n    wait crash\n    echo still here\n`;
    const r = run(script);
    expect(r.out).toEqual([`crash: crashed: ${join(dir, 'crash.ts')}:6:9: RangeError: bad 3`, 'init: still here']);
    expect(r.err).toContain('mksim: crash ended with exit 139');
    const d = run(script, { debug: true });
    expect(d.out).toContain(`crash:     at helper (${join(dir, 'crash.ts')}:6:9)`);
    expect(d.out.join('\n')).not.toMatch(/lib\/plugin|node:internal/);
  });

  it.each([
    ['syntax.ts', 'export default function* (sys) {\n  let x = ;\n}\n', /syntax\.ts:2:11: Unexpected ";"/],
    ['noexport.mjs', 'export const x = 1;\n', /noexport\.mjs:1:1: has no default export; a program is a generator function/],
    ['plain.js', '// a plain function\nexport default function main(sys) { return 0; }\n', /plain\.js:2:1: the default export is a plain function \(main\), not a generator function/],
    ['object.mjs', 'export default { name: "x" };\n', /object\.mjs:1:1: the default export is a object/],
    ['imports.mjs', 'import { readFileSync } from "node:fs";\nexport default function* () { return 0; }\n', /imports\.mjs:1:30: Could not resolve "node:fs": a program or policy may import only its own files/],
    ['toplevel.mjs', 'const x = null;\nx.boom();\nexport default function* () { return 0; }\n', /toplevel\.mjs:2:3: the module threw while loading/],
  ])('refuses %s with its file:line:column, exit 2, no stack', (name, text, message) => {
    file(name, text);
    const r = mksim('boot', file(`bad-${name}.boot`, `program p ${name}\nprocess init\n    spawn p\n`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing file is an error at the script\'s line', () => {
    const r = mksim('boot', file('missing.boot', 'program p nowhere.ts\nprocess init\n    spawn p\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.boot:1:1: cannot read .*nowhere\.ts: ENOENT/);
  });

  it('an endless loop inside one step is stopped by the watchdog, naming the file and the process', () => {
    file('loop.mjs', 'export default function* (sys) {\n  sys.print("looping");\n  yield* sys.getpid();\n  for (;;) {}\n}\n');
    const started = Date.now();
    const r = mksim('boot', file('loop.boot', 'program loop loop.mjs\nprocess init\n    spawn loop\n    wait loop\n'), '--stall-limit', '500ms');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('loop: looping\n');
    expect(r.stderr).toMatch(new RegExp(`mksim: ${join(dir, 'loop.mjs').replace(/[.]/g, '\\.')} ran for 500ms of wall-clock time without returning \\(an endless loop\\?\\) in loop`));
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a loop of system calls at one instant is still the kernel\'s step budget (a zero-time loop)', () => {
    file('calls.mjs', 'export default function* (sys) {\n  for (;;) yield* sys.getpid();\n}\n');
    const r = mksim('boot', file('calls.boot', 'cpu ipc-cost=0ns context-switch=0ns\nprogram s calls.mjs\nprocess init\n    spawn s\n    wait s\n'), '--step-budget', '10000');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zero-time loop: 10000 steps/);
  });
});
