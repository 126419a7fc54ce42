/*
 * Benchmark `ipc`: messages routed per wall second in a sendrec ping-pong
 * between two actors, untraced and traced to a JSONL file, beside the same
 * count of events between two xstate v5 actors (the naive design) and two
 * bare generators passing messages (the ceiling of the generator model).
 *   ipcBenchmark   { msgsPerSec, tracedMsgsPerSec, xstateSendsPerSec, generatorMsgsPerSec }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { attachJsonlSink } from '../kernel/jsonl-sink.js';
import { ANY, Kernel, receive, send, sendrec, systemPrivileges, userPrivileges, type Envelope } from '../kernel/index.js';
import type { Benchmark } from './registry.js';

const MESSAGES = 2_000_000;

/** One client sendrec-ing a server; returns the messages routed and the wall ms it took. */
export function pingPong(messages: number, tracePath: string | null): { messages: number; wallMs: number } {
  const kernel = new Kernel({ seed: 1 });
  const sink = tracePath === null ? null : attachJsonlSink(kernel.trace, tracePath);
  // The server is called 'fs' so that a user process may sendrec it.
  kernel.spawn({
    name: 'fs', priority: 4, privileges: systemPrivileges(),
    program: function* () {
      for (;;) {
        const m: Envelope | number = yield receive(ANY);
        if (typeof m !== 'number') yield send(m.source, { type: 'PONG', n: (m as Envelope & { n: number }).n });
      }
    },
  });
  const server = kernel.procByName('fs')!.endpoint;
  kernel.spawn({
    name: 'client', priority: 7, privileges: userPrivileges(),
    program: function* () {
      for (let i = 0; i < messages / 2; i++) yield sendrec(server, { type: 'PING', n: i });
    },
  });
  const start = performance.now();
  kernel.run();
  sink?.close();
  const wallMs = performance.now() - start;
  return { messages: kernel.messagesTotal, wallMs };
}

function xstatePingPong(events: number): number {
  const ponger = setup({ types: { events: {} as { type: 'PING'; from: AnyActorRef } } }).createMachine({
    on: { PING: { actions: ({ event }) => event.from.send({ type: 'PONG' }) } },
  });
  let pongs = 0;
  const pinger = setup({ types: { events: {} as { type: 'PONG' } } }).createMachine({
    on: { PONG: { actions: () => { pongs++; } } },
  });
  const a = createActor(pinger).start();
  const b = createActor(ponger).start();
  const start = performance.now();
  for (let i = 0; i < events / 2; i++) b.send({ type: 'PING', from: a });
  const wallMs = performance.now() - start;
  if (pongs !== events / 2) throw new Error(`xstate baseline lost events: ${pongs}`);
  return wallMs;
}

/**
 * The ceiling of this programming model: two bare generators passing a
 * message back and forth through a two-line dispatcher (no kernel, no
 * queues, no checks); counts messages as the kernel does (PING and PONG).
 */
export function generatorPingPong(messages: number): number {
  type Msg = { type: string; n: number };
  const server = (function* (): Generator<Msg | null, never, Msg> {
    let m = yield null;
    for (;;) m = yield { type: 'PONG', n: m.n };
  })();
  const client = (function* (): Generator<Msg, void, Msg | null> {
    for (let i = 0; i < messages / 2; i++) yield { type: 'PING', n: i };
  })();
  server.next();
  let pongs = 0;
  const start = performance.now();
  for (let ping = client.next(null); !ping.done; ping = client.next(server.next(ping.value).value)) pongs++;
  const wallMs = performance.now() - start;
  if (pongs !== messages / 2) throw new Error(`generator baseline lost messages: ${pongs}`);
  return wallMs;
}

const perSec = (count: number, wallMs: number): number => Math.round(count / (wallMs / 1000));

export const ipcBenchmark: Benchmark = {
  name: 'ipc',
  description: 'sendrec ping-pong: kernel messages per wall second, untraced and traced to a JSONL file, vs xstate v5 actor sends and bare generator ping-pong messages',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bench-'));
    try {
      // Warm up the JIT on both paths, as the other benchmarks do.
      pingPong(200_000, null);
      pingPong(200_000, join(dir, 'warmup.jsonl'));
      const plain = pingPong(MESSAGES, null);
      const traced = pingPong(MESSAGES / 2, join(dir, 'trace.jsonl'));
      xstatePingPong(100_000);
      const xstateMs = xstatePingPong(MESSAGES / 4);
      generatorPingPong(200_000);
      const generatorMs = generatorPingPong(MESSAGES);
      return {
        bench: 'ipc',
        msgsPerSec: perSec(plain.messages, plain.wallMs),
        tracedMsgsPerSec: perSec(traced.messages, traced.wallMs),
        xstateSendsPerSec: perSec(MESSAGES / 4, xstateMs),
        generatorMsgsPerSec: perSec(MESSAGES, generatorMs),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
