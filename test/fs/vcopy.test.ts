/*
 * One grant and one copy per request, not per block (issue 20): the kernel's
 * sys_vsafecopy (MINIX's do_vsafecopy), the FS fetching a 64 KiB write in
 * one safe copy and sending a read back in one vectored copy, and the FS ->
 * driver vector lent by one grant that the driver moves with one vsafecopy.
 */
import { describe, expect, it } from 'vitest';
import { ANY, CPF_READ, CPF_WRITE, EINVAL, EPERM, kernelCall, receive, send, sendrec, userPrivileges, type Envelope, type KernelCall, type TraceRecord } from '../../kernel/index.js';
import { diskDriver } from '../../drivers/disk/main.js';
import { close, fsync, lseek, O_CREAT, O_RDONLY, O_WRONLY, open, read, sync, write } from '../../lib/syscalls/fs.js';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { testSystem } from '../kernel/helpers.js';
import { expectClean, runProcs, type Results } from '../servers/fs/procs.js';

type Gen<T> = Generator<KernelCall, T, any>;

const KIB64 = 64 * 1024;

/** The records between the send of a user's call of `type` and its reply. */
function during(records: readonly TraceRecord[], type: string): TraceRecord[] {
  const start = records.findIndex((r) => r.ev === 'send' && r.src === 'init' && r.type === type);
  const id = records[start]!.id;
  const end = records.findIndex((r, i) => i > start && r.ev === 'reply' && r.re === id);
  return records.slice(start, end + 1);
}

describe('vectored safe copies on the FS data path', () => {
  it('a 64 KiB write costs the FS one safe copy, its flush one grant and one driver copy per request; a 64 KiB read one vsafecopy', () => {
    const image = formatImage({ sizeBytes: 4 << 20, blockSize: 4096 });
    const data = Uint8Array.from({ length: KIB64 }, (_, i) => (i * 31 + (i >>> 12)) & 0xff);
    const out: Results = {};
    const { records } = runProcs(image, {
      *init(proc) {
        const fd = yield* open(proc, '/f', O_WRONLY | O_CREAT, 0o644);
        out.wrote = yield* write(proc, fd, data);
        out.synced = yield* fsync(proc, fd);
        yield* close(proc, fd);
        const back = new Uint8Array(KIB64);
        const rd = yield* open(proc, '/f', O_RDONLY);
        out.read = yield* read(proc, rd, back);
        yield* close(proc, rd);
        out.same = Buffer.from(back).equals(Buffer.from(data));
        yield* sync(proc);
      },
    }, { trace: true, config: { cacheBuffers: 64 }, disk: (hw) => diskDriver({ name: 'disk0', image, model: 'ramdisk', blockSize: 4096 }, hw) });
    expect(out).toEqual({ wrote: KIB64, synced: 0, read: KIB64, same: true });
    // util-linux's fsck.minix reads 1 KiB blocks only: mksim's own fsck checks this 4 KiB image.
    expect(checkImage(image).problems).toEqual([]);

    // The write: the FS makes exactly one kernel call, the safe copy of all 64 KiB (it writes nothing yet).
    const w = during(records, 'FS_WRITEFD');
    expect(w.filter((r) => r.ev === 'kcall' && r.proc === 'fs').map((r) => r.call)).toEqual(['sys_safecopyfrom']);
    expect(w.filter((r) => r.ev === 'copy').map((r) => `${r.proc}:${r.call}:${r.owner}:${r.offset}+${r.bytes}`)).toEqual(['fs:sys_safecopyfrom:init:0+65536']);

    // The flush: 16 data blocks + the inode and the bitmaps, a few requests, each one grant, one revoke, one driver copy.
    const f = during(records, 'FS_FSYNC');
    const scatters = f.filter((r) => r.ev === 'send' && r.src === 'fs' && r.type === 'DEV_SCATTER');
    expect(scatters.length).toBeGreaterThan(0);
    const blocks = scatters.reduce((n, r) => n + (r.msg as { vector: unknown[] }).vector.length, 0);
    expect(blocks).toBeGreaterThanOrEqual(16);
    const fsCalls = f.filter((r) => r.ev === 'kcall' && r.proc === 'fs').map((r) => r.call);
    expect(fsCalls.filter((c) => c === 'cpf_grant_direct').length).toBe(scatters.length);
    expect(fsCalls.filter((c) => c === 'cpf_revoke').length).toBe(scatters.length);
    const driverCopies = f.filter((r) => r.ev === 'copy' && r.proc === 'disk0');
    expect(driverCopies.map((r) => r.call)).toEqual(scatters.map(() => 'sys_vsafecopy'));
    expect(driverCopies.reduce((n, r) => n + (r.bytes as number), 0)).toBe(blocks * 4096);

    // The read (the blocks are cached): one vectored copy of 16 elements to the reader's grant.
    const rd = during(records, 'FS_READFD');
    const copies = rd.filter((r) => r.ev === 'copy' && r.proc === 'fs');
    expect(copies.map((r) => `${r.call}:${r.elements}:${r.bytes}`)).toEqual(['sys_vsafecopy:16:65536']);
    // One fixed copy cost for the whole vector: copyFixedNs (40) + 64 ns per KiB.
    expect(copies[0]!.ns).toBe(40 + 64 * 64);
  });

  it('a read over a hole gets zeros in the same vectored copy; a single-block read stays one plain safe copy', () => {
    const image = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const out: Results = {};
    const { records } = runProcs(image, {
      *init(proc) {
        const fd = yield* open(proc, '/h', O_WRONLY | O_CREAT, 0o644);
        yield* write(proc, fd, new Uint8Array(1024).fill(1));
        yield* lseek(proc, fd, 3072);
        yield* write(proc, fd, new Uint8Array(1024).fill(4));
        yield* close(proc, fd);
        const back = new Uint8Array(4096).fill(0xee);
        const rd = yield* open(proc, '/h', O_RDONLY);
        out.read = yield* read(proc, rd, back);
        yield* close(proc, rd);
        out.blocks = [0, 1, 2, 3].map((b) => [...new Set(back.subarray(b * 1024, (b + 1) * 1024))]);
        yield* sync(proc);
      },
    }, { trace: true });
    expect(out).toEqual({ read: 4096, blocks: [[1], [0], [0], [4]] });
    const copies = during(records, 'FS_READFD').filter((r) => r.ev === 'copy' && r.proc === 'fs');
    expect(copies.map((r) => `${r.call}:${r.elements}:${r.bytes}`)).toEqual(['sys_vsafecopy:4:4096']);
    expectClean(image);
  });
});

