import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { bootScript } from '../../../cli/commands/boot.js';
import { getpid, kill, sigaction, sigprocmask } from '../../../lib/syscalls/pm.js';
import { userProgram } from '../../../lib/user/process.js';
import { SIGHUP, SIGUSR1, SIGUSR2 } from '../../../servers/pm/protocol.js';

function boot(text: string, opts: { set?: string[]; trace?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-pm-'));
  const path = join(dir, 'test.boot');
  writeFileSync(path, text);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, opts, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr };
}

const FS = 'disk disk0 create=2M block-size=1024 model=ramdisk\nfs root=disk0\n';

describe('process manager: lifecycles', () => {
  it('a child that exits before its parent waits stays a zombie until reaped', () => {
    const r = boot([
      'process init', '    spawn quick', '    spin 30ms', '    wait quick', '    expect ECHILD wait', '    echo reaped',
      'process quick', '    exit 0',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['init: reaped']);
  });

  it('wait with no children is ECHILD; wait for a block never spawned is ESRCH', () => {
    // (A name that is no block at all is refused before the run: test/cli/boot/validation.test.ts.)
    const r = boot('process init\n    expect ECHILD wait\n    expect ESRCH wait nobody\nprocess nobody\n    exit 0\n');
    expect(r.code).toBe(0);
  });

  it('a grandchild orphaned by its parent is adopted by init', () => {
    const r = boot([
      'process init', '    spawn parent', '    wait parent', '    wait', '    expect ECHILD wait', '    echo done',
      'process parent', '    spawn grandchild',
      'process grandchild', '    spin 20ms', '    echo grandchild finished',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['grandchild: grandchild finished', 'init: done']);
  });
});

describe('process manager: signals', () => {
  it('a user may not signal another user\'s process (EPERM); root may', () => {
    const r = boot([
      'process init uid=0', '    spawn victim', '    spawn attacker', '    wait attacker', '    kill victim SIGTERM', '    wait victim',
      'process victim uid=2000', '    spin 100ms',
      'process attacker uid=1000', '    expect EPERM kill 2 SIGTERM',
    ].join('\n'));
    expect(r.stderr.join('\n')).toMatch(/victim ended with killed by SIGTERM/);
    expect(r.stderr.join('\n')).not.toMatch(/expectation failed/);
  });

  it('signals held by the mask are delivered when unblocked, lowest number first', () => {
    const got: string[] = [];
    const program = userProgram(function* (proc) {
      for (const [sig, name] of [[SIGHUP, 'hup'], [SIGUSR1, 'usr1'], [SIGUSR2, 'usr2']] as const) {
        yield* sigaction(proc, sig, function* () { got.push(name); });
      }
      const mask = (1 << SIGHUP) | (1 << SIGUSR1) | (1 << SIGUSR2);
      yield* sigprocmask(proc, 'block', mask);
      const me = yield* getpid(proc);
      for (const sig of [SIGUSR2, SIGHUP, SIGUSR1]) yield* kill(proc, me, sig);
      got.push('still blocked');
      yield* sigprocmask(proc, 'unblock', mask);
      got.push('after unblock');
      return 0;
    });
    const script = parseBootScript('process init\n    spawn masked\n    wait masked\n', 'test.boot');
    const system = buildSystem(script, { seed: 1, scriptPath: 'test.boot' }, (k) => k.programs.set('masked', program));
    system.kernel.run();
    expect(got).toEqual(['still blocked', 'hup', 'usr1', 'usr2', 'after unblock']);
    expect(system.report.exits.every((e) => e.status === 0)).toBe(true);
  });

  it('SIGSTOP holds a process until SIGCONT', () => {
    const r = boot([
      'process init', '    spawn worker', '    kill worker SIGSTOP', '    sleep 100ms', '    echo woke', '    kill worker SIGCONT', '    wait worker',
      'process worker', '    spin 20ms', '    echo worker done',
    ].join('\n'));
    expect(r.code).toBe(0);
    // Stopped after its first slice, the worker cannot finish before init wakes at 100 ms.
    expect(r.stdout).toEqual(['init: woke', 'worker: worker done']);
  });

  it('alarm precision is within one tick in periodic mode and exact tickless', () => {
    const latenessNs = (set: string[]): number[] => {
      const dir = mkdtempSync(join(tmpdir(), 'mksim-alarm-'));
      const trace = join(dir, 't.jsonl');
      const r = boot('process init\n    trap SIGALRM\n    alarm 3700us\n    pause\n    alarm 12345us\n    pause\n    alarm 7777us\n    pause\n', { set, trace });
      expect(r.code).toBe(0);
      return readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((rec) => rec.ev === 'timer' && rec.op === 'fire' && rec.kind === 'alarm' && rec.owner === 'init')
        .map((rec) => rec.latenessNs as number);
    };
    const hz100 = latenessNs(['clock.mode=periodic', 'clock.hz=100']);
    expect(hz100.length).toBe(3);
    for (const l of hz100) expect(l).toBeLessThanOrEqual(10_000_000);
    expect(Math.max(...hz100)).toBeGreaterThan(1_000_000); // the rounding is visible
    const tickless = latenessNs(['clock.mode=tickless']);
    for (const l of tickless) expect(l).toBeLessThan(2_000);
  });
});

describe('built-in programs through exec', () => {
  it('sh runs a script file; ls, cat and cp work as executables', () => {
    const r = boot(FS + [
      'process init',
      '    mkdir /bin',
      '    mkdir /etc',
      '    write /bin/sh "#!mksim sh /etc/rc"',
      '    write /bin/cp "#!mksim cp /etc/motd /etc/motd.copy"',
      '    write /bin/cat "#!mksim cat /etc/motd.copy"',
      '    chmod 0755 /bin/sh',
      '    chmod 0755 /bin/cp',
      '    chmod 0755 /bin/cat',
      '    write /etc/motd "message of the day"',
      '    write /etc/rc "echo rc runs\\nwrite /etc/rc.out \\"from rc\\"\\ncat /etc/rc.out\\nexpect ENOENT cat /nope"',
      '    spawn runsh', '    wait runsh', '    spawn runcp', '    wait runcp', '    spawn runcat', '    wait runcat',
      'process runsh', '    exec /bin/sh',
      'process runcp', '    exec /bin/cp',
      'process runcat', '    exec /bin/cat',
    ].join('\n'));
    expect(r.stderr.filter((l) => !/processes exited/.test(l))).toEqual([]);
    expect(r.stdout).toEqual(['runsh: rc runs', 'runsh: from rc', 'runcat: message of the day']);
  });

  it('exec of a file without #!mksim is ENOEXEC; without execute permission EACCES; missing ENOENT', () => {
    const r = boot(FS + [
      'process init', '    write /plain "just text"', '    write /noexec "#!mksim ls"', '    chmod 0755 /plain',
      '    spawn user', '    wait user',
      'process user uid=1000', '    expect ENOEXEC exec /plain', '    expect EACCES exec /noexec', '    expect ENOENT exec /missing',
    ].join('\n'));
    expect(r.code).toBe(0);
  });
});

describe('process manager: bad requests', () => {
  it('a user process forging the file system\'s FS_SIGNAL gets EPERM instead of hanging', () => {
    let status: number | undefined;
    const program = userProgram(function* (proc) {
      status = yield* proc.status('pm', { type: 'FS_SIGNAL', endpoint: proc.ctx.self, signal: 9 });
      return 0;
    });
    const script = parseBootScript('process init\n    spawn forger\n    wait forger\n', 'test.boot');
    const system = buildSystem(script, { seed: 1, scriptPath: 'test.boot' }, (k) => k.programs.set('forger', program));
    system.kernel.run();
    expect(status).toBe(-1); // -EPERM
    expect(system.alive()).toEqual([]);
  });
});

describe('init\'s identity', () => {
  it('an init block that declares uid 1000 is not root in the file system either', () => {
    const r = boot(FS + 'process init uid=1000 gid=1000\n    expect EACCES mkdir /root-only\n');
    expect(r.code).toBe(0);
  });
});

describe('fork and descriptors', () => {
  it('a spawned child knows its parent\'s open descriptors by name and shares their position', () => {
    const r = boot(FS + [
      'process init', '    write /shared "0123456789"', '    open f /shared O_RDWR', '    spawn child', '    wait child', '    read f 3',
      'process child', '    read f 4',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['child: 0123', 'init: 456']);
  });

  it('a malformed fork environment is EINVAL', () => {
    let status: number | undefined;
    const program = userProgram(function* (proc) {
      status = yield* proc.status('pm', { type: 'PM_FORK', program: 'x', name: 'x', env: { a: 5 } });
      return 0;
    });
    const script = parseBootScript('process init\n    spawn bad\n    wait bad\n', 'test.boot');
    const system = buildSystem(script, { seed: 1, scriptPath: 'test.boot' }, (k) => k.programs.set('bad', program));
    system.kernel.run();
    expect(status).toBe(-22);
  });
});
