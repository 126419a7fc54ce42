/*
 * Runaway guards (issue 21): a step budget per virtual instant ends a run
 * whose work costs no virtual time, and --wall-limit stops a program that
 * never yields, naming the process that was running, with the output of the
 * in-thread run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kernel, systemPrivileges, work, type KernelCall } from '../../../kernel/index.js';
import { bootScript, type BootCommandOptions } from '../../../cli/commands/boot.js';
import { mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-guards-'));

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function boot(text: string, opts: BootCommandOptions = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(script('inline.boot', text), opts, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr: stderr.join('\n') };
}

describe('the step budget per virtual instant', () => {
  it('stops a process that loops on zero-cost kernel calls, naming it and the instant', () => {
    const k = new Kernel({ seed: 1, maxStepsPerInstant: 1000 });
    let calls = 0;
    k.spawn({
      name: 'looper', priority: 4, privileges: systemPrivileges(),
      program: function* (): Generator<KernelCall, void, unknown> {
        yield work(5000);
        for (;;) { calls++; yield work(0); }
      },
    });
    expect(k.run({ untilNs: 1_000_000 })).toBe('stopped');
    expect(k.stopReason).toBe('zero-time loop: 1000 steps at virtual time 5000 ns without time advancing (running: looper)');
    expect(k.nowNs).toBe(5000);
    // Exactly the budget: 1000 resumptions at 5000 ns (the first ends work(5000)), each one iteration.
    expect(calls).toBe(1000);
  });

  it('counts per instant: as many steps as wanted, as long as virtual time moves', () => {
    const k = new Kernel({ seed: 1, maxStepsPerInstant: 1000 });
    let rounds = 0;
    k.spawn({
      name: 'busy', priority: 4, privileges: systemPrivileges(),
      program: function* (): Generator<KernelCall, number, unknown> {
        for (; rounds < 100; rounds++) {
          for (let i = 0; i < 900; i++) yield work(0);
          yield work(1);
        }
        return 0;
      },
    });
    expect(k.run()).toBe('idle');
    expect(k.stopReason).toBeNull();
    expect(rounds).toBe(100);
  });

  it('--until ends a boot whose processes exchange zero-cost messages (hung before)', () => {
    const r = boot('cpu ipc-cost=0ns\nprocess init\n    repeat 1000000 repeat 1000000 expect ECHILD wait\n', { until: '10ms', stepBudget: '100000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mksim: simulation stopped: zero-time loop: 100000 steps at virtual time 0 ns without time advancing \(running: (init|pm)\)$/m);
    expect(r.stderr).not.toContain('still blocked when nothing more could happen');
    // The expectations held up to the stop: the loop ran, and was stopped.
    expect(r.stderr).toMatch(/\b[1-9]\d{3,} expectations held, \d+ messages, 0\.000 ms virtual time/);
  });

  it('leaves ordinary runs alone: the examples boot as before under the default budget', () => {
    const r = boot('process init\n    repeat 1000 spin 0ns\n    spawn child\n    wait child\nprocess child\n    echo ok\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['child: ok']);
  });
});

describe('--wall-limit', () => {
  // `spin 0ns` makes no kernel call: a repeat of it is a loop in the process's generator that
  // never yields, as a TypeScript program's `while (true) {}` would be.
  const neverYields = script('never-yields.boot', [
    'process init', '    echo starting', '    spawn looper', '    wait looper',
    'process looper', '    echo looping', '    repeat 1000000 repeat 1000000 spin 0ns',
  ].join('\n'));

  it('stops a program that never yields, names the process that was running, exit 1', () => {
    const started = Date.now();
    const r = mksim('boot', neverYields, '--wall-limit', '2s');
    const elapsedMs = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('init: starting\nlooper: looping\n');
    expect(r.stderr).toMatch(/^mksim: wall-clock limit 2s reached; looper was running \(virtual time \d+\.\d{3} ms\); the simulation was stopped\n$/);
    // Stopped at the limit, not after the (1e12-step) loop; generous for a loaded machine.
    expect(elapsedMs).toBeLessThan(40_000);
  });

  const cases: [string, string, string[]][] = [
    ['a clean boot', 'examples/hello.boot', []],
    ['a failed expectation', script('fails.boot', 'process init\n    echo one\n    expect EPERM wait\n    echo two\n'), []],
    ['a malformed script', script('bad.boot', 'process init\n    spn 1ms\n'), []],
    ['a zero-time loop', script('zero.boot', 'cpu ipc-cost=0ns\nprocess init\n    echo before\n    repeat 1000000 repeat 1000000 expect ECHILD wait\n'), ['--step-budget', '20000']],
    ['a server that faults at start', script('fsctx.boot',
      `disk disk0 create=1M model=ramdisk\nfs root=disk0 context=nobody_u:object_r:nosuch_t\nsecurity policy=${join(process.cwd(), 'examples', 'policy', 'base.conf')}\nprocess init\n    mkdir /x\n`), []],
  ];
  for (const [what, path, extra] of cases) {
    it(`gives the in-thread run's output and exit code: ${what}`, () => {
      const inThread = mksim('boot', path, ...extra);
      const inWorker = mksim('boot', path, ...extra, '--wall-limit', '120s');
      expect(inWorker.stdout).toBe(inThread.stdout);
      expect(inWorker.stderr).toBe(inThread.stderr);
      expect(inWorker.code).toBe(inThread.code);
    });
  }
});
