import { describe, expect, it } from 'vitest';
import { EBADCALL, EINVAL, ENXIO } from '../../../kernel/index.js';
import { BUILTIN_MODELS } from '../../../drivers/disk/model.js';
import { cylinderOf, overheadNs, rotationNs, seekNs, transferNs } from '../../../drivers/disk/timing.js';
import type { DevReply } from '../../../drivers/disk/protocol.js';
import { block, BLOCK, bootDisk, devCall, recordsOf } from './system.js';

const hp = BUILTIN_MODELS.get('hp97560')!;
/** Bytes per cylinder of the hp97560: 19 heads of 72 sectors of 512 bytes. */
const CYL_BYTES = 19 * 72 * 512;
const MiB = 1024 * 1024;

describe('a read through the driver task', () => {
  const bytes = Uint8Array.from({ length: 4 * MiB }, (_, i) => (i * 7) & 0xff);
  const position = 5 * CYL_BYTES + 3 * 512;
  const run = bootDisk({ name: 'disk0', image: bytes }, [function* (_ctx, disk) {
    return yield* devCall(disk, { type: 'DEV_GATHER', minor: 0, vector: [{ position, buffer: new Uint8Array(BLOCK) }] });
  }]);
  const reply = run.results[0] as DevReply & { vector?: never };

  it('replies OK with the bytes and the count per element', () => {
    expect(reply).toMatchObject({ type: 'DEV_REPLY', status: 0, done: [BLOCK] });
  });

  it('traces one disk record whose times are the model formula', () => {
    const [rec] = recordsOf(run, 'disk');
    const sector = position / 512;
    const startNs = rec!.t;
    const expectedSeek = seekNs(hp, 5);
    expect(rec).toMatchObject({
      op: 'read', block: Math.floor(position / BLOCK), count: 2, fromCyl: 0, toCyl: cylinderOf(hp, sector),
      overheadNs: overheadNs(hp), seekNs: expectedSeek,
      rotNs: rotationNs(hp, startNs + overheadNs(hp) + expectedSeek, sector), xferNs: transferNs(hp, 2),
    });
  });

  it('moves the mechanism idle → seeking → rotating → transferring → idle at the phase boundaries', () => {
    const [rec] = recordsOf(run, 'disk');
    const states = recordsOf(run, 'state').filter((r) => r.machine === 'disk');
    expect(states.map((s) => `${s.from}>${s.to}`)).toEqual(['idle>seeking', 'seeking>rotating', 'rotating>transferring', 'transferring>idle']);
    const t0 = rec!.t;
    const onCyl = t0 + (rec!.overheadNs as number) + (rec!.seekNs as number);
    expect(states.map((s) => s.t)).toEqual([t0, onCyl, onCyl + (rec!.rotNs as number), onCyl + (rec!.rotNs as number) + (rec!.xferNs as number)]);
    expect(states[1]!.headCyl).toBe(5);
  });

  it('completes by a hardware interrupt caused by the request, and the reply follows it', () => {
    const send = run.records.find((r) => r.ev === 'send' && r.type === 'DEV_GATHER')!;
    const irq = recordsOf(run, 'irq')[0]!;
    const states = recordsOf(run, 'state');
    expect(irq.t).toBe(states[states.length - 1]!.t);
    const notify = run.records.find((r) => r.ev === 'notify' && r.src === 'hardware')!;
    expect(notify.cause).toBe(send.id);
    const replyRec = run.records.find((r) => r.ev === 'reply' && r.type === 'DEV_REPLY')!;
    expect(replyRec.cause).toBe(notify.id);
    expect(replyRec.t).toBeGreaterThan(irq.t);
  });

  it('reads the image bytes', () => {
    const buf = new Uint8Array(BLOCK);
    const r2 = bootDisk({ name: 'disk0', image: bytes, model: 'ramdisk' }, [function* (_c, d) {
      return yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [{ position, buffer: buf }] });
    }]);
    expect((r2.results[0] as DevReply).status).toBe(0);
    expect(buf).toEqual(bytes.subarray(position, position + BLOCK));
  });
});

describe('vectored partial transfers', () => {
  it('counts bytes per element and stops short at the end of the disk without an error', () => {
    const run = bootDisk({ name: 'disk0', sizeBytes: 8 * BLOCK }, [function* (_c, d) {
      return yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [block(6), { position: 7 * BLOCK + 512, buffer: new Uint8Array(BLOCK) }, block(8)] });
    }]);
    expect(run.results[0]).toMatchObject({ status: 0, done: [BLOCK, 512, 0] });
  });

  it('answers a request wholly past the end at once with zero counts', () => {
    const run = bootDisk({ name: 'disk0', sizeBytes: 8 * BLOCK }, [function* (_c, d) {
      return yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(9)] });
    }]);
    expect(run.results[0]).toMatchObject({ status: 0, done: [0] });
    expect(recordsOf(run, 'disk')).toHaveLength(0);
  });

  it('writes a vector with a gap as two mechanical operations, one controller overhead', () => {
    const bytes = new Uint8Array(64 * BLOCK);
    const run = bootDisk({ name: 'disk0', image: bytes }, [function* (_c, d) {
      return yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(1, 1), block(2, 2), block(40, 3)] });
    }]);
    expect(run.results[0]).toMatchObject({ status: 0, done: [BLOCK, BLOCK, BLOCK] });
    const ops = recordsOf(run, 'disk');
    expect(ops.map((o) => [o.op, o.block, o.count, o.overheadNs])).toEqual([['write', 1, 2, overheadNs(hp)], ['write', 40, 1, 0]]);
    expect([bytes[BLOCK], bytes[2 * BLOCK], bytes[40 * BLOCK], bytes[3 * BLOCK]]).toEqual([1, 2, 3, 0]);
  });
});

