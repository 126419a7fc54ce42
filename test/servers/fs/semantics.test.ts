/*
 * The call layer's behaviour across processes: fork and dup share a file
 * position; F_SETLKW waiters block and are woken in the order they asked;
 * pipes suspend readers and writers and revive them; SIGPIPE and EINTR;
 * rename's edge cases; symbolic links, chdir and chroot; unlinked open files.
 * Every workload leaves an image that passes mksim fsck and fsck.minix -f.
 */
import { describe, expect, it } from 'vitest';
import { EDEADLK, EINTR, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPIPE } from '../../../kernel/index.js';
import * as fs from '../../../lib/syscalls/fs.js';
import * as pm from '../../../lib/syscalls/pm.js';
import type { SysGen, UserProcess } from '../../../lib/user/process.js';
import { SIGPIPE, SIGUSR1, WTERMSIG } from '../../../servers/pm/protocol.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { expectClean, runProcs, type Results } from './procs.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | number): string => (typeof b === 'number' ? `errno ${b}` : new TextDecoder().decode(b));
const MS = 1_000_000;
const image = (): Uint8Array => formatImage({ sizeBytes: 2 << 20, blockSize: 1024 });

function* readAllFd(p: UserProcess, fd: number, size: number): SysGen<string> {
  const buf = new Uint8Array(size);
  const n = yield* fs.read(p, fd, buf);
  return n < 0 ? `errno ${n}` : dec(buf.subarray(0, n));
}

describe('sharing after fork and dup', () => {
  it('a forked child shares the file position: writes interleave, a child lseek moves the parent', () => {
    const img = image();
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        const fd = yield* fs.open(p, '/log', fs.O_RDWR | fs.O_CREAT, 0o644);
        yield* fs.write(p, fd, enc('parent1 '));
        const pid = yield* pm.fork(p, 'child');
        yield* pm.waitpid(p, pid);
        yield* fs.write(p, fd, enc('parent2'));
        r.file = dec(yield* fs.readFile(p, '/log'));
        r.pos = yield* fs.lseek(p, fd, 0, fs.SEEK_CUR);
        const d = yield* fs.dup(p, fd);
        yield* fs.lseek(p, d, 7);
        r.readAfterDupSeek = yield* readAllFd(p, fd, 1);
        r.dup2 = yield* fs.dup2(p, fd, 10);
        r.viaDup2 = yield* readAllFd(p, 10, 6);
        yield* fs.close(p, fd);
        r.stillOpenThroughDup = yield* fs.lseek(p, d, 0, fs.SEEK_CUR);
        yield* fs.close(p, d);
        yield* fs.close(p, 10);
        yield* fs.sync(p);
        return 0;
      },
      *child(p) {
        yield* fs.write(p, 0, enc('child '));
        r.childPos = yield* fs.lseek(p, 0, 0, fs.SEEK_CUR);
        return 0;
      },
    });
    expect(r).toEqual({
      file: 'parent1 child parent2', pos: 21, childPos: 14, readAfterDupSeek: ' ', dup2: 10, viaDup2: 'child ', stillOpenThroughDup: 14,
    });
    expectClean(img);
  });

  it('O_APPEND writes at the end whatever the position, O_TRUNC empties, an unlinked open file lives until its last close', () => {
    const img = image();
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        yield* fs.writeFile(p, '/a', enc('12345'));
        const fd = yield* fs.open(p, '/a', fs.O_WRONLY | fs.O_APPEND);
        yield* fs.lseek(p, fd, 0);
        yield* fs.write(p, fd, enc('67'));
        yield* fs.close(p, fd);
        r.appended = dec(yield* fs.readFile(p, '/a'));
        const t = yield* fs.open(p, '/a', fs.O_RDWR | fs.O_TRUNC);
        r.truncated = ((yield* fs.fstat(p, t)) as { size: number }).size;
        yield* fs.write(p, t, enc('kept after unlink'));
        yield* fs.unlink(p, '/a');
        r.gone = yield* fs.stat(p, '/a');
        yield* fs.lseek(p, t, 0);
        r.readUnlinked = yield* readAllFd(p, t, 100);
        r.links = ((yield* fs.fstat(p, t)) as { nlinks: number }).nlinks;
        yield* fs.close(p, t);
        yield* fs.sync(p);
        return 0;
      },
    });
    expect(r).toEqual({ appended: '1234567', truncated: 0, gone: -ENOENT, readUnlinked: 'kept after unlink', links: 0 });
    expectClean(img);
  });
});

