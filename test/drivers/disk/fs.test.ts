import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareOf, Kernel, sendrec, systemPrivileges, userPrivileges, type Envelope, type KernelCall, type Message } from '../../../kernel/index.js';
import { diskDriver } from '../../../drivers/disk/main.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import { fsServer } from '../../../servers/fs/main.js';
import type { FsReply } from '../../../servers/fs/protocol.js';
import { lendBuffer, type BufferRequest } from '../../../lib/syscalls/fs.js';

const FSCK = '/usr/sbin/fsck.minix';

describe('the FS server on the disk driver', () => {
  it.skipIf(!existsSync(FSCK))('writes a file through FS and driver onto a file image that fsck.minix finds clean', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mksim-disk-fs-')), 'root.img');
    writeFileSync(file, formatImage({ sizeBytes: 2 << 20, blockSize: 1024 }));
    const kernel = new Kernel({ seed: 1 });
    const diskOps: unknown[] = [];
    kernel.trace.trace$.subscribe((r) => { if (r.ev === 'disk') diskOps.push(r); });
    const program = diskDriver({ name: 'disk0', image: file, model: 'hp97560', sched: 'clook' }, hardwareOf(kernel));
    kernel.spawn({ name: 'disk0', program, priority: 1, privileges: systemPrivileges() });
    const fs = kernel.spawn({ name: 'fs', program: fsServer({ driver: 'disk0' }), priority: 4, privileges: systemPrivileges() }).endpoint;
    const data = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 13) & 0xff);
    const back = new Uint8Array(data.length);
    const statuses: number[] = [];
    kernel.spawn({
      name: 'client', priority: 7, privileges: userPrivileges(),
      program: function* (): Generator<KernelCall, void, any> {
        // Reads and writes lend their buffer to FS by grant, as lib/syscalls/fs.ts does.
        const call = function* (m: Message): Generator<KernelCall, FsReply, any> {
          const r: Envelope<FsReply> | number = 'buffer' in m
            ? yield* lendBuffer(fs, m as BufferRequest, function* (g) { return (yield sendrec(fs, g as Message)) as Envelope<FsReply> | number; })
            : yield sendrec(fs, m);
          if (typeof r === 'number') throw new Error(`sendrec ${r}`);
          statuses.push(r.status);
          return r;
        };
        yield* call({ type: 'FS_MKDIR', path: '/home', mode: 0o755 });
        yield* call({ type: 'FS_CREATE', path: '/home/notes', mode: 0o644 });
        yield* call({ type: 'FS_WRITE', path: '/home/notes', position: 0, buffer: data });
        yield* call({ type: 'FS_SYNC' });
        yield* call({ type: 'FS_READ', path: '/home/notes', position: 0, buffer: back });
      },
    });
    kernel.run();
    program.disk.image.close();
    expect(statuses.every((s) => s >= 0)).toBe(true);
    expect(back).toEqual(data);
    expect(program.stats.writesTotal).toBeGreaterThan(0);
    expect(diskOps.length).toBeGreaterThan(0);
    // fsck.minix exits 0 on a clean file system.
    execFileSync(FSCK, ['-f', file], { stdio: 'pipe' });
  });
});
