/*
 * One check per call per errno: each call made by a user process through
 * lib/syscalls/fs.ts, with root's and an ordinary user's credentials. Every
 * workload ends with an image that passes mksim fsck and fsck.minix -f.
 */
import { describe, expect, it } from 'vitest';
import {
  EACCES, EAGAIN, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOSPC,
  ENOTDIR, ENOTEMPTY, EPERM, ESPIPE,
} from '../../../kernel/index.js';
import * as fs from '../../../lib/syscalls/fs.js';
import * as pm from '../../../lib/syscalls/pm.js';
import type { SysGen, UserProcess } from '../../../lib/user/process.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { expectClean, runProcs, type Results } from './procs.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Run `body` as a child with uid/gid 1000, waited for by init. */
function* asUser(proc: UserProcess, name: string): SysGen<number> {
  const pid = yield* pm.fork(proc, name, name);
  const [, status] = yield* pm.waitpid(proc, pid);
  return status;
}

function* becomeUser(proc: UserProcess, uid = 1000): SysGen<void> {
  yield* pm.setgid(proc, uid);
  yield* pm.setuid(proc, uid);
}

describe('errno per call', () => {
  it('root: ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, EBADF, EPERM, ELOOP, ENAMETOOLONG, EINVAL, ESPIPE per call', () => {
    const img = formatImage({ sizeBytes: 2 << 20, blockSize: 1024 });
    const r: Results = {};
    const { exits } = runProcs(img, {
      *init(p) {
        yield* fs.mkdir(p, '/d', 0o755);
        yield* fs.writeFile(p, '/d/f', bytes('hello'));
        yield* fs.mkdir(p, '/full', 0o755);
        yield* fs.writeFile(p, '/full/x', bytes('x'));
        yield* fs.symlink(p, '/loop2', '/loop1');
        yield* fs.symlink(p, '/loop1', '/loop2');
        const long = 'n'.repeat(61);
        // open
        r.openMissing = yield* fs.open(p, '/nope', fs.O_RDONLY);
        r.openThroughFile = yield* fs.open(p, '/d/f/x', fs.O_RDONLY);
        r.openDirForWrite = yield* fs.open(p, '/d', fs.O_WRONLY);
        r.openExcl = yield* fs.open(p, '/d/f', fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL);
        r.openLoop = yield* fs.open(p, '/loop1', fs.O_RDONLY);
        r.openLongName = yield* fs.open(p, `/${long}`, fs.O_RDONLY | fs.O_CREAT);
        r.openBadFlags = yield* fs.open(p, '/d/f', 3);
        r.creatInMissingDir = yield* fs.creat(p, '/no/such', 0o644);
        // descriptors
        r.closeBad = yield* fs.close(p, 42);
        r.readBad = yield* fs.read(p, 42, new Uint8Array(4));
        const wo = yield* fs.open(p, '/d/f', fs.O_WRONLY);
        r.readWriteOnly = yield* fs.read(p, wo, new Uint8Array(4));
        r.ftruncateWriteOnlyOk = yield* fs.ftruncate(p, wo, 2);
        const ro = yield* fs.open(p, '/d/f', fs.O_RDONLY);
        r.writeReadOnly = yield* fs.write(p, ro, bytes('x'));
        r.ftruncateReadOnly = yield* fs.ftruncate(p, ro, 0);
        const dfd = yield* fs.open(p, '/d', fs.O_RDONLY);
        r.readDir = yield* fs.read(p, dfd, new Uint8Array(4));
        r.lseekBad = yield* fs.lseek(p, 42, 0);
        r.lseekNegative = yield* fs.lseek(p, ro, -1);
        r.lseekBadWhence = yield* fs.lseek(p, ro, 0, 7);
        r.lseekEnd = yield* fs.lseek(p, ro, 1, fs.SEEK_END);
        r.dupBad = yield* fs.dup(p, 42);
        r.dup2Bad = yield* fs.dup2(p, 42, 3);
        r.dup2OutOfRange = yield* fs.dup2(p, ro, 1000);
        r.fstatBad = yield* fs.fstat(p, 42);
        r.fsyncBad = yield* fs.fsync(p, 42);
        r.fcntlBad = yield* fs.fcntl(p, 42, fs.F_GETFL);
        r.fcntlBadCmd = yield* fs.fcntl(p, ro, 99);
        const pp = yield* fs.pipe(p);
        const [pr, pw] = pp as [number, number];
        r.lseekPipe = yield* fs.lseek(p, pr, 0);
        r.ftruncatePipe = yield* fs.ftruncate(p, pw, 0);
        r.lockPipe = yield* fs.lock(p, pw, { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 });
        for (const fd of [wo, ro, dfd, pr, pw]) yield* fs.close(p, fd);
        // paths
        r.statMissing = yield* fs.stat(p, '/nope');
        r.statThroughFile = yield* fs.stat(p, '/d/f/g');
        r.statLoop = yield* fs.stat(p, '/loop1');
        r.lstatLoopIsLink = ((yield* fs.lstat(p, '/loop1')) as { mode: number }).mode & 0o170000;
        r.mkdirExists = yield* fs.mkdir(p, '/d', 0o755);
        r.mkdirMissingParent = yield* fs.mkdir(p, '/no/x', 0o755);
        r.mkdirUnderFile = yield* fs.mkdir(p, '/d/f/x', 0o755);
        r.rmdirNotEmpty = yield* fs.rmdir(p, '/full');
        r.rmdirFile = yield* fs.rmdir(p, '/d/f');
        r.rmdirMissing = yield* fs.rmdir(p, '/nope');
        r.rmdirRoot = yield* fs.rmdir(p, '/');
        r.unlinkMissing = yield* fs.unlink(p, '/nope');
        r.unlinkDir = yield* fs.unlink(p, '/d');
        r.linkDir = yield* fs.link(p, '/d', '/d2');
        r.linkExists = yield* fs.link(p, '/d/f', '/full/x');
        r.linkMissing = yield* fs.link(p, '/nope', '/x');
        r.symlinkExists = yield* fs.symlink(p, '/d', '/d/f');
        r.symlinkTooLong = yield* fs.symlink(p, 'a/'.repeat(600), '/longlink');
        r.symlinkEmpty = yield* fs.symlink(p, '', '/emptylink');
        r.readlinkNotLink = yield* fs.readlink(p, '/d/f');
        r.readlinkMissing = yield* fs.readlink(p, '/nope');
        r.readlinkOk = yield* fs.readlink(p, '/loop1');
        r.chdirFile = yield* fs.chdir(p, '/d/f');
        r.chdirMissing = yield* fs.chdir(p, '/nope');
        r.chmodMissing = yield* fs.chmod(p, '/nope', 0o644);
        r.chownBad = yield* fs.chown(p, '/d/f', 70000, 0);
        r.truncateDir = yield* fs.truncate(p, '/d', 0);
        r.truncateMissing = yield* fs.truncate(p, '/nope', 0);
        r.renameMissing = yield* fs.rename(p, '/nope', '/x');
        r.renameDotDot = yield* fs.rename(p, '/d/..', '/x');
        r.umaskOld = yield* fs.umask(p, 0o077);
        r.umaskNew = yield* fs.umask(p, 0o022);
        r.utimeMissing = yield* fs.utime(p, '/nope');
        r.sync = yield* fs.sync(p);
        return 0;
      },
    });
    expect(exits.get('init')).toBe(0);
    expect(r).toEqual({
      openMissing: -ENOENT, openThroughFile: -ENOTDIR, openDirForWrite: -EISDIR, openExcl: -EEXIST, openLoop: -ELOOP,
      openLongName: -ENAMETOOLONG, openBadFlags: -EINVAL, creatInMissingDir: -ENOENT,
      closeBad: -EBADF, readBad: -EBADF, readWriteOnly: -EBADF, ftruncateWriteOnlyOk: 0, writeReadOnly: -EBADF,
      ftruncateReadOnly: -EBADF, readDir: -EISDIR, lseekBad: -EBADF, lseekNegative: -EINVAL, lseekBadWhence: -EINVAL,
      lseekEnd: 3, dupBad: -EBADF, dup2Bad: -EBADF, dup2OutOfRange: -EBADF, fstatBad: -EBADF, fsyncBad: -EBADF,
      fcntlBad: -EBADF, fcntlBadCmd: -EINVAL, lseekPipe: -ESPIPE, ftruncatePipe: -EINVAL, lockPipe: -EINVAL,
      statMissing: -ENOENT, statThroughFile: -ENOTDIR, statLoop: -ELOOP, lstatLoopIsLink: 0o120000,
      mkdirExists: -EEXIST, mkdirMissingParent: -ENOENT, mkdirUnderFile: -ENOTDIR,
      rmdirNotEmpty: -ENOTEMPTY, rmdirFile: -ENOTDIR, rmdirMissing: -ENOENT, rmdirRoot: -EINVAL,
      unlinkMissing: -ENOENT, unlinkDir: -EPERM, linkDir: -EPERM, linkExists: -EEXIST, linkMissing: -ENOENT,
      symlinkExists: -EEXIST, symlinkTooLong: -ENAMETOOLONG, symlinkEmpty: -ENOENT,
      readlinkNotLink: -EINVAL, readlinkMissing: -ENOENT, readlinkOk: '/loop2',
      chdirFile: -ENOTDIR, chdirMissing: -ENOENT, chmodMissing: -ENOENT, chownBad: -EINVAL,
      truncateDir: -EISDIR, truncateMissing: -ENOENT, renameMissing: -ENOENT, renameDotDot: -EINVAL,
      umaskOld: 0o022, umaskNew: 0o077, utimeMissing: -ENOENT, sync: 0,
    });
    expectClean(img);
  });

  it('an ordinary user: EACCES and EPERM where uid 0 succeeds', () => {
    const img = formatImage({ sizeBytes: 2 << 20, blockSize: 1024 });
    const r: Results = {};
    const root: Results = {};
    const { exits } = runProcs(img, {
      *init(p) {
        yield* fs.writeFile(p, '/secret', bytes('root only'), { mode: 0o600 });
        yield* fs.mkdir(p, '/locked', 0o700);
        yield* fs.writeFile(p, '/locked/in', bytes('x'));
        yield* fs.mkdir(p, '/ro', 0o755);
        yield* fs.writeFile(p, '/ro/file', bytes('x'));
        yield* fs.chmod(p, '/ro/file', 0o666);
        yield* fs.mkdir(p, '/tmp', 0o777);
        yield* fs.chmod(p, '/tmp', 0o1777);
        yield* fs.writeFile(p, '/tmp/roots', bytes('x'), { mode: 0o666 });
        yield* fs.mkdir(p, '/home', 0o755);
        yield* fs.mkdir(p, '/home/alice', 0o755, { uid: 1000, gid: 1000 });
        yield* fs.writeFile(p, '/noexec', bytes('#!mksim sh\n'), { mode: 0o644 });
        yield* asUser(p, 'alice');
        // The same calls as root succeed.
        root.read = ((yield* fs.readFile(p, '/secret')) as Uint8Array).length;
        root.statInLocked = typeof (yield* fs.stat(p, '/locked/in'));
        root.createInRo = yield* fs.creat(p, '/ro/new', 0o644);
        root.chmodOthers = yield* fs.chmod(p, '/home/alice', 0o750);
        root.chownOthers = yield* fs.chown(p, '/ro/file', 1000, 1000);
        root.chroot = yield* fs.chroot(p, '/');
        root.unlinkSticky = yield* fs.unlink(p, '/tmp/alices');
        root.sync = yield* fs.sync(p);
        return 0;
      },
      *alice(p) {
        yield* becomeUser(p);
        r.openSecret = yield* fs.open(p, '/secret', fs.O_RDONLY);
        r.writeSecret = yield* fs.writeFile(p, '/secret', bytes('x'));
        r.statInLocked = yield* fs.stat(p, '/locked/in');
        r.lsLocked = yield* fs.readdir(p, '/locked');
        r.chdirLocked = yield* fs.chdir(p, '/locked');
        r.createInRo = yield* fs.creat(p, '/ro/new', 0o644);
        r.mkdirInRo = yield* fs.mkdir(p, '/ro/dir', 0o755);
        r.unlinkInRo = yield* fs.unlink(p, '/ro/file');
        r.renameInRo = yield* fs.rename(p, '/ro/file', '/tmp/file');
        r.linkIntoRo = yield* fs.link(p, '/tmp/roots', '/ro/l');
        r.symlinkIntoRo = yield* fs.symlink(p, '/x', '/ro/s');
        r.rmdirInRo = yield* fs.rmdir(p, '/ro');
        r.writeOthersFile = ((yield* fs.writeFile(p, '/ro/file', bytes('ok'))) as number);
        r.chmodNotOwner = yield* fs.chmod(p, '/ro/file', 0o777);
        r.chownNotRoot = yield* fs.chown(p, '/home/alice', 0, 0);
        r.chownOwnGroup = yield* fs.chown(p, '/home/alice', -1, 1000);
        r.chroot = yield* fs.chroot(p, '/home/alice');
        r.truncateSecret = yield* fs.truncate(p, '/secret', 0);
        r.utimeExplicitNotOwner = yield* fs.utime(p, '/ro/file', { atime: 1, mtime: 1 });
        r.utimeNowWritable = yield* fs.utime(p, '/ro/file');
        r.utimeNowReadOnly = yield* fs.utime(p, '/noexec');
        r.unlinkStickyOthers = yield* fs.unlink(p, '/tmp/roots');
        r.createInSticky = yield* fs.writeFile(p, '/tmp/alices', bytes('mine'));
        r.mkdirHome = yield* fs.mkdir(p, '/home/alice/docs', 0o777);
        r.newDirMode = ((yield* fs.stat(p, '/home/alice/docs')) as { mode: number; uid: number }).mode & 0o777;
        r.newDirOwner = ((yield* fs.stat(p, '/home/alice/docs')) as { uid: number }).uid;
        r.exec = yield* pm.exec(p, '/noexec');
        r.execDir = yield* pm.exec(p, '/home');
        r.pmCallFromUser = yield* p.status('fs', { type: 'FS_PM_SETUID', endpoint: p.ctx.self, uid: 0, gid: 0 });
        r.stillUser = yield* fs.open(p, '/secret', fs.O_RDONLY);
        return 0;
      },
    });
    expect(exits.get('alice')).toBe(0);
    expect(exits.get('init')).toBe(0);
    expect(r).toEqual({
      openSecret: -EACCES, writeSecret: -EACCES, statInLocked: -EACCES, lsLocked: -EACCES, chdirLocked: -EACCES,
      createInRo: -EACCES, mkdirInRo: -EACCES, unlinkInRo: -EACCES, renameInRo: -EACCES, linkIntoRo: -EACCES,
      symlinkIntoRo: -EACCES, rmdirInRo: -EACCES, writeOthersFile: 2, chmodNotOwner: -EPERM, chownNotRoot: -EPERM,
      chownOwnGroup: 0, chroot: -EPERM, truncateSecret: -EACCES, utimeExplicitNotOwner: -EPERM, utimeNowWritable: 0,
      utimeNowReadOnly: -EACCES, unlinkStickyOthers: -EPERM, createInSticky: 4, mkdirHome: 0, newDirMode: 0o755,
      newDirOwner: 1000, exec: -EACCES, execDir: -EACCES, pmCallFromUser: -EPERM, stillUser: -EACCES,
    });
    expect(root).toEqual({ read: 9, statInLocked: 'object', createInRo: 0, chmodOthers: 0, chownOthers: 0, chroot: 0, unlinkSticky: 0, sync: 0 });
    expectClean(img);
  });

  it('EMFILE, ENFILE, ENOSPC and EAGAIN', () => {
    const img = formatImage({ sizeBytes: 300 * 1024, blockSize: 1024, inodes: 32 });
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        yield* fs.writeFile(p, '/f', bytes('x'));
        const fds: number[] = [];
        for (;;) { const fd = yield* fs.open(p, '/f', fs.O_RDONLY); if (fd < 0) { r.emfile = fd; break; } fds.push(fd); }
        r.opened = fds.length;
        r.dupFull = yield* fs.dup(p, fds[0]!);
        r.pipeFull = yield* fs.pipe(p);
        // A second process fills the system's filps (80 here): init holds 64 of them.
        r.child = (yield* asUser(p, 'opener')) >> 8;
        for (const fd of fds) yield* fs.close(p, fd);
        // Inodes run out, then zones.
        for (let i = 0; ; i++) { const fd = yield* fs.creat(p, `/i${i}`, 0o644); if (fd < 0) { r.inodes = fd; break; } yield* fs.close(p, fd); }
        for (let i = 0; i < 40; i++) yield* fs.unlink(p, `/i${i}`);
        const big = yield* fs.creat(p, '/big', 0o644);
        r.firstWrite = (yield* fs.write(p, big, new Uint8Array(400 * 1024))) > 0;
        r.secondWrite = yield* fs.write(p, big, new Uint8Array(1024));
        yield* fs.close(p, big);
        // A lock held by another process: EAGAIN without waiting.
        const fd = yield* fs.open(p, '/f', fs.O_RDWR);
        r.lock = yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 10 });
        r.locker = (yield* asUser(p, 'locker')) >> 8;
        yield* fs.close(p, fd);
        yield* fs.unlink(p, '/big');
        yield* fs.sync(p);
        return 0;
      },
      *opener(p) {
        for (let fd = 0; fd < 64; fd++) yield* fs.close(p, fd); // inherited: the filps stay, init has them too
        const fds: number[] = [];
        for (;;) { const fd = yield* fs.open(p, '/f', fs.O_RDONLY); if (fd < 0) { r.enfile = fd; break; } fds.push(fd); }
        r.childOpened = fds.length;
        return 0;
      },
      *locker(p) {
        const fd = yield* fs.open(p, '/f', fs.O_RDWR);
        r.conflict = yield* fs.lock(p, fd, { type: fs.F_RDLCK, whence: 0, start: 5, len: 1 });
        r.noConflict = yield* fs.lock(p, fd, { type: fs.F_WRLCK, whence: 0, start: 10, len: 5 });
        const l = yield* fs.getlk(p, fd, { type: fs.F_WRLCK, whence: 0, start: 0, len: 0 });
        r.getlk = l;
        return 0;
      },
    }, { config: { filpSlots: 80 } });
    expect(r).toMatchObject({
      emfile: -EMFILE, opened: 64, dupFull: -EMFILE, pipeFull: -EMFILE, enfile: -ENFILE, childOpened: 16, child: 0,
      inodes: -ENOSPC, firstWrite: true, secondWrite: -ENOSPC, lock: 0, conflict: -EAGAIN, noConflict: 0,
      getlk: { type: fs.F_WRLCK, start: 0, len: 10 }, locker: 0,
    });
    expectClean(img);
  });

  it('a malformed request from a user process gets EINVAL and the server keeps serving', () => {
    const img = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const r: Results = {};
    runProcs(img, {
      *init(p) {
        r.badOpen = yield* p.status('fs', { type: 'FS_OPEN', path: 42, flags: 0 });
        r.badRead = yield* p.status('fs', { type: 'FS_READFD', fd: 0, buffer: 'not a buffer' });
        r.badLock = yield* p.status('fs', { type: 'FS_FCNTL', fd: 0, cmd: fs.F_SETLK, lock: { type: 'x' } });
        r.badSeek = yield* p.status('fs', { type: 'FS_LSEEK', fd: 0, offset: 1.5, whence: 0 });
        r.unknown = (yield* p.status('fs', { type: 'FS_FROB' })) < 0;
        r.after = yield* fs.mkdir(p, '/still', 0o755);
        yield* fs.sync(p);
        return 0;
      },
    });
    expect(r).toEqual({ badOpen: -EINVAL, badRead: -EINVAL, badLock: -EINVAL, badSeek: -EINVAL, unknown: true, after: 0 });
    expectClean(img);
  });
});
