/*
 * The trace writer thread: reads the records of the shared ring
 * (kernel/trace-ring-format.ts), writes each as the JSON line
 * kernel/jsonl-sink.ts's JsonlEncoder would write, and writes them to the
 * trace file, on the second core while the simulation runs.
 *   WRITER_THREAD_SOURCE   the thread's code (plain JavaScript, run with eval)
 * Each record shape is compiled once into a function that stores the
 * shape's constant bytes as constants (four at a time) and writes only the
 * numbers: a copy of short pieces (Uint8Array.set, or a loop) costs several
 * times more. Plain JavaScript in a string, so it runs the same from the
 * bundle, from tsc's output and under the test runner. Numbers are written
 * as ByteWriter writes them (safe integers by digit pairs, others
 * String(n), the same V8 on both threads); strings arrive as JSON literals.
 */
import {
  LEN_SHIFT, OP_RAW, OP_REC, OP_SHAPE, OP_STR, RING_CTRL_CLOSING, RING_CTRL_CONSUMED, RING_CTRL_FAILED, RING_CTRL_PRODUCED,
  RING_CTRL_WORDS, S_ID, S_INT, S_JSON, S_NUM, S_SEQ, S_STR, S_T,
} from './trace-ring-format.js';

export const WRITER_THREAD_SOURCE = `
'use strict';
// One block: the thread's state is its own (and no line of this text reads as module state).
{
  const { workerData } = require('node:worker_threads');
  const { writeSync } = require('node:fs');
  const { fd, slotWords, slots, ctrl, data, outBytes, idlePauseMs } = workerData;
  const pauseWord = new Int32Array(new SharedArrayBuffer(4));
  const c = new Int32Array(ctrl);
  const f64 = new Float64Array(data);
  const i32 = new Int32Array(data);
  const u8 = new Uint8Array(data);
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));
  /** Bytes a number slot may write: String(n) of a double is at most 24 characters. */
  const NUM_BYTES = 32;
  /** Constant pieces longer than this are copied (Uint8Array.set), not stored: a shape's code stays small. */
  const MAX_STORED = 96;
  const strs = [];
  /** The compiled shapes, and the most bytes each writes but its strings and JSON. */
  const shapes = [];
  const fixed = [];
  const out = new Uint8Array(outBytes);
  const dv = new DataView(out.buffer);
  /** Bytes of out not yet written to the file. Writers take and return a position p. */
  let pos = 0;

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
  function room(p, n) {
    if (p + n <= out.length) return p;
    if (n > out.length) throw new Error('trace ring: a record of ' + n + ' bytes');
    return flush(p);
  }
  function ascii(p, s) {
    const o = out;
    for (let k = 0; k < s.length; k++) o[p++] = s.charCodeAt(k);
    return p;
  }
  /** n (an integer, 0 <= n < 1e9) in decimal, zero-padded to minDigits: int32 arithmetic, two digits a step. */
  function smallInt(p, n, minDigits) {
    let m = n | 0;
    let digits = m < 10 ? 1 : m < 100 ? 2 : m < 1000 ? 3 : m < 10000 ? 4 : m < 100000 ? 5
      : m < 1000000 ? 6 : m < 10000000 ? 7 : m < 100000000 ? 8 : 9;
    if (digits < minDigits) digits = minDigits;
    const o = out;
    const stop = p + digits;
    let e = stop;
    for (; digits >= 2; digits -= 2) {
      const q = (m / 100) | 0;
      const pair = (m - q * 100) << 1;
      o[--e] = DIGIT_PAIRS[pair + 1];
      o[--e] = DIGIT_PAIRS[pair];
      m = q;
    }
    if (digits === 1) o[--e] = 48 + m;
    return stop;
  }
  function int(p, n) {
    // The usual case (an int32 integer of at most nine digits) first.
    const m = n | 0;
    if (m === n && m >= 0 && m < 1000000000) return smallInt(p, m, 0);
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
  /** A string's literal, with room for it and for the rest of the record (at most rest bytes). */
  function str(p, id, rest) {
    const b = strs[id];
    if (b === undefined) throw new Error('trace ring: string ' + id + ' undefined');
    p = room(p, b.length + rest);
    out.set(b, p);
    return p + b.length;
  }
  /** n bytes of JSON from ring byte at, with room for the rest of the record. */
  function raw(p, at, n, rest) {
    p = room(p, n + rest);
    out.set(u8.subarray(at, at + n), p);
    return p + n;
  }

  /** JavaScript that stores the bytes b at p (four at a time) and advances p; long pieces are copied from pieces[]. */
  function storeCode(b, pieces) {
    if (b.length === 0) return '';
    if (b.length > MAX_STORED) { pieces.push(b); return 'o.set(C[' + (pieces.length - 1) + '], p); p += ' + b.length + ';\\n'; }
    let code = '';
    let k = 0;
    for (; k + 4 <= b.length; k += 4) code += 'dv.setUint32(p + ' + k + ', ' + ((b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24)) >>> 0) + ', true); ';
    for (; k < b.length; k++) code += 'o[p + ' + k + '] = ' + b[k] + '; ';
    return code + 'p += ' + b.length + ';\\n';
  }
  /** Compile a shape (OP_SHAPE's description) into a function (p, w) that writes a record of it at p and returns the end. */
  function compile(id, desc) {
    const { segs, slots: kinds } = JSON.parse(desc);
    if (segs.length !== kinds.length + 1) throw new Error('trace ring: shape ' + id + ' malformed');
    const bytes = segs.map((s) => enc.encode(s));
    let most = NUM_BYTES * kinds.length;
    for (const b of bytes) most += b.length;
    const pieces = [];
    let code = 'return function shape(p, w) {\\nlet k = w + 1;\\n' + storeCode(bytes[0], pieces);
    kinds.forEach((kind, i) => {
      switch (kind) {
        case ${S_SEQ}: case ${S_T}: case ${S_ID}: case ${S_INT}: code += 'p = int(p, f64[k++]);\\n'; break;
        case ${S_NUM}: code += 'p = num(p, f64[k++]);\\n'; break;
        case ${S_STR}: code += 'p = str(p, i32[2 * k++], ' + most + ');\\n'; break;
        case ${S_JSON}: code += '{ const n = i32[2 * k]; p = raw(p, (k + 1) * 8, n, ' + most + '); k += 1 + ((n + 7) >>> 3); }\\n'; break;
        default: throw new Error('trace ring: shape ' + id + ': slot kind ' + kind);
      }
      code += storeCode(bytes[i + 1], pieces);
    });
    code += 'return p;\\n}';
    const make = new Function('o', 'dv', 'f64', 'i32', 'C', 'int', 'num', 'str', 'raw', code);
    shapes[id] = make(out, dv, f64, i32, pieces, int, num, str, raw);
    fixed[id] = most;
  }

  /** Write the records of words [w, stop) of the ring. */
  function decode(w, stop) {
    let p = pos;
    while (w < stop) {
      const head = i32[2 * w];
      const operand = i32[2 * w + 1];
      if ((head & 255) === ${OP_REC}) {
        const shape = shapes[operand];
        if (shape === undefined) { pos = p; throw new Error('trace ring: shape ' + operand + ' undefined'); }
        p = shape(room(p, fixed[operand]), w);
        w += head >>> ${LEN_SHIFT};
        continue;
      }
      switch (head & 255) {
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
        case ${OP_SHAPE}: {
          const n = i32[2 * w + 2];
          const at = (w + 2) * 8;
          compile(operand, dec.decode(u8.slice(at, at + n)));
          w += 2 + ((n + 7) >>> 3);
          break;
        }
        default:
          pos = p;
          throw new Error('trace ring: unknown op ' + (head & 255) + ' at word ' + w);
      }
    }
    pos = p;
  }

  // A bug in the encoder must not hang the simulation: report it, and keep
  // consuming (discarding) so the producer never waits for a dead reader.
  for (;;) {
    // CLOSING is read before PRODUCED: the producer publishes its last slot
    // before it sets CLOSING, so a close seen here comes with every slot.
    // Read after, a slot and the close could both arrive between the two
    // loads, and the last slot would be dropped (an empty trace, exit 0).
    const closing = Atomics.load(c, ${RING_CTRL_CLOSING}) === 1;
    if (idlePauseMs > 0) Atomics.wait(pauseWord, 0, 0, idlePauseMs);
    const produced = Atomics.load(c, ${RING_CTRL_PRODUCED});
    const consumed = Atomics.load(c, ${RING_CTRL_CONSUMED});
    if (consumed === produced) {
      // Caught up: hand what is encoded to the file now, so a killed run loses little.
      pos = flush(pos);
      if (closing) break;
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
