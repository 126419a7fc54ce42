import { describe, expect, it } from 'vitest';
import {
  ANY, ECALLDENIED, EDEADSRCDST, ELOCKED, ENOTREADY, HARDWARE, NOTIFY, OK, receive, send, sendnb, sendrec, senda, notify, work,
  userPrivileges, type Envelope,
} from '../../kernel/index.js';
import { messages, testSystem } from './helpers.js';

describe('send and receive', () => {
  it('blocked senders are served FIFO from the caller queue', () => {
    const sys = testSystem();
    const got: string[] = [];
    sys.spawn('a', function* () { yield send(sys.ep('srv'), { type: 'A' }); }, 4);
    sys.spawn('b', function* () { yield send(sys.ep('srv'), { type: 'B' }); }, 4);
    sys.spawn('c', function* () { yield send(sys.ep('srv'), { type: 'C' }); }, 4);
    // The server starts receiving only after all three blocked.
    sys.spawn('srv', function* () {
      yield work(1000);
      for (let i = 0; i < 3; i++) { const m: Envelope = yield receive(ANY); got.push(m.type); }
    }, 5);
    sys.kernel.run();
    expect(got).toEqual(['A', 'B', 'C']);
  });

  it('receive from a specific source skips other queued senders', () => {
    const sys = testSystem();
    const got: string[] = [];
    sys.spawn('a', function* () { yield send(sys.ep('srv'), { type: 'A' }); });
    sys.spawn('b', function* () { yield send(sys.ep('srv'), { type: 'B' }); });
    sys.spawn('srv', function* () {
      yield work(1000);
      const m: Envelope = yield receive(sys.ep('b'));
      got.push(m.type);
      const n: Envelope = yield receive(ANY);
      got.push(n.type);
    }, 5);
    sys.kernel.run();
    expect(got).toEqual(['B', 'A']);
  });

  it('the message source is set by the kernel, whatever the sender wrote', () => {
    const sys = testSystem();
    let source = -1;
    sys.spawn('srv', function* () { const m: Envelope = yield receive(ANY); source = m.source; });
    const cli = sys.spawn('cli', function* () { yield send(sys.ep('srv'), { type: 'X', source: 999 }); });
    sys.kernel.run();
    expect(source).toBe(cli);
  });

  it('receive takes notifications first, then asynchronous messages, then the caller queue', () => {
    const sys = testSystem();
    const got: string[] = [];
    sys.spawn('srv', function* () {
      yield work(1000);
      for (let i = 0; i < 3; i++) { const m: Envelope = yield receive(ANY); got.push(m.type); }
    }, 5);
    sys.spawn('sender', function* () { yield send(sys.ep('srv'), { type: 'SYNC' }); }, 4);
    // The senders stay alive: what a process leaves pending dies with it (clearEndpoint).
    sys.spawn('async', function* () { yield senda(sys.ep('srv'), { type: 'ASYNC' }); yield receive(ANY); }, 4);
    sys.spawn('notifier', function* () { yield notify(sys.ep('srv')); yield receive(ANY); }, 4);
    sys.kernel.run();
    expect(got).toEqual([NOTIFY, 'ASYNC', 'SYNC']);
  });

  it('a process exiting fails the callers blocked on it with EDEADSRCDST', () => {
    const sys = testSystem();
    let result: unknown;
    sys.spawn('dying', function* () { yield work(1000); }, 5);
    sys.spawn('waiter', function* () { result = yield receive(sys.ep('dying')); }, 4);
    sys.kernel.run();
    expect(result).toBe(-EDEADSRCDST);
  });
});

describe('notify', () => {
  it('pending notifications from one source coalesce into one, their bits ORed', () => {
    const sys = testSystem();
    const got: Envelope[] = [];
    sys.spawn('srv', function* () {
      yield work(1000);
      for (;;) { const m: Envelope | number = yield receive(ANY); if (typeof m === 'number') break; got.push(m); }
    }, 5);
    sys.spawn('n', function* () { yield notify(sys.ep('srv'), 1); yield notify(sys.ep('srv'), 4); yield notify(sys.ep('srv'), 1); yield receive(ANY); }, 4);
    sys.kernel.run();
    expect(got.length).toBe(1);
    expect(got[0]).toMatchObject({ type: NOTIFY, bits: 5 });
  });

  it('with ANY the lowest source endpoint is served first', () => {
    const sys = testSystem();
    const sources: number[] = [];
    // Spawned first: lowest slot; it notifies last.
    const low = sys.spawn('low', function* () { yield work(10); yield notify(sys.ep('srv')); yield receive(ANY); }, 4);
    sys.spawn('srv', function* () {
      yield work(1000);
      for (let i = 0; i < 2; i++) { const m: Envelope = yield receive(ANY); sources.push(m.source); }
    }, 5);
    const high = sys.spawn('high', function* () { yield notify(sys.ep('srv')); yield receive(ANY); }, 3);
    sys.kernel.run();
    expect(sources).toEqual([low, high]);
  });

  it('sendrec is never satisfied by a notification', () => {
    const sys = testSystem();
    let reply: unknown;
    sys.spawn('srv', function* () {
      const m: Envelope = yield receive(ANY);
      yield work(5000); // the notifier runs meanwhile
      yield send(m.source, { type: 'REPLY' });
    }, 4);
    sys.spawn('cli', function* () {
      reply = yield sendrec(sys.ep('srv'), { type: 'REQ' });
      const after: Envelope = yield receive(ANY);
      expect(after.type).toBe(NOTIFY);
    }, 6);
    sys.spawn('notifier', function* () { yield notify(sys.ep('cli')); }, 5);
    sys.kernel.run();
    expect(reply).toMatchObject({ type: 'REPLY' });
  });
});

