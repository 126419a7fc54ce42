import { describe, expect, it } from 'vitest';
import {
  ANY, EDEADSRCDST, NOTIFY, receive, send, senda, sendrec, notify, slotOf, work, type Envelope,
} from '../../kernel/index.js';
import { danglingIpcRefs, testSystem } from './helpers.js';

/** CPU work in ten steps, so that run({ untilNs }) can stop in the middle of it. */
function* busy(totalNs: number) {
  for (let i = 0; i < 10; i++) yield work(totalNs / 10);
}

// When a process dies, clearEndpoint (MINIX clear_endpoint: clear_ipc + clear_ipc_refs)
// removes every trace of it from the other processes' IPC state.
describe('when a process dies', () => {
  it('a client whose sendrec is still in its send phase fails with EDEADSRCDST instead of hanging', () => {
    const sys = testSystem();
    let result: unknown = 'never resumed';
    let after = false;
    // The server is busy and never receives: the client blocks sending (SENDING|RECEIVING, reply pending).
    sys.spawn('srv', function* () { yield work(1000); }, 5);
    sys.spawn('cli', function* () {
      result = yield sendrec(sys.ep('srv'), { type: 'REQ' });
      after = true;
    }, 4);
    sys.kernel.run();
    expect(result).toBe(-EDEADSRCDST);
    expect(after).toBe(true);
    expect(sys.records.filter((r) => r.ev === 'error')).toEqual([
      expect.objectContaining({ proc: 'cli', err: 'EDEADSRCDST', peer: 'srv' }),
    ]);
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
  });

  it('a client waiting for the reply of its sendrec fails with EDEADSRCDST', () => {
    const sys = testSystem();
    let result: unknown = 'never resumed';
    sys.spawn('srv', function* () { yield receive(ANY); yield work(1000); }, 4);
    sys.spawn('cli', function* () { result = yield sendrec(sys.ep('srv'), { type: 'REQ' }); }, 5);
    sys.kernel.run();
    expect(result).toBe(-EDEADSRCDST);
  });

  it('every blocked sender in its caller queue fails, in process-table order, and none stays queued', () => {
    const sys = testSystem();
    const results: Record<string, unknown> = {};
    sys.spawn('a', function* () { results.a = yield send(sys.ep('srv'), { type: 'A' }); }, 4);
    sys.spawn('b', function* () { results.b = yield sendrec(sys.ep('srv'), { type: 'B' }); }, 4);
    sys.spawn('srv', function* () { yield work(1000); }, 5);
    sys.kernel.run();
    expect(results).toEqual({ a: -EDEADSRCDST, b: -EDEADSRCDST });
    expect(sys.records.filter((r) => r.ev === 'error').map((r) => r.proc)).toEqual(['a', 'b']);
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
  });

  it('a dead sender leaves the caller queue of its receiver: the receiver takes the next sender', () => {
    const sys = testSystem();
    const got: string[] = [];
    sys.spawn('a', function* () { yield send(sys.ep('srv'), { type: 'A' }); }, 4);
    sys.spawn('b', function* () { yield send(sys.ep('srv'), { type: 'B' }); }, 4);
    sys.spawn('srv', function* () {
      yield* busy(1000);
      const m: Envelope = yield receive(ANY);
      got.push(m.type);
    }, 5);
    sys.kernel.run({ untilNs: 500 });
    sys.kernel.destroy(sys.kernel.procByName('a')!, 9);
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
    sys.kernel.run();
    expect(got).toEqual(['B']);
  });

  it("a process restarted in the same slot does not inherit its predecessor's pending notification", () => {
    const sys = testSystem();
    const got: Envelope[] = [];
    sys.spawn('drv', function* () { yield notify(sys.ep('srv'), 1); }, 4);
    sys.spawn('srv', function* () {
      yield* busy(1000);
      got.push(yield receive(ANY));
    }, 6);
    const deadEndpoint = sys.ep('drv');
    // drv notified and exited; srv is busy and has not taken the notification.
    sys.kernel.run({ untilNs: 500 });
    expect(sys.kernel.procByName('drv')).toBeNull();
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
    const restarted = sys.spawn('drv', function* () { yield send(sys.ep('srv'), { type: 'HELLO' }); }, 4);
    expect(slotOf(restarted)).toBe(slotOf(deadEndpoint));
    expect(restarted).not.toBe(deadEndpoint);
    sys.kernel.run();
    expect(got.map((m) => [m.type, m.source])).toEqual([['HELLO', restarted]]);
    expect(got.some((m) => m.type === NOTIFY)).toBe(false);
  });

  it("a dead sender's queued senda message is not delivered", () => {
    const sys = testSystem();
    const got: string[] = [];
    sys.spawn('asender', function* () { yield senda(sys.ep('srv'), { type: 'ASYNC' }); }, 4);
    sys.spawn('other', function* () { yield send(sys.ep('srv'), { type: 'LATER' }); }, 5);
    sys.spawn('srv', function* () {
      yield work(1000);
      const m: Envelope = yield receive(ANY);
      got.push(m.type);
    }, 6);
    sys.kernel.run();
    expect(got).toEqual(['LATER']);
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
  });

  it('the pending notification of a dead process is cleared in every process, with its bits', () => {
    const sys = testSystem();
    const got: Envelope[] = [];
    sys.spawn('n', function* () { yield notify(sys.ep('r1'), 2); yield notify(sys.ep('r2'), 4); }, 4);
    for (const name of ['r1', 'r2']) {
      sys.spawn(name, function* () { yield* busy(1000); got.push(yield receive(ANY)); }, 6);
    }
    sys.kernel.run({ untilNs: 500 });
    expect(danglingIpcRefs(sys.kernel)).toEqual([]);
    for (const name of ['r1', 'r2']) {
      const p = sys.kernel.procByName(name)!;
      expect([p.notifyCount, p.notifyBits?.size ?? 0, p.notifyIds?.size ?? 0, p.notifyCauses?.size ?? 0]).toEqual([0, 0, 0, 0]);
    }
    sys.spawn('late', function* () { yield send(sys.ep('r1'), { type: 'X' }); yield send(sys.ep('r2'), { type: 'Y' }); }, 4);
    sys.kernel.run();
    expect(got.map((m) => m.type)).toEqual(['X', 'Y']);
  });
});

describe('exec (replaceProgram)', () => {
  it("clears the exec'ing process's own IPC state: out of its receiver's caller queue", () => {
    const sys = testSystem();
    const got: string[] = [];
    let old: unknown = 'not resumed';
    sys.spawn('a', function* () { old = yield send(sys.ep('srv'), { type: 'OLD' }); }, 4);
    sys.spawn('srv', function* () {
      yield* busy(1000);
      for (let i = 0; i < 2; i++) { const m: Envelope = yield receive(ANY); got.push(m.type); }
    }, 5);
    sys.kernel.run({ untilNs: 500 });
    const a = sys.kernel.procByName('a')!;
    sys.kernel.replaceProgram(a, () => (function* () { yield send(sys.ep('srv'), { type: 'NEW' }); })());
    expect(a.rtsFlags).toBe(0);
    expect(a.pendingMsg).toBeNull();
    sys.spawn('b', function* () { yield send(sys.ep('srv'), { type: 'B' }); }, 4);
    sys.kernel.run();
    expect(got).toEqual(['NEW', 'B']);
    expect(old).toBe('not resumed');
  });
});
