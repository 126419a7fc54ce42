// The trace ring alone (no kernel): N messages of bench ipc's ping-pong
// (sched, send or reply with a payload, deliver: three records a message)
// through kernel/trace-ring.ts to a file (default /dev/null), then the CPU
// of the simulation's thread and of the rest (the writer thread) per message.
//   node scripts/trace-ring-profile.mjs [messages] [path] [writer|kernel|none] [alone|pingpong]
// kernel: the in-thread encoder (JsonlEncoder) instead of the ring; none: untraced; pingpong:
// bench ipc's pingPong (the kernel routing the messages) instead of the ring alone.
// Run `npx tsc -p .` first (it imports dist/). For a profile of both threads:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/trace-ring-profile.mjs
import { closeSync, openSync, readFileSync } from 'node:fs';
import { TraceRing } from '../dist/kernel/trace-ring.js';
import { JsonlEncoder } from '../dist/kernel/jsonl-sink.js';
import { ByteWriter } from '../dist/kernel/byte-writer.js';
import { ChunkWriter } from '../dist/kernel/chunk-writer.js';
import { pingPong } from '../dist/bench/ipc.js';

const messages = Number(process.argv[2] ?? 1_000_000);
const path = process.argv[3] ?? '/dev/null';
const mode = process.argv[4] ?? 'writer';
const what = process.argv[5] ?? 'alone';

/** This thread's CPU ns (utime + stime of /proc/self/task/PID/stat). */
function mainThreadNs() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1e7;
}
const processNs = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };

function run(n) {
  if (what === 'pingpong') { pingPong(n, mode === 'none' ? null : path, mode); return; }
  const fd = openSync(path, 'w');
  let sink;
  let close;
  if (mode === 'writer') {
    const ring = new TraceRing(fd);
    sink = ring;
    close = () => ring.close();
  } else {
    const chunks = new ChunkWriter(fd, 1 << 18);
    const w = new ByteWriter(1 << 18, (b) => chunks.write(b));
    sink = new JsonlEncoder(w);
    close = () => { w.flush(); chunks.close(); };
  }
  let seq = 0;
  let t = 0;
  let id = 0;
  for (let i = 0; i < n / 2; i++) {
    t += 200;
    sink.sched(++seq, t, 'fs', 'client', 400, false, undefined);
    const ping = ++id;
    sink.message(++seq, t, 'send', ping, 'client', 'fs', 'PING', 0, 0, false, { type: 'PING', n: i }, undefined);
    sink.message(++seq, t, 'deliver', ping, 'client', 'fs', 'PING', 0, 0, false, undefined, undefined);
    t += 200;
    sink.sched(++seq, t, 'client', 'fs', 200, false, undefined);
    const pong = ++id;
    sink.message(++seq, t, 'reply', pong, 'fs', 'client', 'PONG', ping, ping, false, { type: 'PONG', n: i }, undefined);
    sink.message(++seq, t, 'deliver', pong, 'fs', 'client', 'PONG', ping, 0, false, undefined, undefined);
  }
  close();
  closeSync(fd);
}

run(Math.min(messages, 200_000));
const wall0 = performance.now();
const main0 = mainThreadNs();
const all0 = processNs();
run(messages);
const wallMs = performance.now() - wall0;
const mainNs = mainThreadNs() - main0;
const otherNs = processNs() - all0 - mainNs;
console.log(JSON.stringify({
  mode, what, messages, wallMs: Math.round(wallMs), msgsPerSec: Math.round(messages / (wallMs / 1000)),
  mainNsPerMsg: Math.round(mainNs / messages), otherNsPerMsg: Math.round(otherNs / messages),
}));