describe('deadlock detection', () => {
  it('two processes sending to each other: the second gets ELOCKED', () => {
    const sys = testSystem();
    let second: unknown;
    sys.spawn('a', function* () { yield send(sys.ep('b'), { type: 'X' }); }, 4);
    sys.spawn('b', function* () { second = yield send(sys.ep('a'), { type: 'Y' }); }, 5);
    sys.kernel.run();
    expect(second).toBe(-ELOCKED);
    expect(sys.records.some((r) => r.ev === 'error' && r.err === 'ELOCKED')).toBe(true);
  });

  it('a cycle of three sends gets ELOCKED', () => {
    const sys = testSystem();
    let third: unknown;
    sys.spawn('a', function* () { yield send(sys.ep('b'), { type: 'X' }); }, 4);
    sys.spawn('b', function* () { yield send(sys.ep('c'), { type: 'X' }); }, 5);
    sys.spawn('c', function* () { third = yield send(sys.ep('a'), { type: 'X' }); }, 6);
    sys.kernel.run();
    expect(third).toBe(-ELOCKED);
  });

  it('two processes receiving from each other: ELOCKED', () => {
    const sys = testSystem();
    let second: unknown;
    sys.spawn('a', function* () { yield receive(sys.ep('b')); }, 4);
    sys.spawn('b', function* () { second = yield receive(sys.ep('a')); }, 5);
    sys.kernel.run();
    expect(second).toBe(-ELOCKED);
  });

  // MINIX mini_receive checks deadlock() only when no message is there and it is about to block.
  it('receive(src) takes a pending notification from src even though src is blocked receiving from the caller', () => {
    const sys = testSystem();
    let got: unknown;
    let a = -1;
    sys.spawn('a', function* () { yield notify(sys.ep('b')); yield receive(sys.ep('b')); }, 4);
    sys.spawn('b', function* () { a = sys.ep('a'); got = yield receive(sys.ep('a')); }, 5);
    sys.kernel.run();
    expect(got).toMatchObject({ type: NOTIFY, source: a });
    expect(sys.records.some((r) => r.ev === 'error' && r.err === 'ELOCKED')).toBe(false);
  });

  it('receive(src) takes a queued senda message from src even though src is blocked receiving from the caller', () => {
    const sys = testSystem();
    let got: unknown;
    sys.spawn('a', function* () { yield senda(sys.ep('b'), { type: 'ASYNC' }); yield receive(sys.ep('b')); }, 4);
    sys.spawn('b', function* () { got = yield receive(sys.ep('a')); }, 5);
    sys.kernel.run();
    expect(got).toMatchObject({ type: 'ASYNC' });
  });

  it('receive(src) with nothing pending from src still gets ELOCKED when src waits for the caller', () => {
    const sys = testSystem();
    let got: unknown;
    sys.spawn('a', function* () { yield receive(sys.ep('b')); }, 4);
    sys.spawn('n', function* () { yield notify(sys.ep('b')); }, 4);
    sys.spawn('b', function* () { got = yield receive(sys.ep('a')); }, 5);
    sys.kernel.run();
    expect(got).toBe(-ELOCKED);
  });

  it('a send/receive pair is not a deadlock (MINIX exception)', () => {
    const sys = testSystem();
    let got: unknown;
    sys.spawn('a', function* () { yield send(sys.ep('b'), { type: 'X' }); }, 4);
    sys.spawn('b', function* () { got = yield receive(sys.ep('a')); }, 5);
    sys.kernel.run();
    expect(got).toMatchObject({ type: 'X' });
  });
});