describe('advisory locks', () => {
  it('F_SETLKW waiters block and are woken in the order they asked, each when the holder lets go', () => {
    const img = image();
    const order: string[] = [];
    const lockAll = { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 };
    function waiter(name: string) {
      return function* (p: UserProcess): SysGen<number> {
        const fd = yield* fs.open(p, '/db', fs.O_RDWR);
        const r = yield* fs.lock(p, fd, lockAll, true);
        order.push(`${name} got ${r} at ${p.ctx.nowNs() / MS | 0}ms`);
        yield* pm.nanosleep(p, 2 * MS);
        yield* fs.lock(p, fd, { ...lockAll, type: fs.F_UNLCK });
        return 0;
      };
    }
    runProcs(img, {
      *init(p) {
        const fd = yield* fs.open(p, '/db', fs.O_RDWR | fs.O_CREAT, 0o644);
        yield* fs.lock(p, fd, lockAll);
        const pids: number[] = [];
        for (const name of ['w1', 'w2', 'w3']) {
          pids.push(yield* pm.fork(p, name));
          yield* pm.nanosleep(p, MS);
        }
        order.push(`init unlocks at ${p.ctx.nowNs() / MS | 0}ms`);
        // Closing any descriptor of the file drops the process's locks.
        yield* fs.close(p, fd);
        for (const pid of pids) yield* pm.waitpid(p, pid);
        yield* fs.sync(p);
        return 0;
      },
      w1: waiter('w1'), w2: waiter('w2'), w3: waiter('w3'),
    });
    expect(order).toEqual(['init unlocks at 3ms', 'w1 got 0 at 3ms', 'w2 got 0 at 5ms', 'w3 got 0 at 7ms']);
    expectClean(img);
  });

  it('read locks share, a write lock waits for all of them; a waiting cycle gets EDEADLK; exit releases locks', () => {
    const img = image();
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        const fd = yield* fs.open(p, '/db', fs.O_RDWR | fs.O_CREAT, 0o644);
        yield* fs.write(p, fd, new Uint8Array(100));
        r.rd = yield* fs.lock(p, fd, { type: fs.F_RDLCK, whence: 0, start: 0, len: 50 });
        const reader = yield* pm.fork(p, 'reader');
        yield* pm.waitpid(p, reader);
        // init holds 0..49; 'cycle' holds 50..99 and waits for 0..49; init asking for 50..99 would close the cycle.
        const c = yield* fs.open(p, '/db', fs.O_RDWR);
        yield* fs.lock(p, c, { type: fs.F_WRLCK, whence: 0, start: 0, len: 50 });
        const cycle = yield* pm.fork(p, 'cycle');
        yield* pm.nanosleep(p, MS);
        r.deadlock = yield* fs.lock(p, c, { type: fs.F_WRLCK, whence: 0, start: 50, len: 50 }, true);
        yield* fs.close(p, c);
        yield* pm.waitpid(p, cycle);
        // 'holder' exits holding a lock: the lock goes with it.
        const holder = yield* pm.fork(p, 'holder');
        yield* pm.waitpid(p, holder);
        r.afterExit = yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 });
        yield* fs.close(p, fd);
        yield* fs.sync(p);
        return 0;
      },
      *reader(p) {
        const fd = yield* fs.open(p, '/db', fs.O_RDONLY);
        r.shared = yield* fs.lock(p, fd, { type: fs.F_RDLCK, whence: 0, start: 10, len: 10 });
        r.writeInParent = yield* fs.getlk(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 });
        return 0;
      },
      *cycle(p) {
        const fd = yield* fs.open(p, '/db', fs.O_RDWR);
        yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 50, len: 50 });
        r.cycleWaited = yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 50 }, true);
        return 0;
      },
      *holder(p) {
        const fd = yield* fs.open(p, '/db', fs.O_RDWR);
        r.holder = yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 });
        return 0;
      },
    });
    expect(r).toMatchObject({
      rd: 0, shared: 0, writeInParent: { type: fs.F_RDLCK, start: 0, len: 50 },
      deadlock: -EDEADLK, cycleWaited: 0, holder: 0, afterExit: 0,
    });
    expectClean(img);
  });
});

