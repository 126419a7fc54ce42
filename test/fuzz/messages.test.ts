import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ECALLDENIED, sendrec, type Message } from '../../kernel/index.js';
import { userProgram } from '../../lib/user/process.js';
import { FUZZ_SEED, runs } from './budget.js';
import { fuzzBoot } from './system.js';

// Calls whose meaning is to block or to end the caller (pause, wait, exit...) are left out:
// a process that waits forever for a child it does not have is not the server's hang.
// So are reply types (PM_REPLY, FS_REPLY): the FS drops a stray reply unanswered by design,
// so that two servers never trade error replies forever; and PM takes FS_SIGNAL without a reply
// (asynchronous from the FS) whoever sends it (reported to PM's owner: it should refuse non-FS senders).
const PM_TYPES = ['PM_ALARM', 'PM_GETCON', 'PM_GETPID', 'PM_GETUID', 'PM_NEWROLE', 'PM_SETCON', 'PM_SETGID', 'PM_SETUID', 'PM_SIGACTION', 'PM_SIGPROCMASK', 'PM_SLEEP'];
const FS_TYPES = ['FS_CHDIR', 'FS_CHMOD', 'FS_CHOWN', 'FS_CHROOT', 'FS_CLOSE', 'FS_CREATE', 'FS_DUP', 'FS_FCNTL', 'FS_FSTAT', 'FS_FSYNC',
  'FS_FTRUNCATE', 'FS_GETDENTS', 'FS_GETFILECON', 'FS_LINK', 'FS_LSEEK', 'FS_LSTAT', 'FS_MKDIR', 'FS_OPEN', 'FS_READ', 'FS_READFD',
  'FS_READLINK', 'FS_RENAME', 'FS_RMDIR', 'FS_SETFILECON', 'FS_SETFSCREATE', 'FS_STAT', 'FS_STATFS', 'FS_SYMLINK', 'FS_SYNC',
  'FS_TRUNCATE', 'FS_UMASK', 'FS_UNLINK', 'FS_UTIME', 'FS_WRITE', 'FS_WRITEFD', 'FS_PM_FORK', 'FS_PM_EXIT', 'FS_PM_SETUID'];

const field = fc.oneof(
  fc.integer({ min: -3, max: 70000 }), fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, Number.NaN, Infinity, 1.5, -0),
  fc.string({ maxLength: 12 }), fc.constantFrom('/', '/tmp', '/tmp/x', '..', '', '/etc/passwd', 'a'.repeat(300)),
  fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer(), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);
const FIELD_NAMES = ['path', 'fd', 'flags', 'mode', 'bytes', 'data', 'count', 'offset', 'whence', 'uid', 'gid', 'to', 'from', 'target', 'name',
  'cmd', 'lock', 'delayNs', 'signal', 'endpoint', 'handler', 'mask', 'how', 'context', 'role', 'length', 'position', 'atimeSec', 'mtimeSec', 'child', 'parent'];

const message = fc.record({
  dst: fc.constantFrom('pm', 'fs', 'pm', 'fs', 'security'),
  type: fc.oneof(fc.constantFrom(...PM_TYPES, ...FS_TYPES), fc.string({ maxLength: 10 }), fc.constantFrom('NOTIFY', '__proto__', 'constructor', 'toString')),
  fields: fc.dictionary(fc.constantFrom(...FIELD_NAMES), field, { maxKeys: 5 }),
});

const SCRIPT = `
disk disk0 create=512K block-size=1024 model=ramdisk
fs   root=disk0 cache=16
clock mode=tickless
security policy=${process.cwd()}/examples/policy/base.conf mode=permissive
process init uid=0
    mkdir /tmp
    chmod 1777 /tmp
    write /tmp/x "hello"
    spawn fuzzer
    wait fuzzer
    echo done
process fuzzer uid=1000 gid=1000
    echo placeholder
`;

describe('random messages from a user process get an answer, never a server crash', () => {
  it('pm, fs and security answer every malformed request with a status, and keep serving', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), (msgs) => {
      const answers: unknown[] = [];
      const fuzzer = userProgram(function* (proc) {
        for (const m of msgs) {
          const r: unknown = yield sendrec(proc.ctx.endpointOf(m.dst), { ...m.fields, type: m.type } as Message);
          answers.push(r);
        }
        return 0;
      });
      const run = fuzzBoot(SCRIPT, new Map([['fuzzer', fuzzer]]), 600_000_000_000);
      expect(run.systemFaults).toEqual([]);
      expect(run.finished).toBe(true);
      expect(run.system.report.output).toContain('init: done');
      for (const a of answers) {
        if (typeof a === 'number') expect(a).toBeLessThan(0);
        else expect(typeof (a as { status?: unknown }).status).toBe('number');
      }
    }), { numRuns: runs(25), seed: FUZZ_SEED });
  });

  it('a user process cannot send to drivers, tasks or rs: ECALLDENIED for every primitive it tries', () => {
    const results: unknown[] = [];
    const prober = userProgram(function* (proc) {
      for (const target of ['disk0', 'clock', 'rs']) {
        results.push(yield sendrec(proc.ctx.endpointOf(target), { type: 'DEV_GATHER', minor: 0, vector: [] }));
      }
      return 0;
    });
    const run = fuzzBoot(SCRIPT, new Map([['fuzzer', prober]]), 600_000_000_000);
    expect(run.finished).toBe(true);
    expect(results).toEqual([-ECALLDENIED, -ECALLDENIED, -ECALLDENIED]);
  });
});