describe('sys_vsafecopy (MINIX do_vsafecopy)', () => {
  const grant = (grantee: number, buffer: Uint8Array, access: number) => kernelCall('cpf_grant_direct', { grantee, buffer, access });

  it('copies every element in both directions for one fixed cost; a bad element fails the call with nothing copied', () => {
    const sys = testSystem({ ipcCostNs: 200, copyFixedNs: 40, copyNsPerKiB: 64 });
    const src = Uint8Array.from({ length: 2048 }, (_, i) => i & 0xff);
    const dst = new Uint8Array(2048);
    const results: Record<string, unknown> = {};
    sys.spawn('fs', function* (): Gen<void> {
      const m: Envelope & { ro: number; rw: number } = yield receive(ANY);
      const owner = m.source;
      const mine = new Uint8Array(2048).fill(9);
      const local = new Uint8Array(1024);
      const t0 = sys.kernel.nowNs;
      results.ok = yield kernelCall('sys_vsafecopy', { vector: [
        { access: CPF_READ, owner, grant: m.ro, offset: 1024, buffer: local, bytes: 1024 },
        { access: CPF_WRITE, owner, grant: m.rw, offset: 0, buffer: mine, bufferOffset: 1024, bytes: 512 },
      ] });
      results.ns = sys.kernel.nowNs - t0;
      results.local = [...new Set(local.map((b, i) => b - ((1024 + i) & 0xff)))];
      // Element 1 asks to write through the read-only grant: EPERM, and element 0 was not copied either.
      const untouched = new Uint8Array(16);
      results.bad = yield kernelCall('sys_vsafecopy', { vector: [
        { access: CPF_READ, owner, grant: m.ro, offset: 0, buffer: untouched, bytes: 16 },
        { access: CPF_WRITE, owner, grant: m.ro, offset: 0, buffer: mine, bytes: 16 },
      ] });
      results.untouched = untouched.every((b) => b === 0);
      results.empty = yield kernelCall('sys_vsafecopy', { vector: [] });
      results.tooMany = yield kernelCall('sys_vsafecopy', { vector: new Array(65).fill({ access: CPF_READ, owner, grant: m.ro, offset: 0, buffer: untouched, bytes: 1 }) });
      results.noAccess = yield kernelCall('sys_vsafecopy', { vector: [{ access: 0, owner, grant: m.ro, offset: 0, buffer: untouched, bytes: 1 }] });
      yield send(owner, { type: 'DONE' });
    }, 4);
    sys.spawn('user', function* (): Gen<void> {
      const ro = (yield grant(sys.ep('fs'), src, CPF_READ)) as number;
      const rw = (yield grant(sys.ep('fs'), dst, CPF_WRITE)) as number;
      yield sendrec(sys.ep('fs'), { type: 'GO', ro, rw });
    }, 5, userPrivileges());
    sys.kernel.run();
    // The kernel call (200) and one copy cost for 1.5 KiB: 40 + 96.
    expect(results).toEqual({ ok: 0, ns: 200 + 40 + 96, local: [0], bad: -EPERM, untouched: true, empty: -EINVAL, tooMany: -EINVAL, noAccess: -EINVAL });
    expect(dst.subarray(0, 512).every((b) => b === 9)).toBe(true);
    expect(dst.subarray(512).every((b) => b === 0)).toBe(true);
    const copies = sys.records.filter((r) => r.ev === 'copy');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ proc: 'fs', call: 'sys_vsafecopy', owner: 'user', elements: 2, bytes: 1536, ns: 136 });
    expect(sys.kernel.grants.copiesTotal).toBe(1);
  });
});