describe('pipes', () => {
  it('a reader of an empty pipe is suspended until a write revives it; a writer of a full pipe until reads make room; EOF after the last writer', () => {
    const img = image();
    const r: Results = {};
    const chunks: number[] = [];
    runProcs(img, {
      *init(p) {
        const [rd, wr] = (yield* fs.pipe(p)) as [number, number];
        r.fds = [rd, wr];
        const pid = yield* pm.fork(p, 'reader');
        yield* fs.close(p, rd);
        yield* pm.nanosleep(p, 5 * MS);
        r.wroteSmallAt = p.ctx.nowNs() / MS | 0;
        yield* fs.write(p, wr, enc('hello'));
        yield* pm.nanosleep(p, 5 * MS);
        // 20000 bytes do not fit the 7168-byte pipe: the writer waits for the reader.
        r.big = yield* fs.write(p, wr, new Uint8Array(20000).fill(7));
        r.bigDoneAt = p.ctx.nowNs() / MS | 0;
        yield* fs.close(p, wr);
        yield* pm.waitpid(p, pid);
        yield* fs.sync(p);
        return 0;
      },
      *reader(p) {
        yield* fs.close(p, 1); // descriptors start at 0: no console descriptors in mksim
        r.firstRead = yield* readAllFd(p, 0, 100);
        r.firstReadAt = p.ctx.nowNs() / MS | 0;
        yield* pm.nanosleep(p, 10 * MS);
        for (;;) {
          const buf = new Uint8Array(3000);
          const n = yield* fs.read(p, 0, buf);
          chunks.push(n);
          if (n <= 0) break;
          yield* pm.nanosleep(p, MS);
        }
        return 0;
      },
    });
    expect(r).toEqual({ fds: [0, 1], wroteSmallAt: 5, firstRead: 'hello', firstReadAt: 5, big: 20000, bigDoneAt: expect.any(Number) });
    expect(r.bigDoneAt as number).toBeGreaterThanOrEqual(16);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(20000);
    expect(chunks.at(-1)).toBe(0);
    expectClean(img);
  });

  it('writing with no reader: SIGPIPE kills by default; ignored, the write fails with EPIPE; a signal makes a blocked read return EINTR', () => {
    const img = image();
    const r: Results = {};
    const { exits } = runProcs(img, {
      *init(p) {
        const [rd, wr] = (yield* fs.pipe(p)) as [number, number];
        yield* fs.close(p, rd);
        const killed = yield* pm.fork(p, 'killed');
        r.killedStatus = WTERMSIG((yield* pm.waitpid(p, killed))[1]);
        const ignoring = yield* pm.fork(p, 'ignoring');
        yield* pm.waitpid(p, ignoring);
        yield* fs.close(p, wr);
        const [rd2, wr2] = (yield* fs.pipe(p)) as [number, number];
        const sleeper = yield* pm.fork(p, 'sleeper');
        yield* pm.nanosleep(p, 3 * MS);
        yield* pm.kill(p, sleeper, SIGUSR1);
        yield* pm.waitpid(p, sleeper);
        yield* fs.close(p, rd2);
        yield* fs.close(p, wr2);
        yield* fs.sync(p);
        return 0;
      },
      *killed(p) {
        yield* fs.write(p, 1, enc('x'));
        r.survived = true;
        return 0;
      },
      *ignoring(p) {
        yield* pm.sigaction(p, SIGPIPE, 'ignore');
        r.epipe = yield* fs.write(p, 1, enc('x'));
        return 0;
      },
      *sleeper(p) {
        yield* pm.sigaction(p, SIGUSR1, function* (q) { q.print('caught'); });
        r.eintr = yield* readAllFd(p, 0, 10);
        r.interruptedAt = p.ctx.nowNs() / MS | 0;
        return 0;
      },
    });
    expect(r).toEqual({ killedStatus: SIGPIPE, epipe: -EPIPE, eintr: `errno ${-EINTR}`, interruptedAt: 3 });
    expect(exits.get('sleeper')).toBe(0);
    expectClean(img);
  });
});

