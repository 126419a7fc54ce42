/*
 * Benchmark `net`: two hosts on one timeline joined by a link, beside the
 * one-host ipc ping-pong of the same run.
 *   netBenchmark   { streamBytes, streamVirtualMbps, streamWallMBps, streamKernelMsgsPerSec,
 *                    echoRoundTrips, echoVirtualRoundTripsPerSec, echoWallRoundTripsPerSec,
 *                    lossyStreamVirtualMbps, echoKernelMsgsPerSec, ipcMsgsPerSec }
 * Stream: a client sends streamBytes over TCP (1 Gbit/s, 100 us, no loss; then
 * 1% loss) and the server reads them all. Echo: 64-byte messages sent and
 * echoed back, one at a time. Virtual figures are what the simulated network
 * achieves; wall figures are what the simulator does per real second.
 */
import { parseBootScript } from '../cli/boot/parse.js';
import { buildSystem } from '../cli/boot/image.js';
import type { Kernel } from '../kernel/index.js';
import * as net from '../lib/syscalls/net.js';
import { userProgram, type UserProcess } from '../lib/user/process.js';
import { pingPong } from './ipc.js';
import type { Benchmark } from './registry.js';

const STREAM_BYTES = 4 * 1024 * 1024;
const ECHO_ROUND_TRIPS = 2_000;
const ECHO_BYTES = 64;
const PORT = 9000;

function script(loss: number): string {
  return [
    'host server addr=10.0.0.2',
    '    disk disk0 create=1M model=ramdisk',
    '    process srv uid=0',
    '        spawn sink',
    '        wait sink',
    'host client addr=10.0.0.1',
    '    disk disk0 create=1M model=ramdisk',
    '    process cli uid=1000',
    '        sleep 5ms',
    '        spawn source',
    '        wait source',
    `link client server latency=100us bandwidth=1Gbit loss=${loss}`,
  ].join('\n');
}

interface Run { wallMs: number; virtualNs: number; messages: number; startNs: number; endNs: number }

/** Boot the two hosts with `sink` and `source` programs; the source's time span is the measured part. */
function runPair(loss: number, sink: (proc: UserProcess, fd: number) => Generator<any, number, any>, source: (proc: UserProcess, fd: number) => Generator<any, number, any>): Run {
  const span = { startNs: 0, endNs: 0 };
  const programs = (k: Kernel): void => {
    k.programs.set('sink', userProgram(function* (proc: UserProcess) {
      const l = yield* net.socket(proc, 'stream');
      yield* net.bind(proc, l, PORT);
      yield* net.listen(proc, l);
      const c = yield* net.accept(proc, l);
      if (typeof c === 'number') throw new Error(`bench net: accept failed (${c})`);
      return yield* sink(proc, c.fd);
    }));
    k.programs.set('source', userProgram(function* (proc: UserProcess) {
      const s = yield* net.socket(proc, 'stream');
      const r = yield* net.connect(proc, s, 0x0a000002, PORT);
      if (r < 0) throw new Error(`bench net: connect failed (${r})`);
      span.startNs = proc.ctx.nowNs();
      const code = yield* source(proc, s);
      span.endNs = proc.ctx.nowNs();
      yield* proc.call('fs', { type: 'FS_CLOSE', fd: s });
      return code;
    }));
  };
  const system = buildSystem(parseBootScript(script(loss), 'bench-net.boot'), { seed: 1, scriptPath: 'bench-net.boot' }, programs);
  const start = performance.now();
  system.run();
  const wallMs = performance.now() - start;
  system.close();
  if (system.report.exits.some((e) => e.status !== 0)) throw new Error(`bench net: a process failed: ${system.report.output.join('; ')}`);
  return { wallMs, virtualNs: system.nowNs, messages: system.messagesTotal, ...span };
}