describe('the request queue under several clients', () => {
  // client0 starts the idle mechanism at cylinder 10; client1 (cylinder 3) and client2 (cylinder 12) queue behind it.
  const cyls = [10, 3, 12];
  const order = (sched: 'fcfs' | 'sstf' | 'look' | 'clook') => {
    const run = bootDisk({ name: 'disk0', createBytes: 16 * CYL_BYTES, sched }, cyls.map((c) => function* (_ctx, d) {
      return yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [{ position: c * CYL_BYTES, buffer: new Uint8Array(BLOCK) }] });
    }));
    expect(run.results.map((r) => (r as DevReply).status)).toEqual([0, 0, 0]);
    return { run, served: recordsOf(run, 'disk').map((r) => r.toCyl) };
  };

  it('fcfs serves them in arrival order', () => expect(order('fcfs').served).toEqual([10, 3, 12]));
  it('sstf serves the nearer cylinder 12 before 3', () => expect(order('sstf').served).toEqual([10, 12, 3]));
  it('clook continues upward to 12, then wraps to 3', () => expect(order('clook').served).toEqual([10, 12, 3]));

  it('keeps receiving while the mechanism is busy, and reports statistics', () => {
    const { run } = order('sstf');
    const stats = bootDisk({ name: 'disk0', createBytes: 16 * CYL_BYTES }, [function* (_c, d) {
      yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [{ position: 10 * CYL_BYTES, buffer: new Uint8Array(BLOCK) }] });
      yield* devCall(d, { type: 'DEV_SCATTER', minor: 0, vector: [block(1), block(2)] });
      return yield* devCall(d, { type: 'DEV_IOCTL', minor: 0, request: 'STATISTICS' });
    }]);
    const data = (stats.results[0] as DevReply).data!;
    const disk = recordsOf(stats, 'disk');
    expect(data).toMatchObject({
      requests: 2, reads: 1, writes: 1, bytesRead: BLOCK, bytesWritten: 2 * BLOCK, errors: 0, ops: 2,
      seekDistanceCyl: 20, seekNs: disk.reduce((s, r) => s + (r.seekNs as number), 0),
      rotationNs: disk.reduce((s, r) => s + (r.rotNs as number), 0),
    });
    expect(data.busyNs).toBe(disk.reduce((s, r) => s + (r.overheadNs as number) + (r.seekNs as number) + (r.rotNs as number) + (r.xferNs as number), 0));
    // In the three-client run, two requests arrived while the first was on the mechanism.
    const firstIrq = recordsOf(run, 'irq')[0]!.t;
    const arrivals = run.records.filter((r) => r.ev === 'deliver' && r.type === 'DEV_GATHER').map((r) => r.t);
    expect(arrivals.filter((t) => t < firstIrq)).toHaveLength(3);
  });
});

describe('control requests', () => {
  it('answers SIZE and GEOMETRY, refuses another minor, a bad vector and an unknown type', () => {
    const run = bootDisk({ name: 'disk0', sizeBytes: 64 * BLOCK }, [function* (_c, d) {
      const out: DevReply[] = [];
      out.push(yield* devCall(d, { type: 'DEV_OPEN', minor: 0 }));
      out.push(yield* devCall(d, { type: 'DEV_IOCTL', minor: 0, request: 'SIZE' }));
      out.push(yield* devCall(d, { type: 'DEV_IOCTL', minor: 0, request: 'GEOMETRY' }));
      out.push(yield* devCall(d, { type: 'DEV_GATHER', minor: 1, vector: [block(0)] }));
      out.push(yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [{ position: -1, buffer: new Uint8Array(4) }] }));
      out.push(yield* devCall(d, { type: 'DEV_GATHER', minor: 0, vector: [] }));
      out.push(yield* devCall(d, { type: 'DEV_FORMAT', minor: 0 }));
      out.push(yield* devCall(d, { type: 'DEV_CLOSE', minor: 0 }));
      return out;
    }]);
    const r = run.results[0] as DevReply[];
    expect(r.map((x) => x.status)).toEqual([0, 0, 0, -ENXIO, -EINVAL, -EINVAL, -EBADCALL, 0]);
    expect(r[1]!.data).toEqual({ size: 64 * BLOCK });
    expect(r[2]!.data).toMatchObject({ model: 'hp97560', cylinders: 1962, heads: 19, sectors: 72, sectorBytes: 512, rpm: 4002 });
  });
});
