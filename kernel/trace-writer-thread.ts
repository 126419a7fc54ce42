/*
 * The trace writer thread: reads the binary records of the shared ring
 * (kernel/trace-ring-format.ts), encodes each as the JSON line
 * kernel/jsonl-sink.ts's JsonlEncoder would write, and writes them to the
 * trace file, on the second core while the simulation runs.
 *   WRITER_THREAD_SOURCE   the thread's code (plain JavaScript, run with eval)
 * Plain JavaScript in a string, so it runs the same from the bundle, from
 * tsc's output and under the test runner. Numbers are written as
 * ByteWriter writes them (safe integers digit pairs, others String(n), the
 * same V8 on both threads), strings arrive as their JSON literals.
 */
import {
  EV_SHIFT, FLAG_SHIFT, F_ASYNC, F_CAUSE, F_DONE, F_PREEMPTED, F_RE, F_WAIT, MSG_WORDS, OP_END, OP_FBOOL, OP_FKEY, OP_FNUM, OP_FSTR,
  OP_MSG, OP_POPEN, OP_RAW, OP_SCHED, OP_STR, RING_CTRL_CLOSING, RING_CTRL_CONSUMED, RING_CTRL_FAILED, RING_CTRL_PRODUCED,
  RING_CTRL_WORDS, SCHED_WORDS,
} from './trace-ring-format.js';

