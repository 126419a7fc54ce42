import { describe, expect, it } from 'vitest';
import { CPF_READ, CPF_WRITE, EFAULT, EINVAL, kernelCall, sendrec, type Envelope, type KernelCall } from '../../../kernel/index.js';
import { formatImage } from '../../../servers/fs/tools/mkfs.js';
import type { FsReply } from '../../../servers/fs/protocol.js';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { call, runFs } from './system.js';

type Gen<T> = Generator<KernelCall, T, any>;

describe('FS reads and writes move their bytes by grant', () => {
  it('a write and a read go through the caller\'s grants; the trace shows one safe copy per request, a vectored one for the read', () => {
    const img = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
    const back = new Uint8Array(3000);
    const { records } = runFs(img, function* (): Gen<void> {
      yield* call({ type: 'FS_CREATE', path: '/f', mode: 0o644 });
      expect((yield* call({ type: 'FS_WRITE', path: '/f', position: 0, buffer: data })).status).toBe(3000);
      expect((yield* call({ type: 'FS_READ', path: '/f', position: 0, buffer: back })).status).toBe(3000);
    }, {}, true);
    expect(back).toEqual(data);
    const copies = records.filter((r) => r.ev === 'copy' && r.proc === 'fs' && r.owner === 'client');
    // 3000 bytes over 1 KiB blocks: the write fetches them in one copy; the read sends its three
    // cache blocks (1024 + 1024 + 952) in one sys_vsafecopy.
    expect(copies.map((r) => `${r.call}:${r.offset}+${r.bytes}/${r.elements ?? 1}`)).toEqual([
      'sys_safecopyfrom:0+3000/1', 'sys_vsafecopy:0+3000/3',
    ]);
    // And the FS lends its cache blocks to the driver the same way.
    expect(records.some((r) => r.ev === 'copy' && r.proc === 'disk0' && r.owner === 'fs')).toBe(true);
  });

  it('a read into a revoked grant, a read-only grant or a grant too small fails with EFAULT and writes nothing', () => {
    const img = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const buf = new Uint8Array(100).fill(0xee);
    const { result } = runFs(img, function* (ctx): Gen<number[]> {
      const fs = ctx.endpointOf('fs');
      yield* call({ type: 'FS_CREATE', path: '/f', mode: 0o644 });
      yield* call({ type: 'FS_WRITE', path: '/f', position: 0, buffer: new Uint8Array(100).fill(1) });
      const read = function* (grant: number, bytes: number): Gen<number> {
        const r: Envelope<FsReply> | number = yield sendrec(fs, { type: 'FS_READ', path: '/f', position: 0, grant, bytes });
        return typeof r === 'number' ? r : r.status;
      };
      const out: number[] = [];
      const revoked = (yield kernelCall('cpf_grant_direct', { grantee: fs, buffer: buf, access: CPF_WRITE })) as number;
      yield kernelCall('cpf_revoke', { grant: revoked });
      out.push(yield* read(revoked, 100));
      const readOnly = (yield kernelCall('cpf_grant_direct', { grantee: fs, buffer: buf, access: CPF_READ })) as number;
      out.push(yield* read(readOnly, 100));
      const small = (yield kernelCall('cpf_grant_direct', { grantee: fs, buffer: buf, access: CPF_WRITE, bytes: 10 })) as number;
      out.push(yield* read(small, 100));
      out.push(yield* read(-1, 100));
      return out;
    });
    expect(result).toEqual([-EFAULT, -EFAULT, -EFAULT, -EINVAL]);
    expect(buf.every((b) => b === 0xee)).toBe(true);
  });

  it('a write through a grant shorter than its byte count stops where the grant ends: a short count, or EFAULT with nothing allocated', () => {
    const img = formatImage({ sizeBytes: 1 << 20, blockSize: 1024 });
    const buf = new Uint8Array(3000).fill(5);
    const { result } = runFs(img, function* (ctx): Gen<unknown[]> {
      const fs = ctx.endpointOf('fs');
      const write = function* (path: string, grantBytes: number): Gen<number> {
        const grant = (yield kernelCall('cpf_grant_direct', { grantee: fs, buffer: buf, access: CPF_READ, bytes: grantBytes })) as number;
        const r: Envelope<FsReply> | number = yield sendrec(fs, { type: 'FS_WRITE', path, position: 0, grant, bytes: 3000 });
        return typeof r === 'number' ? r : r.status;
      };
      yield* call({ type: 'FS_CREATE', path: '/short', mode: 0o644 });
      yield* call({ type: 'FS_CREATE', path: '/none', mode: 0o644 });
      const before = (yield* call({ type: 'FS_STATFS' })).statfs!.freeZones;
      const short = yield* write('/short', 1500);
      const none = yield* write('/none', 10);
      const after = (yield* call({ type: 'FS_STATFS' })).statfs!.freeZones;
      yield* call({ type: 'FS_SYNC' });
      return [short, (yield* call({ type: 'FS_STAT', path: '/short' })).stat!.size, none, (yield* call({ type: 'FS_STAT', path: '/none' })).stat!.size, before - after];
    });
    // 1500 bytes granted: the first 1 KiB block goes in, the second copy fails.
    expect(result).toEqual([1024, 1024, -EFAULT, 0, 1]);
    expect(checkImage(img).problems).toEqual([]);
  });
});
