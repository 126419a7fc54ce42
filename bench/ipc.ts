/*
 * Benchmark `ipc`: messages routed per wall second in a sendrec ping-pong
 * between two actors, untraced and traced to a JSONL file, beside the same
 * count of events between two xstate v5 actors (the naive design) and two
 * bare generators passing messages (the ceiling of the generator model);
 * what the message copy costs (kernel/copy.ts); and safe copies through a
 * grant beside a plain memcpy; a boot script's system call (scriptCallNs)
 * beside the raw kernel round trip it rides on (rawRoundTripNs).
 *   ipcBenchmark   { msgsPerSec, tracedMsgsPerSec, tracedInThreadMsgsPerSec, xstateSendsPerSec, generatorMsgsPerSec,
 *                    rawRoundTripNs, scriptCallNs, scriptCallRatio,
 *                    copyNsPerMsg, nestedCopyNsPerMsg, copyShare,
 *                    safecopiesPerSec, safecopyMBps, memcpyMBps, grantRevokesPerSec }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { attachJsonlSink } from '../kernel/jsonl-sink.js';
import {
  ANY, CPF_READ, Kernel, kernelCall, receive, send, sendrec, systemPrivileges, userPrivileges, type Envelope,
} from '../kernel/index.js';
import { CopyPlans } from '../kernel/copy.js';
import { parseBootScript } from '../cli/boot/parse.js';
import { buildSystem } from '../cli/boot/image.js';
import type { Benchmark } from './registry.js';

const MESSAGES = 2_000_000;
/** System calls a script makes for scriptCallNs. */
const SCRIPT_CALLS = 300_000;

/** One client sendrec-ing a server; returns the messages routed and the wall ms it took. */
export function pingPong(messages: number, tracePath: string | null, encodeIn: 'kernel' | 'writer' = 'writer'): { messages: number; wallMs: number } {
  const kernel = new Kernel({ seed: 1 });
  const sink = tracePath === null ? null : attachJsonlSink(kernel.trace, tracePath, { encodeIn });
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

/**
 * A boot script whose init makes `calls` system calls with one command,
 * `repeat N lseek f 0` (FS_LSEEK: a system call whose server work is a few
 * field reads), through the whole system as `mksim boot` builds it: the
 * command interpreter, lib/syscalls, the user runtime, the FS's call table.
 */
export function scriptCallScript(calls: number): string {
  return [
    'disk disk0 create=1M block-size=1024 model=ramdisk',
    'fs root=disk0 cache=64',
    'process init uid=0',
    '    open f /f O_RDWR|O_CREAT',
    `    repeat ${calls} lseek f 0`,
    '    close f',
    '',
  ].join('\n');
}

/** Wall ms of booting and running scriptCallScript(calls); throws unless init exited 0. */
export function scriptCallRun(calls: number): number {
  const script = parseBootScript(scriptCallScript(calls), 'bench-syscall.boot');
  const start = performance.now();
  const system = buildSystem(script, { seed: 1, scriptPath: 'bench-syscall.boot' });
  system.kernel.run();
  const wallMs = performance.now() - start;
  system.close();
  const init = system.report.exits.find((e) => e.name === 'init');
  if (init === undefined || init.status !== 0) throw new Error(`syscall bench: init did not exit 0: ${system.report.output.join(' | ')}`);
  return wallMs;
}

/**
 * Wall ns of one script system call: the difference of two runs that differ
 * only in the repeat count, so the boot and the shutdown cancel out.
 */
export function scriptCallNs(calls: number): number {
  const few = scriptCallRun(calls / 10);
  const many = scriptCallRun(calls + calls / 10);
  return Math.max(0, ((many - few) * 1e6) / calls);
}

const perSec = (count: number, wallMs: number): number => Math.round(count / (wallMs / 1000));

/**
 * Wall ns per message copy as the kernel makes it (a CopyPlans copier, kernel/copy.ts)
 * of messages made by `make`, less the cost of making them.
 */
function copyNs(count: number, make: (i: number) => Record<string, unknown> & { type: string }): number {
  const plans = new CopyPlans();
  let sink = 0;
  let start = performance.now();
  for (let i = 0; i < count; i++) sink += plans.copy(make(i)) === null ? 1 : 0;
  const copyMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < count; i++) sink += make(i).type.length === 0 ? 1 : 0;
  const makeMs = performance.now() - start;
  if (sink !== 0) throw new Error('copy bench: a message was refused');
  return Math.max(0, ((copyMs - makeMs) * 1e6) / count);
}

const FLAT = (i: number) => ({ type: 'PING', n: i });
/** An FS_REPLY with a stat: the nested shape replies commonly have. */
const NESTED = (i: number) => ({
  type: 'FS_REPLY', status: 0,
  stat: { ino: i, mode: 0o100644, nlinks: 1, uid: 0, gid: 0, size: i, atime: 0, mtime: 0, ctime: 0, zones: 1 },
});

export const SAFECOPY_BYTES = 4096;

/**
 * A client grants one 4 KiB buffer to a server (named fs: a user may sendrec it)
 * and asks it to copy `copies` times out of it: the safe-copy kernel call
 * path (verify_grant and the copy). Then the client makes and revokes grants.
 */
