import { describe, expect, it } from 'vitest';
import {
  ANY, CPF_READ, CPF_WRITE, ECALLDENIED, EINVAL, EPERM, OK, kernelCall, receive, send, sendrec, userPrivileges, work,
  type Envelope, type KernelCall,
} from '../../kernel/index.js';
import { testSystem } from './helpers.js';

type Gen = Generator<KernelCall, unknown, any>;
const grant = (grantee: number, buffer: Uint8Array, access: number, offset?: number, bytes?: number) =>
  kernelCall('cpf_grant_direct', { grantee, buffer, access, offset, bytes });
const copyTo = (owner: number, g: number, offset: number, buffer: Uint8Array, bytes = buffer.length) =>
  kernelCall('sys_safecopyto', { owner, grant: g, offset, buffer, bytes });
const copyFrom = (owner: number, g: number, offset: number, buffer: Uint8Array, bytes = buffer.length) =>
  kernelCall('sys_safecopyfrom', { owner, grant: g, offset, buffer, bytes });

describe('grants and safe copies', () => {
  it('a user grants its buffer; the server fills it by sys_safecopyto, charged ipc cost + copy cost and traced', () => {
    // Named fs: a user process may sendrec only to pm, fs and security.
    const sys = testSystem({ ipcCostNs: 200, copyFixedNs: 40, copyNsPerKiB: 64 });
    const buf = new Uint8Array(4096);
    let copyStartNs = 0;
    let copyEndNs = 0;
    let live = -1;
    sys.spawn('fs', function* (): Gen {
      const m: Envelope & { grant: number } = yield receive(ANY);
      const data = new Uint8Array(2048).fill(7);
      copyStartNs = sys.kernel.nowNs;
      expect(yield copyTo(m.source, m.grant, 1024, data)).toBe(OK);
      copyEndNs = sys.kernel.nowNs;
      yield send(m.source, { type: 'DONE' });
    }, 4);
    sys.spawn('user', function* (): Gen {
      const g = (yield grant(sys.ep('fs'), buf, CPF_WRITE)) as number;
      expect(g).toBeGreaterThanOrEqual(0);
      yield sendrec(sys.ep('fs'), { type: 'FILL', grant: g });
      expect(yield kernelCall('cpf_revoke', { grant: g })).toBe(OK);
      live = sys.kernel.grants.liveGrants(sys.kernel.procByName('user')!);
    }, 5, userPrivileges());
    sys.kernel.run();
    expect(buf.subarray(0, 1024).every((b) => b === 0)).toBe(true);
    expect(buf.subarray(1024, 3072).every((b) => b === 7)).toBe(true);
    expect(buf.subarray(3072).every((b) => b === 0)).toBe(true);
    // The kernel call's cost (200) and the copy's: 40 + 64 ns per KiB * 2 KiB.
    expect(copyEndNs - copyStartNs).toBe(200 + 40 + 128);
    const copy = sys.records.find((r) => r.ev === 'copy')!;
    expect(copy).toMatchObject({ proc: 'fs', call: 'sys_safecopyto', owner: 'user', offset: 1024, bytes: 2048, ns: 168 });
    expect(sys.records.filter((r) => r.ev === 'grant').map((r) => r.op)).toEqual(['grant', 'revoke']);
    expect(live).toBe(0);
  });

  it('verify_grant: only the grantee, only the access granted, only inside the region, never after revoke or with a stale id', () => {
    const sys = testSystem();
    const buf = Uint8Array.from({ length: 100 }, (_, i) => i);
    const results: Record<string, unknown> = {};
    let ids: { ro: number; sub: number } = { ro: -1, sub: -1 };
    sys.spawn('owner', function* (): Gen {
      const ro = (yield grant(sys.ep('srv'), buf, CPF_READ)) as number;
      const sub = (yield grant(sys.ep('srv'), buf, CPF_READ | CPF_WRITE, 10, 20)) as number;
      ids = { ro, sub };
      yield sendrec(sys.ep('srv'), { type: 'GO' });
      // Revoked, then the slot reused: the old id must not reach the new grant.
      yield kernelCall('cpf_revoke', { grant: ro });
      const again = (yield grant(sys.ep('srv'), buf, CPF_READ)) as number;
      results.reusedDiffers = again !== ro;
      results.revokeTwice = yield kernelCall('cpf_revoke', { grant: ro });
      yield sendrec(sys.ep('srv'), { type: 'AFTER', again });
    }, 5);
    sys.spawn('srv', function* (): Gen {
      const owner = sys.ep('owner');
      const m: Envelope = yield receive(ANY);
      const into = new Uint8Array(30);
      results.read = yield copyFrom(owner, ids.ro, 5, into, 3);
      results.readBytes = Array.from(into.subarray(0, 3));
      results.writeReadOnly = yield copyTo(owner, ids.ro, 0, into, 1);
      results.pastEnd = yield copyFrom(owner, ids.ro, 98, into, 3);
      results.subRead = yield copyFrom(owner, ids.sub, 0, into, 20);
      results.subBytes = into[0];
      results.subPastEnd = yield copyFrom(owner, ids.sub, 1, into, 20);
      results.noSuchGrant = yield copyFrom(owner, 4000, 0, into, 1);
      yield send(m.source, { type: 'OK' });
      const m2: Envelope & { again: number } = yield receive(ANY);
      results.revoked = yield copyFrom(owner, ids.ro, 0, into, 1);
      results.newGrant = yield copyFrom(owner, m2.again, 0, into, 1);
      yield send(m2.source, { type: 'OK' });
    }, 4);
    sys.kernel.run();
    expect(results).toEqual({
      read: OK, readBytes: [5, 6, 7], writeReadOnly: -EPERM, pastEnd: -EPERM,
      subRead: OK, subBytes: 10, subPastEnd: -EPERM, noSuchGrant: -EPERM,
      reusedDiffers: true, revokeTwice: -EINVAL, revoked: -EPERM, newGrant: OK,
    });
    expect(sys.records.filter((r) => r.ev === 'error' && r.err === 'EPERM').length).toBe(5);
  });

  it('a grant works for its grantee only: a third process that learns the id gets EPERM', () => {
    const sys = testSystem();
    let result: unknown = null;
    sys.spawn('srv', function* (): Gen { yield receive(ANY); }, 4);
    sys.spawn('thief', function* (): Gen {
      const m: Envelope & { grant: number } = yield receive(ANY);
      result = yield copyFrom(m.source, m.grant, 0, new Uint8Array(1));
      yield send(m.source, { type: 'OK' });
    }, 4);
    sys.spawn('owner', function* (): Gen {
      const g = (yield grant(sys.ep('srv'), new Uint8Array(8), CPF_READ)) as number;
      yield sendrec(sys.ep('thief'), { type: 'ID', grant: g });
    }, 5);
    sys.kernel.run();
    expect(result).toBe(-EPERM);
    expect(sys.records.find((r) => r.ev === 'error' && r.proc === 'thief')).toMatchObject({ call: 'sys_safecopyfrom', err: 'EPERM' });
  });

  it("a dead owner's grants die with it: the copy fails (EINVAL, no such granter) and the table is cleared", () => {
    const sys = testSystem();
    let g = -1;
    let result: unknown = null;
    sys.spawn('owner', function* (): Gen {
      g = (yield grant(sys.ep('srv'), new Uint8Array(8), CPF_READ)) as number;
      return 0; // exits with the grant live
    }, 4);
    const ownerEp = sys.ep('owner');
    const ownerSlot = sys.kernel.procByName('owner')!;
    sys.spawn('srv', function* (): Gen {
      yield work(1000);
      result = yield copyFrom(ownerEp, g, 0, new Uint8Array(8));
    }, 5);
    sys.kernel.run();
    expect(g).toBeGreaterThanOrEqual(0);
    expect(result).toBe(-EINVAL);
    expect(sys.kernel.grants.liveGrants(ownerSlot)).toBe(0);
  });

  it('a user process may grant and revoke but not safe-copy; grant arguments are checked', () => {
    const sys = testSystem();
    const out: unknown[] = [];
    sys.spawn('srv', function* (): Gen { yield receive(ANY); }, 4);
    sys.spawn('user', function* (): Gen {
      const buf = new Uint8Array(16);
      out.push(yield copyFrom(sys.ep('srv'), 0, 0, buf));
      out.push(yield grant(sys.ep('srv'), buf, 0));
      out.push(yield grant(sys.ep('srv'), buf, CPF_READ, 8, 9));
      out.push(yield kernelCall('cpf_grant_direct', { grantee: sys.ep('srv'), buffer: [1, 2], access: CPF_READ }));
      out.push(yield grant('fs' as never, buf, CPF_READ));
    }, 5, userPrivileges());
    sys.kernel.run();
    expect(out).toEqual([-ECALLDENIED, -EINVAL, -EINVAL, -EINVAL, -EINVAL]);
  });
});
