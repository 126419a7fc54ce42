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
  const K_COLON = lit(':');
  const K_COMMA = lit(',');
  const K_FALSE = lit('false');
  const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));
  /** Room for one op's output but its raw bytes and string literals, which check their own. */
  const FIXED = 512;
  const strs = [];
  /** Pre-joined pieces, bounded: a trace repeats few routes, keys and (from, to) pairs. */
  const MAX_CACHED = 1 << 14;
  const routes = new Map();
  const schedPairs = new Map();
  const fieldFirst = [];
  const fieldNext = [];
  const join = (parts) => {
    let n = 0;
    for (const p of parts) n += p.length;
    const b = new Uint8Array(n);
    n = 0;
    for (const p of parts) { b.set(p, n); n += p.length; }
    return b;
  };
  const literal = (id) => {
    const b = strs[id];
    if (b === undefined) throw new Error('trace ring: string ' + id + ' undefined');
    return b;
  };
  /** ,"src":S,"dst":D,"type":T,"cause": for one route. */
  function route(src, dst, type) {
    const key = src < 65536 && dst < 65536 && type < 65536 ? (src * 65536 + dst) * 65536 + type : -1;
    let b = key < 0 ? undefined : routes.get(key);
    if (b === undefined) {
      b = join([K_SRC, literal(src), K_DST, literal(dst), K_TYPE, literal(type), K_CAUSE]);
      if (key >= 0 && routes.size < MAX_CACHED) routes.set(key, b);
    }
    return b;
  }
  /** ,"ev":"sched","from":F,"to":T for one pair (-1: null). */
  function schedPair(from, to) {
    const key = from < 65535 && to < 65535 ? (from + 1) * 65536 + (to + 1) : -1;
    let b = key < 0 ? undefined : schedPairs.get(key);
    if (b === undefined) {
      b = join([K_SCHED, from < 0 ? K_NULL : literal(from), K_TO, to < 0 ? K_NULL : literal(to)]);
      if (key >= 0 && schedPairs.size < MAX_CACHED) schedPairs.set(key, b);
    }
    return b;
  }
  const out = new Uint8Array(outBytes);
  /** Bytes of out not yet written to the file. Encoders take and return a position p (a local, not this closure variable: fast). */
  let pos = 0;
  /** The payload of the message being written: opened (,"msg":{ written), a field written (next needs a comma), host id. */
  let opened = false;
  let written = false;
  let host = -1;

  function flush(p) {
    if (p === 0) return 0;
    if (Atomics.load(c, ${RING_CTRL_FAILED}) === 0) {
      try {
        for (let off = 0; off < p; ) off += writeSync(fd, out, off, p - off);
      } catch (e) {
        Atomics.store(c, ${RING_CTRL_FAILED}, 1);
      }
    }
    return 0;
  }
  /** Room for n more bytes: returns p, or 0 after writing out what was there. */
  function room(p, n) { return p + n > out.length ? flush(p) : p; }
  function put(p, b) {
    const n = b.length;
    if (n > 64) { p = room(p, n); out.set(b, p); return p + n; }
    const o = out;
    for (let k = 0; k < n; k++) o[p++] = b[k];
    return p;
  }
  function ascii(p, s) {
    const o = out;
    for (let k = 0; k < s.length; k++) o[p++] = s.charCodeAt(k);
    return p;
  }
  function smallInt(p, n, minDigits) {
    let digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5
      : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : 9;
    if (digits < minDigits) digits = minDigits;
    const o = out;
    const stop = p + digits;
    let e = stop;
    for (; digits >= 2; digits -= 2) {
      const q = (n / 100) | 0;
      const pair = (n - q * 100) << 1;
      o[--e] = DIGIT_PAIRS[pair + 1];
      o[--e] = DIGIT_PAIRS[pair];
      n = q;
    }
    if (digits === 1) o[--e] = 48 + n;
    return stop;
  }
  function int(p, n) {
    if (!Number.isSafeInteger(n)) return ascii(p, Number.isFinite(n) ? String(n) : 'null');
    if (n < 0) { out[p++] = 45; n = -n; }
    if (n < 1000000000) return smallInt(p, n, 0);
    const high = Math.floor(n / 1000000000);
    p = smallInt(p, high, 0);
    return smallInt(p, n - high * 1000000000, 9);
  }
  function num(p, v) {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) return int(p, v);
    return ascii(p, Number.isFinite(v) ? String(v) : 'null');
  }
  /**
   * The last value written of a record field that repeats (t: records at one
   * instant; id: a message's send and deliver) or counts up (seq): its digits
   * are copied, or incremented in place, instead of divided out again.
   */
  const last = () => ({ n: -1, len: 0, digits: new Uint8Array(24) });
  const lastSeq = last();
  const lastT = last();
  const lastId = last();
  function remember(cache, n, from, to) {
    cache.n = n;
    cache.len = to - from;
    cache.digits.set(out.subarray(from, to));
    return to;
  }
  function copyDigits(p, cache) {
    const o = out;
    const d = cache.digits;
    for (let k = 0; k < cache.len; k++) o[p++] = d[k];
    return p;
  }
  /** A non-negative safe integer n, from the cache when it is the last one written. */
  function cachedInt(p, n, cache) {
    if (n === cache.n) return copyDigits(p, cache);
    if (!(n >= 0 && n <= 999999999999999)) return int(p, n);
    return remember(cache, n, p, int(p, n));
  }
  /** seq: the last one plus one (the usual case) by incrementing its digits. */
  function seqInt(p, n) {
    const cache = lastSeq;
    if (n === cache.n + 1 && cache.n >= 0) {
      const d = cache.digits;
      let k = cache.len - 1;
      while (k >= 0 && d[k] === 57) { d[k] = 48; k--; }
      if (k >= 0) {
        d[k]++;
        cache.n = n;
        return copyDigits(p, cache);
      }
    }
    return cachedInt(p, n, cache);
  }
  /** A string's literal (long ones check their own room), then room for the rest of the op. */
  function str(p, id) {
    return room(put(p, literal(id)), FIXED);
  }
  /** A field's opening: the payload's if it is the first, else a comma; then the key (-1: the key comes as raw JSON). */
  function field(p, key) {
    if (key < 0) {
      if (!opened) { p = put(p, K_MSG_OPEN); opened = true; }
      if (written) out[p++] = 44;
      written = true;
      return p;
    }
    let b;
    if (!opened) {
      // ,"msg":{"key":
      b = fieldFirst[key];
      if (b === undefined) b = fieldFirst[key] = join([K_MSG_OPEN, literal(key), K_COLON]);
      opened = true;
    } else if (written) {
      // ,"key":
      b = fieldNext[key];
      if (b === undefined) b = fieldNext[key] = join([K_COMMA, literal(key), K_COLON]);
    } else {
      b = join([literal(key), K_COLON]);
    }
    written = true;
    return room(put(p, b), FIXED);
  }
  function end(p) {
    if (opened) out[p++] = 125;
    if (host >= 0) p = str(put(p, K_HOST), host);
    return put(p, K_END);
  }

  /** Encode the ops of words [w, stop) of the ring. */
  function decode(w, stop) {
    let p = pos;
    while (w < stop) {
      p = room(p, FIXED);
      const head = i32[2 * w];
      const op = head & 255;
      const operand = i32[2 * w + 1];
      switch (op) {
        case ${OP_MSG}: {
          const flags = head >>> ${FLAG_SHIFT};
          p = seqInt(put(p, K_SEQ), f64[w + 1]);
          p = cachedInt(put(p, K_T), f64[w + 2], lastT);
          p = cachedInt(put(p, K_EV[(head >>> ${EV_SHIFT}) & 3]), f64[w + 3], lastId);
          p = room(put(p, route(i32[2 * (w + 4)], i32[2 * (w + 4) + 1], i32[2 * (w + 5)])), FIXED);
          p = (flags & ${F_CAUSE}) !== 0 ? int(p, f64[w + 6]) : put(p, K_NULL);
          if ((flags & ${F_RE}) !== 0) p = int(put(p, K_RE), f64[w + 7]);
          if ((flags & ${F_ASYNC}) !== 0) p = put(p, K_ASYNC_TRUE);
          opened = false;
          written = false;
          host = operand;
          if ((flags & ${F_DONE}) !== 0) p = end(p);
          w += ${MSG_WORDS};
          break;
        }
        case ${OP_FNUM}: p = num(field(p, operand), f64[w + 1]); w += 2; break;
        case ${OP_FSTR}: p = str(field(p, operand), i32[2 * (w + 1)]); w += 2; break;
        case ${OP_FBOOL}: p = put(field(p, operand), ((head >>> 8) & 1) !== 0 ? K_TRUE : K_FALSE); w += 1; break;
        case ${OP_FKEY}: p = field(p, operand); w += 1; break;
        case ${OP_POPEN}: p = put(p, K_MSG_OPEN); opened = true; w += 1; break;
        case ${OP_END}: p = end(p); w += 1; break;
        case ${OP_SCHED}: {
          const flags = head >>> ${FLAG_SHIFT};
          p = seqInt(put(p, K_SEQ), f64[w + 1]);
          p = cachedInt(put(p, K_T), f64[w + 2], lastT);
          p = room(put(p, schedPair(i32[2 * (w + 3)], i32[2 * (w + 3) + 1])), FIXED);
          if ((flags & ${F_WAIT}) !== 0) p = num(put(p, K_WAIT), f64[w + 4]);
          if ((flags & ${F_PREEMPTED}) !== 0) p = put(p, K_PREEMPTED_TRUE);
          if (operand >= 0) p = str(put(p, K_HOST), operand);
          p = put(p, K_END);
          w += ${SCHED_WORDS};
          break;
        }
        case ${OP_RAW}: {
          const at = (w + 1) * 8;
          p = room(p, operand);
          out.set(u8.subarray(at, at + operand), p);
          p += operand;
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
          pos = p;
          throw new Error('trace ring: unknown op ' + op + ' at word ' + w);
      }
    }
    pos = p;
  }

  // A bug in the encoder must not hang the simulation: report it, and keep
  // consuming (discarding) so the producer never waits for a dead reader.
  for (;;) {
    const produced = Atomics.load(c, ${RING_CTRL_PRODUCED});
    const consumed = Atomics.load(c, ${RING_CTRL_CONSUMED});
    if (consumed === produced) {
      // Caught up: hand what is encoded to the file now, so a killed run loses little.
      pos = flush(pos);
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