describe('rename, links, directories', () => {
  it('rename across directories, over files and empty directories, never into itself; link counts and .. follow', () => {
    const img = image();
    const r: Results = {};
    const nlinks = function* (p: UserProcess, path: string): SysGen<number> {
      const s = yield* fs.stat(p, path);
      return typeof s === 'number' ? s : s.nlinks;
    };
    runProcs(img, {
      *init(p) {
        for (const d of ['/a', '/a/sub', '/b', '/empty', '/full', '/full/x']) yield* fs.mkdir(p, d, 0o755);
        yield* fs.writeFile(p, '/a/f', enc('file f'));
        yield* fs.writeFile(p, '/b/g', enc('file g'));
        r.acrossDirs = yield* fs.rename(p, '/a/f', '/b/f');
        r.overFile = yield* fs.rename(p, '/b/f', '/b/g');
        r.gContent = dec(yield* fs.readFile(p, '/b/g'));
        r.fGone = yield* fs.stat(p, '/b/f');
        r.intoItself = yield* fs.rename(p, '/a', '/a/sub/a');
        r.ontoItself = yield* fs.rename(p, '/a', '/a');
        r.dirOverFile = yield* fs.rename(p, '/a', '/b/g');
        r.fileOverDir = yield* fs.rename(p, '/b/g', '/empty');
        r.overNonEmpty = yield* fs.rename(p, '/a', '/full');
        r.aLinksBefore = yield* nlinks(p, '/a');
        r.overEmptyDir = yield* fs.rename(p, '/a/sub', '/empty');
        r.aLinksAfter = yield* nlinks(p, '/a');
        r.moveDirAcross = yield* fs.rename(p, '/empty', '/b/moved');
        r.rootLinks = yield* nlinks(p, '/');
        r.bLinks = yield* nlinks(p, '/b');
        r.dotdot = ((yield* fs.stat(p, '/b/moved/..')) as { ino: number }).ino === ((yield* fs.stat(p, '/b')) as { ino: number }).ino;
        yield* fs.link(p, '/b/g', '/b/g2');
        r.hardLinks = yield* nlinks(p, '/b/g');
        r.sameFile = yield* fs.rename(p, '/b/g', '/b/g2');
        r.bothStay = [typeof (yield* fs.stat(p, '/b/g')), typeof (yield* fs.stat(p, '/b/g2'))];
        yield* fs.unlink(p, '/b/g');
        r.oneLink = yield* nlinks(p, '/b/g2');
        r.missing = yield* fs.rename(p, '/nope', '/b/x');
        r.underFile = yield* fs.rename(p, '/b/g2', '/b/g2/x');
        yield* fs.sync(p);
        return 0;
      },
    });
    expect(r).toEqual({
      acrossDirs: 0, overFile: 0, gContent: 'file f', fGone: -ENOENT, intoItself: -EINVAL, ontoItself: 0,
      dirOverFile: -ENOTDIR, fileOverDir: -EISDIR, overNonEmpty: -ENOTEMPTY, aLinksBefore: 3, overEmptyDir: 0,
      aLinksAfter: 2, moveDirAcross: 0, rootLinks: 5, bLinks: 3, dotdot: true, hardLinks: 2, sameFile: 0,
      bothStay: ['object', 'object'], oneLink: 1, missing: -ENOENT, underFile: -ENOTDIR,
    });
    expectClean(img);
  });

  it('relative paths start at the working directory; symbolic links resolve from their directory; chroot confines .. ', () => {
    const img = image();
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        yield* fs.mkdir(p, '/srv', 0o755);
        yield* fs.mkdir(p, '/srv/www', 0o755);
        yield* fs.writeFile(p, '/srv/www/index', enc('welcome'));
        yield* fs.writeFile(p, '/outside', enc('secret'));
        r.cd = yield* fs.chdir(p, '/srv');
        r.relative = dec(yield* fs.readFile(p, 'www/index'));
        r.symlink = yield* fs.symlink(p, 'www/index', 'home');
        r.viaLink = dec(yield* fs.readFile(p, '/srv/home'));
        r.absLink = yield* fs.symlink(p, '/srv/www', '/w');
        r.throughDirLink = dec(yield* fs.readFile(p, '/w/index'));
        r.dotdot = dec(yield* fs.readFile(p, '../outside'));
        const pid = yield* pm.fork(p, 'jailed');
        yield* pm.waitpid(p, pid);
        yield* fs.sync(p);
        return 0;
      },
      *jailed(p) {
        r.inheritedCwd = dec(yield* fs.readFile(p, 'www/index'));
        r.chroot = yield* fs.chroot(p, '/srv');
        r.rootIsSrv = dec(yield* fs.readFile(p, '/www/index'));
        r.cannotEscape = yield* fs.readFile(p, '/../../outside');
        r.absLinkInJail = yield* fs.readFile(p, '/home');
        return 0;
      },
    });
    expect(r).toEqual({
      cd: 0, relative: 'welcome', symlink: 0, viaLink: 'welcome', absLink: 0, throughDirLink: 'welcome', dotdot: 'secret',
      inheritedCwd: 'welcome', chroot: 0, rootIsSrv: 'welcome', cannotEscape: -ENOENT, absLinkInJail: expect.any(Uint8Array),
    });
    expectClean(img);
  });
});
