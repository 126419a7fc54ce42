/*
 * Calls that wait for nothing (lseek, dup, umask, pipe) run as plain
 * functions once the caller has an Fproc (servers/fs/table.ts, issue 20):
 * the same replies, error replies and trace records as the generator path,
 * which a process's first call still takes.
 */
import { describe, expect, it } from 'vitest';
import { EBADF, EINVAL, ESPIPE } from '../../../kernel/index.js';
import * as fs from '../../../lib/syscalls/fs.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { expectClean, runProcs, type Results } from './procs.js';

describe('FS calls without a generator', () => {
  it('lseek, dup, umask and pipe: first call of a process (no Fproc yet) and later ones agree; errors are FS_REPLYs with the errno', () => {
    const img = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const r: Results = {};
    const { records } = runProcs(img, {
      *init(p) {
        // The first call from init: FS has no Fproc for it yet and looks it up (the generator path).
        r.firstUmask = yield* fs.umask(p, 0o027);
        r.secondUmask = yield* fs.umask(p, 0o022);
        yield* fs.writeFile(p, '/f', new TextEncoder().encode('0123456789'));
        const fd = yield* fs.open(p, '/f', fs.O_RDONLY);
        r.seekSet = yield* fs.lseek(p, fd, 4, fs.SEEK_SET);
        r.seekCur = yield* fs.lseek(p, fd, 3, fs.SEEK_CUR);
        r.seekEnd = yield* fs.lseek(p, fd, -1, fs.SEEK_END);
        r.seekBefore = yield* fs.lseek(p, fd, -11, fs.SEEK_END);
        r.seekBadFd = yield* fs.lseek(p, 40, 0, fs.SEEK_SET);
        r.seekBadWhence = yield* fs.lseek(p, fd, 0, 7);
        const fd2 = yield* fs.dup(p, fd);
        r.dupIsNew = fd2 > fd;
        // A dup shares the position (one filp): seeking one moves the other.
        yield* fs.lseek(p, fd2, 2, fs.SEEK_SET);
        r.sharedPos = yield* fs.lseek(p, fd, 0, fs.SEEK_CUR);
        r.dupBad = yield* fs.dup(p, 41);
        const [rd, wr] = yield* fs.pipe(p);
        r.pipeFds = [rd! >= 0, wr! > rd!];
        r.seekPipe = yield* fs.lseek(p, rd!, 0, fs.SEEK_SET);
        for (const d of [fd, fd2, rd!, wr!]) yield* fs.close(p, d);
        yield* fs.sync(p);
        return 0;
      },
    }, { trace: true });
    expect(r).toEqual({
      firstUmask: 0o022, secondUmask: 0o027, seekSet: 4, seekCur: 7, seekEnd: 9, seekBefore: -EINVAL, seekBadFd: -EBADF,
      seekBadWhence: -EINVAL, dupIsNew: true, sharedPos: 2, dupBad: -EBADF, pipeFds: [true, true], seekPipe: -ESPIPE,
    });
    // Each error is traced as the generator path traces it: the call, the errno and why.
    const errors = records.filter((x) => x.ev === 'error' && x.proc === 'fs' && (x.call === 'FS_LSEEK' || x.call === 'FS_DUP'));
    expect(errors.map((x) => [x.call, x.err])).toEqual([
      ['FS_LSEEK', EINVAL], ['FS_LSEEK', EBADF], ['FS_LSEEK', EINVAL], ['FS_DUP', EBADF], ['FS_LSEEK', ESPIPE],
    ]);
    for (const e of errors) expect(typeof e.message).toBe('string');
    expectClean(img);
  });
});
