/*
 * A small system of test actors that produces real traces for the trace tools:
 *   runFixtureSystem(options)   boot it on a fresh kernel -> the records (header first)
 *   writeTrace(records, path)   the records as a JSONL file (the kernel's serializer)
 * Clients read blocks through an `fs` with a tiny LRU cache; misses go to a
 * `disk` driver whose mechanism completes by interrupt; a `clock` task fires
 * alarms. The actors emit the kinds other parts of mksim add (state, cache,
 * disk, timer, avc) with ctx.trace, so the tools are exercised on them.
 */
import { writeFileSync } from 'node:fs';
import {
  ANY, HARDWARE, hardwareOf, Kernel, kernelTaskAccessOf, NOTIFY, notify, receive, send, sendrec, serializeRecord, systemPrivileges, work,
  type ActorContext, type Envelope, type Hardware, type KernelTaskAccess, type Program, type TraceRecord,
} from '../../../kernel/index.js';

export interface FixtureOptions {
  readonly seed?: number;
  /** Reads each client makes. */
  readonly reads?: number;
  readonly clients?: readonly string[];
  /** Blocks the fs cache holds. */
  readonly cacheBlocks?: number;
  /** Distinct blocks the clients pick from. */
  readonly blocks?: number;
}

const BLOCKS_PER_CYL = 2;
const SEEK_NS_PER_CYL = 20_000;
const ROT_NS = 150_000;
const XFER_NS = 40_000;

function diskDriver(hw: Hardware): Program {
  return function* disk(ctx: ActorContext) {
    let cyl = 0;
    let state = 'idle';
    const move = (to: string, event: string): void => {
      ctx.trace('state', { machine: 'disk', from: state, to, event });
      state = to;
    };
    for (;;) {
      const m = (yield receive(ANY)) as Envelope;
      if (m.type !== 'DEV_READ') continue;
      const block = m.block as number;
      const toCyl = Math.floor(block / BLOCKS_PER_CYL);
      const seekNs = Math.abs(toCyl - cyl) * SEEK_NS_PER_CYL;
      const rotNs = ctx.random.below(ROT_NS);
      ctx.trace('disk', { op: 'read', block, count: 1, fromCyl: cyl, toCyl, seekNs, rotNs, xferNs: XFER_NS });
      move('seeking', 'REQUEST');
      cyl = toCyl;
      const self = ctx.self;
      hw.schedule(hw.nowNs + seekNs + rotNs + XFER_NS, () => hw.raiseIrq(self, 1));
      const irq = (yield receive(HARDWARE)) as Envelope;
      move('idle', 'DONE');
      // The block's bytes would move by grant (kernel/grant.ts); this stand-in moves none.
      yield send(m.source, { type: 'DEV_REPLY', status: 0, block, bits: irq.bits });
    }
  };
}

function fileServer(cacheBlocks: number): Program {
  return function* fs(ctx: ActorContext) {
    const lru: number[] = [];
    for (;;) {
      const m = (yield receive(ANY)) as Envelope;
      if (m.type !== 'READ') {
        yield send(m.source, { type: 'FS_REPLY', status: -22, note: 'end of request; <unknown> #type' });
        continue;
      }
      const block = m.block as number;
      yield work(5_000);
      if (block === 13) {
        ctx.trace('avc', { scontext: 'user_u:user_r:user_t', tcontext: 'system_u:object_r:secret_t', tclass: 'file', perm: 'read', denied: true });
        yield send(m.source, { type: 'FS_REPLY', status: -13 });
        continue;
      }
      const at = lru.indexOf(block);
      if (at >= 0) {
        lru.splice(at, 1);
        ctx.trace('cache', { op: 'hit', block });
      } else {
        ctx.trace('cache', { op: 'miss', block });
        if (lru.length >= cacheBlocks) ctx.trace('cache', { op: 'evict', block: lru.shift() });
        const r = (yield sendrec(ctx.endpointOf('disk'), { type: 'DEV_READ', block })) as Envelope;
        if (r.status !== 0) throw new Error('disk failed');
      }
      lru.push(block);
      yield send(m.source, { type: 'FS_REPLY', status: 0, bytes: 1024 });
    }
  };
}

function clockTask(k: KernelTaskAccess): Program {
  return function* clock(ctx: ActorContext) {
    for (;;) {
      const m = (yield receive(ANY)) as Envelope;
      if (m.type === NOTIFY) continue;
      if (m.type !== 'SET_ALARM') continue;
      const expiryNs = k.nowNs + (m.delayNs as number);
      const owner = k.nameOf(m.source);
      const ownerEp = m.source;
      ctx.trace('timer', { op: 'set', owner, expiryNs });
      k.schedule(expiryNs, () => {
        if (k.traceOn) k.emit({ seq: 0, t: k.nowNs, ev: 'timer', op: 'fire', owner, expiryNs, latenessNs: k.nowNs - expiryNs });
        k.raiseIrq(ctx.self, 2);
      });
      yield send(ownerEp, { type: 'ALARM_SET', status: 0 });
      const irq = (yield receive(HARDWARE)) as Envelope;
      yield notify(ownerEp, irq.bits as number);
    }
  };
}

function client(reads: number, blocks: number, withAlarm: boolean): Program {
  return function* user(ctx: ActorContext) {
    ctx.print(`${ctx.name} starts`);
    const fs = ctx.endpointOf('fs');
    for (let i = 0; i < reads; i++) {
      const block = ctx.random.below(blocks);
      const r = (yield sendrec(fs, { type: 'READ', block, bytes: 1024 })) as Envelope;
      if (typeof r === 'number') throw new Error(`sendrec failed ${r}`);
      yield work(2_000);
    }
    if (withAlarm) {
      yield sendrec(ctx.endpointOf('clock'), { type: 'SET_ALARM', delayNs: 50_000 });
      yield receive(ctx.endpointOf('clock'));
      yield sendrec(fs, { type: 'end', text: 'end; graph TD #1 <b>' });
    }
    ctx.print(`${ctx.name} done`);
    return 0;
  };
}

export function runFixtureSystem(options: FixtureOptions = {}): TraceRecord[] {
  const seed = options.seed ?? 1;
  const clients = options.clients ?? ['alice', 'bob'];
  const config = { reads: options.reads ?? 6, cacheBlocks: options.cacheBlocks ?? 3, blocks: options.blocks ?? 16, clients };
  const kernel = new Kernel({ seed });
  const records: TraceRecord[] = [];
  kernel.trace.trace$.subscribe((r) => records.push(r));
  kernel.emit({ seq: 0, t: 0, ev: 'header', format: 'mksim-trace', version: 1, script: 'test/cli/trace/fixture-system.ts', seed, config });
  const spawn = (name: string, program: Program, priority: number): void => {
    kernel.spawn({ name, program, priority, privileges: systemPrivileges() });
  };
  spawn('clock', clockTask(kernelTaskAccessOf(kernel)), 0);
  spawn('disk', diskDriver(hardwareOf(kernel)), 1);
  spawn('fs', fileServer(config.cacheBlocks), 4);
  clients.forEach((name, i) => spawn(name, client(config.reads, config.blocks, i === 0), 7));
  kernel.run({ untilNs: 10_000_000_000 });
  return records;
}

export function writeTrace(records: readonly TraceRecord[], path: string): void {
  writeFileSync(path, records.map(serializeRecord).join(''));
}
