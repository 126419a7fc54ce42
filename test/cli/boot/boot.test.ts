import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';

function boot(text: string, opts: { seed?: string; trace?: string; until?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mksim-boot-'));
  const path = join(dir, 'test.boot');
  writeFileSync(path, text);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, opts, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr, dir };
}

describe('mksim boot', () => {
  it('examples/hello.boot prints its greeting and exits 0', () => {
    const stdout: string[] = [];
    const code = bootScript('examples/hello.boot', {}, (l) => stdout.push(l), () => {});
    expect(code).toBe(0);
    expect(stdout).toEqual(['init: mksim is up', 'hello: hello.txt', 'init: hello, world', 'init: bye']);
  });

  it('the same script and seed give byte-identical traces whose records carry the v1 fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-trace-'));
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    bootScript('examples/hello.boot', { seed: '7', trace: a }, () => {}, () => {});
    bootScript('examples/hello.boot', { seed: '7', trace: b }, () => {}, () => {});
    const textA = readFileSync(a, 'utf8');
    expect(textA).toBe(readFileSync(b, 'utf8'));
    const records = textA.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ seq: 1, t: 0, ev: 'header', version: 1, seed: 7, script: 'examples/hello.boot' });
    records.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
      expect(Number.isInteger(r.t)).toBe(true);
      expect(typeof r.ev).toBe('string');
      if (['send', 'deliver', 'notify', 'reply'].includes(r.ev as string)) {
        for (const f of ['id', 'src', 'dst', 'type', 'cause']) expect(r).toHaveProperty(f);
      }
    });
    for (let i = 1; i < records.length; i++) expect(records[i]!.t as number).toBeGreaterThanOrEqual(records[i - 1]!.t as number);
  });

  it('a failed expectation makes the run exit 1 and says where', () => {
    const r = boot('process init\n    expect ECHILD wait\n    expect EPERM wait\n');
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toMatch(/expectation failed: init at .*test.boot:3: expected EPERM, got ECHILD/);
  });

  it('a process that exits non-zero makes the run exit 1', () => {
    const r = boot('process init\n    spawn bad\n    wait bad\nprocess bad\n    exit 3\n');
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toMatch(/bad ended with exit 3/);
  });

  it('kill delivers SIGTERM, whose default action ends the child', () => {
    const r = boot('process init\n    spawn victim\n    kill victim SIGTERM\n    wait victim\nprocess victim\n    spin 1s\n');
    expect(r.stderr.join('\n')).toMatch(/victim ended with killed by SIGTERM/);
  });

  it('orphans are re-parented to init and reaped by its wait', () => {
    const r = boot([
      'process init', '    spawn parent', '    wait parent', '    wait', '    echo reaped',
      'process parent', '    spawn orphan', '    exit 0',
      'process orphan', '    spin 1ms',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('init: reaped');
  });
});

