/*
 * What fails a boot run on a system process's behalf: an entry at severity
 * error in the system log's `system` channel (kernel/syslog.ts), naming its
 * writer, not the look of a console line. The FS logs one when it turns
 * read-only after a failed write and when it cannot mount.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { userProgram } from '../../../lib/user/process.js';
import { ANY, receive, SYSTEM_CHANNEL, systemPrivileges, type ActorContext, type Kernel } from '../../../kernel/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-syserr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boot(body: string, extra?: (k: Kernel) => void, opts: { fault?: string[] } = {}): { code: number; out: string[]; err: string[] } {
  const script = join(dir, `s${Math.abs(body.length)}-${opts.fault?.length ?? 0}-${extra === undefined ? 0 : 1}.boot`);
  writeFileSync(script, body);
  const out: string[] = [];
  const err: string[] = [];
  const code = bootScript(script, { seed: '1', ...opts }, (l) => out.push(l), (l) => err.push(l), extra);
  return { code, out, err };
}

/** A system process (a driver, say) that writes to the console and maybe the system log, then waits forever. */
function systemActor(k: Kernel, line: string, severity: string | null): void {
  k.spawn({
    name: 'probe', priority: 2, privileges: systemPrivileges(),
    program: function* (ctx: ActorContext) {
      ctx.print(line);
      if (severity !== null) ctx.log(SYSTEM_CHANNEL, 'the probe lost its device', { severity });
      for (;;) yield receive(ANY);
    },
  });
}

const HELLO = 'process init\n    echo hi\n';

describe('system errors in a boot run', () => {
  it('a system process logging at severity error fails the run (exit 1), whatever its console line says', () => {
    const r = boot(HELLO, (k) => systemActor(k, 'probe: device gone', 'error'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('mksim: system error: probe: the probe lost its device');
  });

  it('a console line that merely starts `error:` is not a failure; a warning is not either', () => {
    expect(boot(HELLO, (k) => systemActor(k, 'error: counters reset (informational)', null)).code).toBe(0);
    expect(boot(HELLO, (k) => systemActor(k, 'retrying', 'warning')).code).toBe(0);
  });

  it('a user process cannot fail the run by logging at severity error, nor by printing `error:`', () => {
    const r = boot('process init\n    echo error: not a server\n    spawn logger\n    wait logger\n', (k) => {
      k.programs.set('logger', userProgram(function* (p) {
        p.ctx.log(SYSTEM_CHANNEL, 'I am not a server', { severity: 'error' });
        return 0;
      }));
    });
    expect(r.out).toEqual(['init: error: not a server']);
    expect(r.code).toBe(0);
  });

  it('the FS turning read-only after a failed write is a system error (exit 1) named by the FS', () => {
    const r = boot(`disk disk0 create=1M block-size=1024 model=ramdisk
fs root=disk0 cache=8
fault disk0 write-error block=2

process init
    write /a "x"
    sync
`);
    expect(r.code).toBe(1);
    expect(r.err.filter((l) => l.startsWith('mksim: system error: fs: writing block 2 failed (EIO): the file system is now read-only'))).toHaveLength(1);
    expect(r.out).toContain('fs: error: writing block 2 failed (EIO): the file system is now read-only');
  });
});
