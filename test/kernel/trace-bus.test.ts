import { filter } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Kernel, receive, send, systemPrivileges, ANY, type TraceRecord } from '../../kernel/index.js';

describe('the trace bus', () => {
  it('is on exactly while someone subscribes, and builds no record when off', () => {
    const k = new Kernel({ seed: 1 });
    expect(k.trace.on).toBe(false);
    const a = k.trace.trace$.subscribe(() => {});
    const b = k.trace.trace$.pipe(filter((r) => r.ev === 'send')).subscribe(() => {});
    expect(k.trace.on).toBe(true);
    a.unsubscribe();
    expect(k.trace.on).toBe(true);
    b.unsubscribe();
    expect(k.trace.on).toBe(false);
    k.spawn({ name: 'p', priority: 4, privileges: systemPrivileges(), program: function* () { yield receive(ANY); } });
    k.run();
    expect(k.trace.count).toBe(0);
  });

  it('subscribers compose with rxjs operators and see seq increase by one', () => {
    const k = new Kernel({ seed: 1 });
    const sends: TraceRecord[] = [];
    const all: TraceRecord[] = [];
    k.trace.trace$.subscribe((r) => all.push(r));
    k.trace.trace$.pipe(filter((r) => r.ev === 'send')).subscribe((r) => sends.push(r));
    k.spawn({ name: 'srv', priority: 4, privileges: systemPrivileges(), program: function* () { yield receive(ANY); } });
    k.spawn({ name: 'cli', priority: 5, privileges: systemPrivileges(), program: function* () { yield send(k.procByName('srv')!.endpoint, { type: 'HI' }); } });
    k.run();
    expect(sends.map((r) => r.type)).toEqual(['HI']);
    all.forEach((r, i) => expect(r.seq).toBe(i + 1));
  });

  it('gives a direct sink message and sched events as fields while nobody subscribes, and records once someone does', () => {
    const run = (subscribe: boolean): string[] => {
      const k = new Kernel({ seed: 1 });
      const got: string[] = [];
      const detach = k.trace.attach({
        message: (seq, _t, ev, _id, src, dst, type) => { got.push(`${seq} field ${ev} ${src}>${dst} ${type}`); },
        sched: (seq, _t, from, to) => { got.push(`${seq} field sched ${from}>${to}`); },
        record: (r) => { got.push(`${r.seq} record ${r.ev}`); },
      });
      expect(k.trace.on).toBe(true);
      if (subscribe) k.trace.trace$.subscribe(() => {});
      k.spawn({ name: 'srv', priority: 4, privileges: systemPrivileges(), program: function* () { yield receive(ANY); } });
      k.spawn({ name: 'cli', priority: 5, privileges: systemPrivileges(), program: function* () { yield send(k.procByName('srv')!.endpoint, { type: 'HI' }); } });
      k.run();
      detach();
      if (!subscribe) expect(k.trace.on).toBe(false);
      return got;
    };
    const direct = run(false);
    expect(direct).toContain('5 field send cli>srv HI');
    expect(direct.filter((l) => l.includes(' record ')).map((l) => l.split(' ')[2])).toEqual(['spawn', 'spawn', 'exit', 'exit']);
    const records = run(true);
    expect(records.every((l) => l.includes(' record '))).toBe(true);
    // The same events in the same order, seq from 1 either way.
    expect(records.map((l) => l.split(' ')[0])).toEqual(direct.map((l) => l.split(' ')[0]));
  });
});