export const WRITER_THREAD_SOURCE = `
'use strict';
// One block: the thread's state is its own (and no line of this text reads as module state).
{
  const { workerData } = require('node:worker_threads');
  const { writeSync } = require('node:fs');
  const { fd, slotWords, slots, ctrl, data, outBytes } = workerData;
  const c = new Int32Array(ctrl);
  const f64 = new Float64Array(data);
  const i32 = new Int32Array(data);
  const u8 = new Uint8Array(data);
  const enc = new TextEncoder();
  const lit = (s) => enc.encode(s);
  const K_SEQ = lit('{"seq":');
  const K_T = lit(',"t":');
  const K_EV = [lit(',"ev":"send","id":'), lit(',"ev":"deliver","id":'), lit(',"ev":"reply","id":'), lit(',"ev":"notify","id":')];
  const K_SRC = lit(',"src":');
  const K_DST = lit(',"dst":');
  const K_TYPE = lit(',"type":');
  const K_CAUSE = lit(',"cause":');
  const K_NULL = lit('null');
  const K_RE = lit(',"re":');
  const K_ASYNC_TRUE = lit(',"async":true');
  const K_MSG_OPEN = lit(',"msg":{');
  const K_SCHED = lit(',"ev":"sched","from":');
  const K_TO = lit(',"to":');
  const K_WAIT = lit(',"waitNs":');
  const K_PREEMPTED_TRUE = lit(',"preempted":true');
  const K_HOST = lit(',"host":');
  const K_END = lit('}\\n');
  const K_TRUE = lit('true');
  const K_FALSE = lit('false');
  const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));
  /** Room for one op's output but its raw bytes and string literals, which check their own. */
  const FIXED = 512;
  const strs = [];
  const out = new Uint8Array(outBytes);
  let pos = 0;
  /** The payload of the message being written: opened (,"msg":{ written), a field written (next needs a comma), host id. */
  let opened = false;
  let written = false;
  let host = -1;

  function flush() {
    if (pos === 0) return;
    if (Atomics.load(c, ${RING_CTRL_FAILED}) === 0) {
      try {
        for (let off = 0; off < pos; ) off += writeSync(fd, out, off, pos - off);
      } catch (e) {
        Atomics.store(c, ${RING_CTRL_FAILED}, 1);
      }
    }
    pos = 0;
  }
  function room(n) { if (pos + n > out.length) flush(); }
  function put(b) {
    const n = b.length;
    if (n > 24) { room(n); out.set(b, pos); pos += n; return; }
    for (let k = 0; k < n; k++) out[pos++] = b[k];
  }
  function ascii(s) { for (let k = 0; k < s.length; k++) out[pos++] = s.charCodeAt(k); }
  function smallInt(n, minDigits) {
    let digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5
      : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : 9;
    if (digits < minDigits) digits = minDigits;
    let end = pos + digits;
    pos = end;
    for (; digits >= 2; digits -= 2) {
      const q = (n / 100) | 0;
      const pair = (n - q * 100) << 1;
      out[--end] = DIGIT_PAIRS[pair + 1];
      out[--end] = DIGIT_PAIRS[pair];
      n = q;
    }
    if (digits === 1) out[--end] = 48 + n;
  }
  function int(n) {
    if (!Number.isSafeInteger(n)) { ascii(Number.isFinite(n) ? String(n) : 'null'); return; }
    if (n < 0) { out[pos++] = 45; n = -n; }
    if (n < 1000000000) { smallInt(n, 0); return; }
    const high = Math.floor(n / 1000000000);
    smallInt(high, 0);
    smallInt(n - high * 1000000000, 9);
  }
  function num(v) {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) int(v);
    else ascii(Number.isFinite(v) ? String(v) : 'null');
  }
  function str(id) {
    const b = strs[id];
    if (b === undefined) throw new Error('trace ring: string ' + id + ' undefined');
    put(b);
    room(FIXED);
  }
  /** A field's opening: the payload's if it is the first, else a comma; then the key (-1: the key comes as raw JSON). */
  function field(key) {
    if (!opened) { put(K_MSG_OPEN); opened = true; }
    if (written) out[pos++] = 44;
    written = true;
    if (key < 0) return;
    str(key);
    out[pos++] = 58;
  }
  function end() {
    if (opened) out[pos++] = 125;
    if (host >= 0) { put(K_HOST); str(host); }
    put(K_END);
  }

  /** Encode the ops of words [w, stop) of the ring. */
  function decode(w, stop) {
    while (w < stop) {
      room(FIXED);
      const head = i32[2 * w];
      const op = head & 255;
      const operand = i32[2 * w + 1];
      switch (op) {
        case ${OP_MSG}: {
          const flags = head >>> ${FLAG_SHIFT};
          put(K_SEQ); int(f64[w + 1]);
          put(K_T); int(f64[w + 2]);
          put(K_EV[(head >>> ${EV_SHIFT}) & 3]); int(f64[w + 3]);
          put(K_SRC); str(i32[2 * (w + 4)]);
          put(K_DST); str(i32[2 * (w + 4) + 1]);
          put(K_TYPE); str(i32[2 * (w + 5)]);
          put(K_CAUSE);
          if ((flags & ${F_CAUSE}) !== 0) int(f64[w + 6]); else put(K_NULL);
          if ((flags & ${F_RE}) !== 0) { put(K_RE); int(f64[w + 7]); }
          if ((flags & ${F_ASYNC}) !== 0) put(K_ASYNC_TRUE);
          opened = false;
          written = false;
          host = operand;
          if ((flags & ${F_DONE}) !== 0) end();
          w += ${MSG_WORDS};
          break;
        }
        case ${OP_FNUM}: field(operand); num(f64[w + 1]); w += 2; break;
        case ${OP_FSTR}: field(operand); str(i32[2 * (w + 1)]); w += 2; break;
        case ${OP_FBOOL}: field(operand); put(((head >>> 8) & 1) !== 0 ? K_TRUE : K_FALSE); w += 1; break;
        case ${OP_FKEY}: field(operand); w += 1; break;
        case ${OP_POPEN}: put(K_MSG_OPEN); opened = true; w += 1; break;
        case ${OP_END}: end(); w += 1; break;
        case ${OP_SCHED}: {
          const flags = head >>> ${FLAG_SHIFT};
          put(K_SEQ); int(f64[w + 1]);
          put(K_T); int(f64[w + 2]);
          put(K_SCHED);
          const from = i32[2 * (w + 3)];
          const to = i32[2 * (w + 3) + 1];
          if (from < 0) put(K_NULL); else str(from);
          put(K_TO);
          if (to < 0) put(K_NULL); else str(to);
          if ((flags & ${F_WAIT}) !== 0) { put(K_WAIT); num(f64[w + 4]); }
          if ((flags & ${F_PREEMPTED}) !== 0) put(K_PREEMPTED_TRUE);
          if (operand >= 0) { put(K_HOST); str(operand); }
          put(K_END);
          w += ${SCHED_WORDS};
          break;
        }
        case ${OP_RAW}: {
          const at = (w + 1) * 8;
          room(operand);
          out.set(u8.subarray(at, at + operand), pos);
          pos += operand;
          w += 1 + ((operand + 7) >>> 3);
          break;
        }
        case ${OP_STR}: {
          const at = (w + 1) * 8;
          strs.push(u8.slice(at, at + operand));
          w += 1 + ((operand + 7) >>> 3);
          break;
        }
        default:
          throw new Error('trace ring: unknown op ' + op + ' at word ' + w);
      }
    }
  }

  // A bug in the encoder must not hang the simulation: report it, and keep
  // consuming (discarding) so the producer never waits for a dead reader.
  for (;;) {
    const produced = Atomics.load(c, ${RING_CTRL_PRODUCED});
    const consumed = Atomics.load(c, ${RING_CTRL_CONSUMED});
    if (consumed === produced) {
      // Caught up: hand what is encoded to the file now, so a killed run loses little.
      flush();
      if (Atomics.load(c, ${RING_CTRL_CLOSING}) === 1) break;
      Atomics.wait(c, ${RING_CTRL_PRODUCED}, produced, 1000);
      continue;
    }
    const slot = consumed % slots;
    if (Atomics.load(c, ${RING_CTRL_FAILED}) !== 2) {
      try {
        decode(slot * slotWords, slot * slotWords + Atomics.load(c, ${RING_CTRL_WORDS} + slot));
      } catch (e) {
        Atomics.store(c, ${RING_CTRL_FAILED}, 2);
        pos = 0;
      }
    }
    Atomics.store(c, ${RING_CTRL_CONSUMED}, consumed + 1);
    Atomics.notify(c, ${RING_CTRL_CONSUMED});
  }
  Atomics.store(c, ${RING_CTRL_CLOSING}, 2);
  Atomics.notify(c, ${RING_CTRL_CLOSING});
}
`;