describe('signals in boot scripts', () => {
  it('trap runs its command when the signal arrives, at the return from the system call', () => {
    const r = boot('process init\n    trap SIGUSR1 echo "got usr1"\n    kill self SIGUSR1\n    echo after\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['init: got usr1', 'init: after']);
  });

  it('an ignored signal does nothing; SIGKILL cannot be trapped', () => {
    const r = boot('process init\n    trap SIGTERM ignore\n    kill self SIGTERM\n    echo alive\n');
    expect(r.stdout).toEqual(['init: alive']);
    expect(() => boot('process init\n    trap SIGKILL echo no\n')).toThrow(/SIGKILL cannot be caught/);
  });

  it('a child killed with SIGKILL while trapping everything else still dies', () => {
    const r = boot('process init\n    spawn c\n    kill c SIGKILL\n    wait c\nprocess c\n    trap SIGTERM\n    spin 10ms\n');
    expect(r.stderr.join('\n')).toMatch(/c ended with killed by SIGKILL/);
  });

  it('a signal interrupts CPU work: the handler runs and the work goes on', () => {
    // init's 10 ms quantum runs out during its spin, so c runs, traps and starts spinning;
    // init then sends the signal while c is in the middle of its 50 ms of work.
    const r = boot('process init\n    spawn c\n    spin 25ms\n    kill c SIGUSR2\n    wait c\nprocess c\n    trap SIGUSR2\n    spin 50ms\n    echo done\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['c: caught SIGUSR2', 'c: done']);
  });

  it('a signal sent before the child installs its trap takes the default action', () => {
    // The child runs first after fork (it is ready before PM's reply reaches the parent);
    // it spins through its quantum, and the parent's kill arrives before its trap.
    const r = boot('process init\n    spawn c\n    kill c SIGUSR2\n    wait c\nprocess c\n    spin 20ms\n    trap SIGUSR2\n');
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toMatch(/c ended with killed by SIGUSR2/);
  });
});

describe('boot --until', () => {
  it('stops at the deadline; processes still running are not failures', () => {
    const r = boot('process init\n    spin 1s\n    echo never\n', { until: '100ms' });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([]);
    expect(r.stderr.join('\n')).toMatch(/100\.000 ms virtual time/);
  });

  it('running in progress slices gives the same trace as one run', () => {
    const text = 'process init\n    spawn a\n    spawn b\n    wait\n    wait\nprocess a\n    spin 30ms\nprocess b\n    repeat 5 spin 3ms\n';
    const one = boot(text, { trace: '/dev/null' });
    const dir = one.dir;
    const sliced = join(dir, 'sliced.jsonl');
    const whole = join(dir, 'whole.jsonl');
    boot(text, { trace: sliced, until: '1s' });
    boot(text, { trace: whole });
    const strip = (t: string) => t.split('\n').filter((l) => !l.includes('"header"')).join('\n');
    expect(strip(readFileSync(sliced, 'utf8'))).toBe(strip(readFileSync(whole, 'utf8')));
  });
});

describe('whole systems from boot scripts', () => {
  it('boots a disk, the file server and the clock: files written by one process are read by another', () => {
    const r = boot([
      'disk disk0 create=2M block-size=1024 model=ramdisk',
      'fs root=disk0 cache=32',
      'process init',
      '    mkdir /data',
      '    write /data/a.txt "first line"',
      '    write --append /data/a.txt " and more"',
      '    spawn reader',
      '    wait reader',
      'process reader',
      '    cat /data/a.txt',
      '    expect ENOENT cat /data/missing',
      '    expect ENOTEMPTY rmdir /data',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['reader: first line and more']);
  });

  it('an image file made with create= is a MINIX file system fsck.minix accepts after the run', async () => {
    const { existsSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    if (!existsSync('/usr/sbin/fsck.minix')) return;
    const r = boot('disk disk0 image=root.img create=2M block-size=1024\nfs root=disk0\nprocess init\n    mkdir /x\n    write /x/f "data"\n    sync\n');
    expect(r.code).toBe(0);
    const fsck = spawnSync('/usr/sbin/fsck.minix', ['-f', join(r.dir, 'root.img')], { encoding: 'utf8' });
    expect(fsck.status).toBe(0);
  });

  it('a missing image names the disk line', () => {
    expect(() => boot('disk disk0 image=/no/such.img\nprocess init\n    echo hi\n')).toThrow(/test\.boot:1:\d+: .*no\/such\.img/);
  });

  it('fs without a disk, and a fault on an unknown disk, are errors at their lines', () => {
    expect(() => boot('fs cache=10\nprocess init\n    echo hi\n')).toThrow(/test\.boot:1:1: fs needs a disk/);
    expect(() => boot('disk disk0 size=1M\nfault disk9 read-error block=3\nprocess init\n    echo hi\n')).toThrow(/test\.boot:2:1: fault names 'disk9'/);
  });

  it('sleep and alarm go through the clock task', () => {
    const r = boot('clock mode=tickless\nprocess init\n    sleep 15ms\n    trap SIGALRM echo ring\n    alarm 25ms\n    pause\n    echo done\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['init: ring', 'init: done']);
    expect(r.stderr.join('\n')).toMatch(/40\.\d+ ms virtual time/);
  });
});

describe('clock guests= in a boot script', () => {
  it('guests on a periodic host tick every 1/HZ each; tickless guests cost only their timers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-guests-'));
    const ticks = (mode: string): number => {
      const path = join(dir, `${mode}.jsonl`);
      boot(`clock mode=${mode} hz=1000 guests=3\nprocess init\n    sleep 300ms\n`, { trace: path });
      return readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"ev":"tick"')).length;
    };
    const periodic = ticks('periodic');
    expect(periodic).toBeGreaterThanOrEqual(4 * 299);
    expect(ticks('tickless')).toBeLessThan(periodic / 100);
  });
});

describe('boot --fault', () => {
  it('injects a fault from the command line as a fault line would: the driver is killed and restarted', () => {
    const stdout: string[] = [];
    const code = bootScript('examples/hello.boot', { fault: ['disk0 kill-driver nth=3'] }, (l) => stdout.push(l), () => {});
    expect(code).toBe(0);
    expect(stdout).toContain('rs: service disk0 died (exited with 137); restarting it in 1 ms');
    expect(stdout).toContain('init: hello, world');
  });

  it('a malformed --fault is bad usage naming the fault', () => {
    expect(() => bootScript('examples/hello.boot', { fault: ['disk0 explode'] }, () => {}, () => {})).toThrow(/--fault disk0 explode: unexpected 'explode'/);
  });
});