describe('privileges', () => {
  it('a user process sending to a driver gets ECALLDENIED, and the denial is traced', () => {
    const sys = testSystem();
    let result: unknown;
    sys.spawn('disk0', function* () { yield receive(ANY); }, 2);
    sys.spawn('user', function* () { result = yield sendrec(sys.ep('disk0'), { type: 'DEV_GATHER' }); }, 7, userPrivileges());
    sys.kernel.run();
    expect(result).toBe(-ECALLDENIED);
    expect(sys.records.find((r) => r.ev === 'error')).toMatchObject({ proc: 'user', err: 'ECALLDENIED', peer: 'disk0' });
  });

  it('a user process may not use plain send or receive', () => {
    const sys = testSystem();
    const results: unknown[] = [];
    sys.spawn('fs', function* () { yield receive(ANY); }, 4);
    sys.spawn('user', function* () {
      results.push(yield send(sys.ep('fs'), { type: 'X' }));
      results.push(yield receive(ANY));
    }, 7, userPrivileges());
    sys.kernel.run();
    expect(results).toEqual([-ECALLDENIED, -ECALLDENIED]);
  });

  it('sendnb to a process that is not receiving fails with ENOTREADY', () => {
    const sys = testSystem();
    let result: unknown;
    sys.spawn('busy', function* () { yield work(1000); }, 5);
    sys.spawn('s', function* () { result = yield sendnb(sys.ep('busy'), { type: 'X' }); }, 4);
    sys.kernel.run();
    expect(result).toBe(-ENOTREADY);
  });

  it('sendnb to a receiving process delivers', () => {
    const sys = testSystem();
    let result: unknown;
    sys.spawn('r', function* () { yield receive(ANY); }, 4);
    sys.spawn('s', function* () { result = yield sendnb(sys.ep('r'), { type: 'X' }); }, 5);
    sys.kernel.run();
    expect(result).toBe(OK);
  });
});

describe('scheduling', () => {
  it('an interrupt preempts a lower-priority process in the middle of its work', () => {
    const sys = testSystem();
    const log: string[] = [];
    sys.spawn('task', function* () {
      const m: Envelope = yield receive(ANY);
      log.push(`irq from ${m.source === HARDWARE ? 'hardware' : m.source} at ${sys.kernel.nowNs}`);
      yield work(5000);
    }, 0);
    sys.spawn('user', function* () { yield work(1_000_000); log.push(`user done at ${sys.kernel.nowNs}`); }, 7);
    sys.kernel.schedule(300_000, () => sys.kernel.raiseIrq(sys.ep('task'), 1));
    sys.kernel.run();
    expect(log[0]).toBe('irq from hardware at 300000');
    // The user started at 200 (after the task's receive) and lost 5000 ns to the task.
    expect(log[1]).toBe('user done at 1005200');
  });

  it('processes of one priority share the CPU round robin, a quantum at a time', () => {
    const sys = testSystem({ quantumNs: 1000 });
    sys.spawn('a', function* () { yield work(3000); }, 7);
    sys.spawn('b', function* () { yield work(3000); }, 7);
    sys.kernel.run();
    const switches = sys.records.filter((r) => r.ev === 'sched').map((r) => `${r.t}:${r.to}`);
    // Each finishes its work exactly as its third quantum ends, so it is rotated
    // out once more before its generator can return.
    expect(switches).toEqual(['0:a', '1000:b', '2000:a', '3000:b', '4000:a', '5000:b', '6000:a', '6000:b', '6000:null']);
  });

  it('a higher-priority process that becomes ready runs before the sender continues', () => {
    const sys = testSystem();
    const order: string[] = [];
    sys.spawn('hi', function* () { yield receive(ANY); order.push('hi'); }, 2);
    sys.spawn('lo', function* () { yield send(sys.ep('hi'), { type: 'X' }); order.push('lo'); }, 7);
    sys.kernel.run();
    expect(order).toEqual(['hi', 'lo']);
  });
});

describe('trace causality', () => {
  it('a message sent while handling another carries its id as cause; replies carry re', () => {
    const sys = testSystem();
    sys.spawn('disk', function* () { const m: Envelope = yield receive(ANY); yield send(m.source, { type: 'DISK_REPLY' }); }, 2);
    sys.spawn('fs', function* () {
      const m: Envelope = yield receive(ANY);
      yield sendrec(sys.ep('disk'), { type: 'DEV_GATHER' });
      yield send(m.source, { type: 'FS_REPLY' });
    }, 4);
    sys.spawn('user', function* () { yield sendrec(sys.ep('fs'), { type: 'READ' }); }, 7);
    sys.kernel.run();
    const sent = sys.records.filter((r) => r.ev === 'send' || r.ev === 'reply');
    const read = sent.find((r) => r.type === 'READ')!;
    const gather = sent.find((r) => r.type === 'DEV_GATHER')!;
    const diskReply = sent.find((r) => r.type === 'DISK_REPLY')!;
    const fsReply = sent.find((r) => r.type === 'FS_REPLY')!;
    expect(read.cause).toBeNull();
    expect(gather.cause).toBe(read.id);
    expect(diskReply).toMatchObject({ ev: 'reply', cause: gather.id, re: gather.id });
    expect(fsReply).toMatchObject({ ev: 'reply', cause: read.id, re: read.id });
    expect(messages(sys.records, 'deliver')).toEqual(['user->fs:READ', 'fs->disk:DEV_GATHER', 'disk->fs:DISK_REPLY', 'fs->user:FS_REPLY']);
  });
});
