/*
 * Script-language gaps found in coursework (issue 18): umask, output
 * redirection and dup2 (a built-in program writing into a pipe and a file),
 * the exit status of a waited child (`expect status=N`, `status`), getpid,
 * and a caught signal ending a `sleep` early without failing the process
 * (MINIX's nanosleep returns EINTR to its caller; the script goes on).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-coursework-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boot(name: string, body: string): { code: number; out: string[]; err: string[]; image: string } {
  const image = join(dir, `${name}.img`);
  const script = join(dir, `${name}.boot`);
  writeFileSync(script, `disk disk0 image=${image} create=4M block-size=1024\nfs root=disk0 cache=64\n\n${body}`);
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = bootScript(script, { seed: '1' }, (l) => out.push(l), (l) => err.push(l));
  } catch (e) {
    return { code: 2, out, err: [String((e as Error).message)], image };
  }
  return { code, out, err, image };
}

const fsckClean = (image: string): void => {
  const r = spawnSync('fsck.minix', ['-f', image], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
};

describe('coursework script commands', () => {
  it('umask: new files and directories lose the masked bits (as MINIX do_umask); umask with no mode prints it', () => {
    const r = boot('umask', `process init
    umask
    umask 0077
    umask
    write /private "x"
    mkdir /pdir
    stat /private
    stat /pdir
    umask 0022
    write /public "y"
    stat /public
`);
    expect(r.err.at(-1)).toContain('1 process exited');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'init: 0022',
      'init: 0077',
      expect.stringMatching(/^init: \/private: inode \d+ file mode 0600 /),
      expect.stringMatching(/^init: \/pdir: inode \d+ directory mode 0700 /),
      expect.stringMatching(/^init: \/public: inode \d+ file mode 0644 /),
    ]);
    fsckClean(r.image);
  });

  it('> and >> send a command\'s output (a built-in program\'s too) into a file instead of the console', () => {
    const r = boot('redirect', `process init
    mkdir /etc
    write /etc/motd "welcome"
    write /bin-ls "#!mksim ls /etc"
    chmod 0755 /bin-ls
    echo first line > /out
    echo second line >> /out
    ls / >>/out
    spawn lister
    wait lister
    cat /out
    cat /listing

process lister
    exec /bin-ls > /listing
`);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['init: first line', 'init: second line', 'init: bin-ls  etc  out', 'init: motd']);
    fsckClean(r.image);
  });

  // A process starts with no descriptor open (no terminal), so init takes 0, 1 and 2 first, as a
  // login shell's stdin, stdout and stderr would be: the pipe's ends are then 3 and 4.
  it('a pipeline: dup2 puts a pipe on a child\'s standard output and another\'s standard input; ls | cat', () => {
    const r = boot('pipeline', `process init
    mkdir /etc
    write /etc/a "1"
    write /etc/b "2"
    write /bin-ls "#!mksim ls /etc"
    write /bin-cat "#!mksim cat"
    chmod 0755 /bin-ls
    chmod 0755 /bin-cat
    open in /etc/a
    open out /etc/a
    open err /etc/a
    pipe r w
    spawn producer
    spawn consumer
    close w
    close r
    wait producer
    wait consumer

process producer
    dup2 w 1
    close w
    close r
    exec /bin-ls

process consumer
    dup2 r 0
    close r
    close w
    exec /bin-cat
`);
    expect(r.code).toBe(0);
    // The listing reached the console only through cat, which read it from the pipe.
    expect(r.out).toEqual(['consumer: a  b']);
  });

  it('the exit status of a waited child: expect status=N, and `status` prints it', () => {
    const r = boot('status', `process init
    spawn three
    expect status=3 wait three
    status
    spawn killed
    kill killed SIGTERM
    expect status=SIGTERM wait killed
    status
    spawn zero
    expect status=3 wait zero

process three
    exit 3

process killed
    sleep 1s

process zero
    echo fine
`);
    expect(r.out).toEqual([
      'init: three: exit 3',
      'init: killed: killed by SIGTERM',
      'zero: fine',
      expect.stringMatching(/^init: expectation failed at .*:13: expected status=3, got status=0$/),
    ]);
    expect(r.err.filter((l) => /expectation failed: init at .*:13: expected status=3, got status=0/.test(l))).toHaveLength(1);
    expect(r.err.at(-1)).toContain('2 expectations held');
    expect(r.code).toBe(1);
  });

  it('getpid prints the process id PM gave it', () => {
    const r = boot('getpid', `process init
    getpid
    spawn child
    wait child

process child
    getpid
`);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['init: 1', 'child: 2']);
  });

  it('a caught signal ends a sleep early; the script goes on and the process exits 0 (EINTR goes to the caller, as MINIX)', () => {
    const r = boot('sleep-eintr', `process init
    trap SIGALRM
    alarm 5ms
    sleep 1s
    echo after the sleep
    alarm 5ms
    expect EINTR sleep 1s
`);
    expect(r.out).toEqual(['init: caught SIGALRM', 'init: after the sleep', 'init: caught SIGALRM']);
    expect(r.code).toBe(0);
    // Both sleeps were cut short by the alarms: the run is far shorter than one 1 s sleep.
    const ms = Number(/1 expectation held, \d+ messages, ([\d.]+) ms virtual time/.exec(r.err.at(-1) ?? '')?.[1]);
    expect(ms).toBeLessThan(1000);
  });

  it('bad uses are errors at file:line:column', () => {
    expect(boot('bad1', 'process init\n    echo hi >\n').err[0]).toMatch(/needs a file after >/);
    expect(boot('bad2', 'process init\n    umask 9\n').err[0]).toMatch(/octal mode/);
    expect(boot('bad3', 'process init\n    expect status=x wait\n').err[0]).toMatch(/status=/);
  });
});