export function safecopyRun(copies: number): { copyMs: number; grantMs: number } {
  const kernel = new Kernel({ seed: 1 });
  let copyMs = 0;
  let grantMs = 0;
  kernel.spawn({
    name: 'fs', priority: 4, privileges: systemPrivileges(),
    program: function* () {
      const m: Envelope & { grant: number } = yield receive(ANY);
      const into = new Uint8Array(SAFECOPY_BYTES);
      const args = { owner: m.source, grant: m.grant, offset: 0, buffer: into, bytes: SAFECOPY_BYTES };
      const start = performance.now();
      for (let i = 0; i < copies; i++) {
        if ((yield kernelCall('sys_safecopyfrom', args)) !== 0) throw new Error('safecopy bench: copy failed');
      }
      copyMs = performance.now() - start;
      yield send(m.source, { type: 'DONE' });
    },
  });
  const server = kernel.procByName('fs')!.endpoint;
  kernel.spawn({
    name: 'client', priority: 7, privileges: userPrivileges(),
    program: function* () {
      const buffer = new Uint8Array(SAFECOPY_BYTES).fill(1);
      const grant = (yield kernelCall('cpf_grant_direct', { grantee: server, buffer, access: CPF_READ })) as number;
      yield sendrec(server, { type: 'COPY', grant });
      yield kernelCall('cpf_revoke', { grant });
      const start = performance.now();
      for (let i = 0; i < copies; i++) {
        const g = (yield kernelCall('cpf_grant_direct', { grantee: server, buffer, access: CPF_READ })) as number;
        yield kernelCall('cpf_revoke', { grant: g });
      }
      grantMs = performance.now() - start;
    },
  });
  kernel.run();
  return { copyMs, grantMs };
}

function memcpyMs(copies: number): number {
  const from = new Uint8Array(SAFECOPY_BYTES).fill(1);
  const into = new Uint8Array(SAFECOPY_BYTES);
  const start = performance.now();
  for (let i = 0; i < copies; i++) { from[0] = i; into.set(from); }
  const ms = performance.now() - start;
  if (into[0] !== (copies - 1) % 256) throw new Error('memcpy bench: no copy');
  return ms;
}

const mbps = (bytes: number, ms: number): number => Math.round((bytes / (1 << 20)) / (ms / 1000));

export const ipcBenchmark: Benchmark = {
  name: 'ipc',
  description: 'sendrec ping-pong: kernel messages per wall second, untraced and traced to a JSONL file (the default: written by the writer thread from record shapes and numbers on a shared ring; and encoded on the simulation thread), vs xstate v5 actor sends and bare generator ping-pong messages; the message copy per message; a boot script system call (repeat N lseek) vs the raw sendrec round trip; 4 KiB safe copies through a grant vs memcpy, grant+revoke pairs',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bench-'));
    try {
      // Warm up the JIT on both paths, as the other benchmarks do.
      pingPong(200_000, null);
      pingPong(200_000, join(dir, 'warmup.jsonl'));
      pingPong(200_000, join(dir, 'warmup-in-thread.jsonl'), 'kernel');
      const plain = pingPong(MESSAGES, null);
      const traced = pingPong(MESSAGES / 2, join(dir, 'trace.jsonl'));
      const tracedInThread = pingPong(MESSAGES / 2, join(dir, 'trace-in-thread.jsonl'), 'kernel');
      xstatePingPong(100_000);
      const xstateMs = xstatePingPong(MESSAGES / 4);
      generatorPingPong(200_000);
      const generatorMs = generatorPingPong(MESSAGES);
      copyNs(200_000, FLAT);
      copyNs(200_000, NESTED);
      const copyNsPerMsg = copyNs(MESSAGES, FLAT);
      const nestedCopyNsPerMsg = copyNs(MESSAGES / 4, NESTED);
      const msgsPerSec = perSec(plain.messages, plain.wallMs);
      // The script system call beside the raw round trip (two messages), measured back to back.
      scriptCallNs(100_000);
      const rawRoundTrip = pingPong(SCRIPT_CALLS * 2, null);
      const scriptNs = scriptCallNs(SCRIPT_CALLS);
      const rawRoundTripNs = (rawRoundTrip.wallMs * 1e6) / (rawRoundTrip.messages / 2);
      safecopyRun(50_000);
      memcpyMs(50_000);
      const copies = 500_000;
      const sc = safecopyRun(copies);
      const memMs = memcpyMs(copies);
      return {
        bench: 'ipc',
        msgsPerSec,
        tracedMsgsPerSec: perSec(traced.messages, traced.wallMs),
        tracedInThreadMsgsPerSec: perSec(tracedInThread.messages, tracedInThread.wallMs),
        xstateSendsPerSec: perSec(MESSAGES / 4, xstateMs),
        generatorMsgsPerSec: perSec(MESSAGES, generatorMs),
        rawRoundTripNs: Math.round(rawRoundTripNs),
        scriptCallNs: Math.round(scriptNs),
        scriptCallRatio: Math.round((scriptNs / rawRoundTripNs) * 100) / 100,
        copyNsPerMsg: Math.round(copyNsPerMsg * 10) / 10,
        nestedCopyNsPerMsg: Math.round(nestedCopyNsPerMsg * 10) / 10,
        // The part of the untraced ping-pong's wall time spent copying messages.
        copyShare: Math.round(copyNsPerMsg * msgsPerSec / 1e9 * 1000) / 1000,
        safecopiesPerSec: perSec(copies, sc.copyMs),
        safecopyMBps: mbps(copies * SAFECOPY_BYTES, sc.copyMs),
        memcpyMBps: mbps(copies * SAFECOPY_BYTES, memMs),
        grantRevokesPerSec: perSec(copies, sc.grantMs),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