function streamRun(loss: number, bytes: number): Run {
  const chunk = 'x'.repeat(net.MAX_SOCK_IO_BYTES);
  return runPair(loss, function* (proc, fd) {
    let got = 0;
    // Bounded: every recv returns at least one byte or ends the stream.
    for (let i = 0; i <= bytes && got < bytes; i++) {
      const r = yield* net.recv(proc, fd, net.MAX_SOCK_IO_BYTES);
      if (typeof r === 'number' || r === '') break;
      got += r.length;
    }
    return got === bytes ? 0 : 1;
  }, function* (proc, fd) {
    for (let sent = 0; sent < bytes;) {
      const n = yield* net.sendAll(proc, fd, chunk.slice(0, Math.min(chunk.length, bytes - sent)));
      if (n <= 0) return 1;
      sent += n;
    }
    // The last byte has left when the peer has read it: wait for its close.
    const r = yield* net.recv(proc, fd, 1);
    return r === '' ? 0 : 1;
  });
}

function echoRun(roundTrips: number): Run {
  const msg = 'e'.repeat(ECHO_BYTES);
  return runPair(0, function* (proc, fd) {
    for (let i = 0; i < roundTrips; i++) {
      let got = '';
      for (let j = 0; j < ECHO_BYTES && got.length < ECHO_BYTES; j++) {
        const r = yield* net.recv(proc, fd, ECHO_BYTES - got.length);
        if (typeof r === 'number' || r === '') return 1;
        got += r;
      }
      if ((yield* net.sendAll(proc, fd, got)) !== ECHO_BYTES) return 1;
    }
    yield* proc.call('fs', { type: 'FS_CLOSE', fd });
    return 0;
  }, function* (proc, fd) {
    for (let i = 0; i < roundTrips; i++) {
      if ((yield* net.sendAll(proc, fd, msg)) !== ECHO_BYTES) return 1;
      let got = 0;
      for (let j = 0; j < ECHO_BYTES && got < ECHO_BYTES; j++) {
        const r = yield* net.recv(proc, fd, ECHO_BYTES - got);
        if (typeof r === 'number' || r === '') return 1;
        got += r.length;
      }
    }
    return 0;
  });
}

const perSec = (n: number, ms: number): number => Math.round(n / (ms / 1000));

export const netBenchmark: Benchmark = {
  name: 'net',
  description: 'two hosts over a 1 Gbit/s, 100 us link: TCP stream throughput (virtual Mbit/s, wall MB/s, kernel messages per wall second, also at 1% loss) and 64-byte echo round trips per virtual and wall second, beside the one-host ipc ping-pong',
  async run() {
    streamRun(0, 256 * 1024);
    const stream = streamRun(0, STREAM_BYTES);
    const lossy = streamRun(0.01, STREAM_BYTES / 4);
    echoRun(200);
    const echo = echoRun(ECHO_ROUND_TRIPS);
    pingPong(200_000, null);
    const ipc = pingPong(1_000_000, null);
    const spanS = (r: Run): number => (r.endNs - r.startNs) / 1e9;
    return {
      bench: 'net',
      streamBytes: STREAM_BYTES,
      streamVirtualMbps: Math.round((STREAM_BYTES * 8) / spanS(stream) / 1e6 * 10) / 10,
      streamWallMBps: Math.round(STREAM_BYTES / (stream.wallMs / 1000) / 1e6 * 100) / 100,
      streamKernelMsgsPerSec: perSec(stream.messages, stream.wallMs),
      lossyStreamVirtualMbps: Math.round((STREAM_BYTES / 4 * 8) / spanS(lossy) / 1e6 * 10) / 10,
      echoRoundTrips: ECHO_ROUND_TRIPS,
      echoVirtualRoundTripsPerSec: Math.round(ECHO_ROUND_TRIPS / spanS(echo)),
      echoWallRoundTripsPerSec: perSec(ECHO_ROUND_TRIPS, echo.wallMs),
      echoKernelMsgsPerSec: perSec(echo.messages, echo.wallMs),
      ipcMsgsPerSec: perSec(ipc.messages, ipc.wallMs),
    };
  },
};
