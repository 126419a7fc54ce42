/*
 * The JSONL sink encoding in its writer thread (attachJsonlSink's
 * encodeIn: 'writer'), the simulation's half: a TraceSink that writes each record as
 * fixed-layout binary words (kernel/trace-ring-format.ts) into a ring in
 * shared memory; the writer thread (kernel/trace-writer-thread.ts) encodes
 * the JSON lines and writes the file, on the other core (issue 20).
 *   new TraceRing(fd)   start the writer thread for an open descriptor
 *   message/sched/record   the TraceSink calls
 *   close()             hand over the last slot, wait until the file is written; throws if it failed
 * Bounded: SLOTS slots of slotWords words; when every slot is full the
 * kernel's thread waits for the writer (backpressure), and gives up with an
 * error if the writer makes no progress for WRITER_STALL_LIMIT waits.
 * The bytes are JsonlEncoder's (test/kernel/trace-ring.test.ts compares
 * them): what the ring does not lay out in words (other kinds, values that
 * are not numbers, booleans or short strings) JsonlEncoder encodes here, on
 * this thread, and the writer copies the JSON bytes.
 */
import { Worker } from 'node:worker_threads';
import { ByteWriter } from './byte-writer.js';
import { JsonlEncoder } from './jsonl-sink.js';
import type { Message } from './message.js';
import { summarizeValue, type MessageEv, type TracedPayload, type TraceRecord, type TraceSink } from './trace.js';
import {
  EV_SHIFT, FLAG_SHIFT, F_ASYNC, F_CAUSE, F_DONE, F_PREEMPTED, F_RE, F_WAIT, MSG_WORDS, OP_END, OP_FBOOL, OP_FKEY, OP_FNUM, OP_FSTR,
  OP_MSG, OP_POPEN, OP_RAW, OP_SCHED, OP_STR, RING_CTRL_CLOSING, RING_CTRL_CONSUMED, RING_CTRL_FAILED, RING_CTRL_PRODUCED,
  RING_CTRL_WORDS, SCHED_WORDS,
} from './trace-ring-format.js';
import { WRITER_THREAD_SOURCE } from './trace-writer-thread.js';

/** Slots in the ring (8 MiB in all by default). */
const SLOTS = 32;
/** 256 KiB a slot: the writer wakes once per slot, not per record. */
const DEFAULT_SLOT_WORDS = 1 << 15;
/** The writer thread's output buffer: one writeSync per this many bytes (at most). */
const OUT_BYTES = 1 << 20;
/** Strings sent as ids; past this many the sink encodes records here (raw JSON), so the table stays bounded. */
const STRING_LIMIT = 1 << 16;
/** Longest name or key sent as an id (its JSON literal may be 6x longer). */
const MAX_ID_CHARS = 160;
/** Payload string values shorter than this, while the table is half empty, go as ids. */
const MAX_VALUE_ID_CHARS = 32;
/** One-second waits with no progress from the writer before the sink gives up. */
const WRITER_STALL_LIMIT = 120;

const EV_INDEX: Readonly<Record<MessageEv, number>> = { send: 0, deliver: 1, reply: 2, notify: 3 };
const encoder = new TextEncoder();

export class TraceRing implements TraceSink {
  private readonly ctrl: Int32Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly slotWords: number;
  private readonly worker: Worker;
  private produced = 0;
  /** The current slot: its first word, the next free word, the word past its end. */
  private base = 0;
  private w = 0;
  private end: number;
  private readonly ids = new Map<string, number>();
  /** JSON made on this thread (OP_RAW): its drain copies each piece into the ring. */
  private readonly json: ByteWriter;
  /** The same encoder, for records that go as JSON here (other kinds; past the string limit). */
  private readonly fallback: JsonlEncoder;
  private closed = false;

  constructor(fd: number, slotWords = DEFAULT_SLOT_WORDS) {
    // The longest string literal (MAX_ID_CHARS characters, 6 bytes each escaped) fits in one slot.
    if (!Number.isInteger(slotWords) || slotWords < 256) throw new Error(`trace ring: slots of ${slotWords} words are too small`);
    this.slotWords = slotWords;
    const ctrl = new SharedArrayBuffer((RING_CTRL_WORDS + SLOTS) * 4);
    const data = new SharedArrayBuffer(SLOTS * slotWords * 8);
    this.ctrl = new Int32Array(ctrl);
    this.f64 = new Float64Array(data);
    this.i32 = new Int32Array(data);
    this.u8 = new Uint8Array(data);
    this.end = slotWords;
    // A raw piece fills at most one slot but its header word.
    this.json = new ByteWriter((slotWords - 1) * 8, (bytes) => this.raw(bytes));
    this.fallback = new JsonlEncoder(this.json);
    this.worker = new Worker(WRITER_THREAD_SOURCE, {
      eval: true, workerData: { fd, slotWords, slots: SLOTS, ctrl, data, outBytes: Math.max(OUT_BYTES, slotWords * 8 * 2) },
    });
    this.worker.unref();
  }

  /** Make room for `words` more words in the current slot (words <= slotWords), publishing it when full. */
  private reserve(words: number): void {
    if (this.w + words > this.end) this.publish();
  }

  /** Hand the current slot to the writer and take the next, waiting while every slot is full. */
  private publish(): void {
    if (this.w === this.base) return;
    const slot = this.produced % SLOTS;
    Atomics.store(this.ctrl, RING_CTRL_WORDS + slot, this.w - this.base);
    this.produced++;
    Atomics.store(this.ctrl, RING_CTRL_PRODUCED, this.produced);
    Atomics.notify(this.ctrl, RING_CTRL_PRODUCED);
    // When the ring is full, wait until half of it is free: each wait costs this thread its turn on a
    // busy machine, so it should be rare, not once per slot.
    if (this.produced - Atomics.load(this.ctrl, RING_CTRL_CONSUMED) >= SLOTS) {
      this.waitFor(RING_CTRL_CONSUMED, () => this.produced - Atomics.load(this.ctrl, RING_CTRL_CONSUMED) <= SLOTS / 2);
    }
    this.base = (this.produced % SLOTS) * this.slotWords;
    this.w = this.base;
    this.end = this.base + this.slotWords;
  }

  /**
   * Wait (bounded) until `ready`, sleeping on control word `index` (which the
   * writer notifies); give up after WRITER_STALL_LIMIT seconds without a slot consumed.
   */
  private waitFor(index: number, ready: () => boolean): void {
    let stalls = 0;
    let consumed = Atomics.load(this.ctrl, RING_CTRL_CONSUMED);
    while (!ready()) {
      if (Atomics.wait(this.ctrl, index, Atomics.load(this.ctrl, index), 1000) !== 'timed-out') continue;
      const now = Atomics.load(this.ctrl, RING_CTRL_CONSUMED);
      if (now !== consumed) { consumed = now; stalls = 0; } else if (++stalls >= WRITER_STALL_LIMIT) {
        throw new Error('the trace writer thread stopped responding');
      }
    }
  }

  /** JSON bytes made here, as OP_RAW pieces. */
  private raw(bytes: Uint8Array): void {
    const max = (this.slotWords - 1) * 8;
    for (let start = 0; start < bytes.length; start += max) {
      const n = Math.min(max, bytes.length - start);
      this.reserve(1 + ((n + 7) >>> 3));
      const w = this.w;
      this.i32[2 * w] = OP_RAW;
      this.i32[2 * w + 1] = n;
      this.u8.set(bytes.subarray(start, start + n), (w + 1) * 8);
      this.w = w + 1 + ((n + 7) >>> 3);
    }
  }

  /** The id of a string, sending its JSON literal on first use; -1 for a string too long to send as an id. */
  private id(s: string): number {
    const known = this.ids.get(s);
    if (known !== undefined) return known;
    if (s.length > MAX_ID_CHARS) return -1;
    const literal = encoder.encode(JSON.stringify(s));
    const n = literal.length;
    this.reserve(1 + ((n + 7) >>> 3));
    const w = this.w;
    this.i32[2 * w] = OP_STR;
    this.i32[2 * w + 1] = n;
    this.u8.set(literal, (w + 1) * 8);
    this.w = w + 1 + ((n + 7) >>> 3);
    const id = this.ids.size;
    this.ids.set(s, id);
    return id;
  }

  message(seq: number, t: number, ev: MessageEv, id: number, src: string, dst: string, type: string,
    cause: number, re: number, async: boolean, msg: TracedPayload, host: string | undefined): void {
    const srcId = this.ids.size < STRING_LIMIT ? this.id(src) : -1;
    const dstId = srcId < 0 ? -1 : this.id(dst);
    const typeId = dstId < 0 ? -1 : this.id(type);
    const hostId = host === undefined || typeId < 0 ? -1 : this.id(host);
    if (typeId < 0 || (host !== undefined && hostId < 0)) {
      this.fallback.message(seq, t, ev, id, src, dst, type, cause, re, async, msg, host);
      this.json.flush();
      return;
    }
    this.reserve(MSG_WORDS);
    const w = this.w;
    const i32 = this.i32;
    const f64 = this.f64;
    const flags = (cause !== 0 ? F_CAUSE : 0) | (re !== 0 ? F_RE : 0) | (async ? F_ASYNC : 0) | (msg === undefined ? F_DONE : 0);
    i32[2 * w] = OP_MSG | (EV_INDEX[ev] << EV_SHIFT) | (flags << FLAG_SHIFT);
    i32[2 * w + 1] = hostId;
    f64[w + 1] = seq;
    f64[w + 2] = t;
    f64[w + 3] = id;
    i32[2 * w + 8] = srcId;
    i32[2 * w + 9] = dstId;
    i32[2 * w + 10] = typeId;
    f64[w + 6] = cause;
    f64[w + 7] = re;
    this.w = w + MSG_WORDS;
    if (msg === undefined) return;
    if ('type' in msg) this.payload(msg);
    else {
      // A notify's bits (or another non-message payload): its JSON, as JsonlEncoder writes it.
      this.json.ascii(',"msg":');
      this.json.value(msg);
      this.json.flush();
    }
    this.reserve(1);
    i32[2 * this.w] = OP_END;
    this.w++;
  }

  /** The payload's fields as JsonlEncoder.payload writes them (summarizePayload's JSON), one op each. */
  private payload(msg: Message): void {
    const fields = msg as unknown as Record<string, unknown>;
    let opened = false;
    for (const key of Object.keys(fields)) {
      if (key === 'type' || key === 'source') continue;
      let v = fields[key];
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
        v = summarizeValue(v, 0);
        if (v === undefined) {
          // JsonlEncoder opens the payload on its first key, written or not.
          if (!opened) { this.reserve(1); this.i32[2 * this.w] = OP_POPEN; this.w++; opened = true; }
          continue;
        }
      }
      opened = true;
      this.field(key, v);
    }
  }

  /** One payload field: numbers, booleans and short strings as words, anything else as JSON made here. */
  private field(key: string, v: unknown): void {
    const i32 = this.i32;
    const keyId = this.id(key);
    if (keyId >= 0 && typeof v === 'number') {
      this.reserve(2);
      const w = this.w;
      i32[2 * w] = OP_FNUM;
      i32[2 * w + 1] = keyId;
      this.f64[w + 1] = v;
      this.w = w + 2;
      return;
    }
    if (keyId >= 0 && typeof v === 'boolean') {
      this.reserve(1);
      i32[2 * this.w] = OP_FBOOL | ((v ? 1 : 0) << 8);
      i32[2 * this.w + 1] = keyId;
      this.w++;
      return;
    }
    if (keyId >= 0 && typeof v === 'string' && v.length <= MAX_VALUE_ID_CHARS && this.ids.size < STRING_LIMIT / 2) {
      const valueId = this.id(v);
      this.reserve(2);
      const w = this.w;
      i32[2 * w] = OP_FSTR;
      i32[2 * w + 1] = keyId;
      i32[2 * w + 2] = valueId;
      this.w = w + 2;
      return;
    }
    // Key id -1 (a key too long for the table): the key's literal and colon come with the value.
    this.reserve(1);
    i32[2 * this.w] = OP_FKEY;
    i32[2 * this.w + 1] = keyId;
    this.w++;
    if (keyId < 0) { this.json.string(key); this.json.byte(58); }
    this.json.value(v);
    this.json.flush();
  }

  sched(seq: number, t: number, from: string | null, to: string | null, waitNs: number | undefined,
    preempted: boolean, host: string | undefined): void {
    const room = this.ids.size < STRING_LIMIT;
    const fromId = from === null || !room ? -1 : this.id(from);
    const toId = to === null || !room ? -1 : this.id(to);
    const hostId = host === undefined || !room ? -1 : this.id(host);
    if ((from !== null && fromId < 0) || (to !== null && toId < 0) || (host !== undefined && hostId < 0)) {
      this.fallback.sched(seq, t, from, to, waitNs, preempted, host);
      this.json.flush();
      return;
    }
    this.reserve(SCHED_WORDS);
    const w = this.w;
    const i32 = this.i32;
    const flags = (waitNs !== undefined ? F_WAIT : 0) | (preempted ? F_PREEMPTED : 0);
    i32[2 * w] = OP_SCHED | (flags << FLAG_SHIFT);
    i32[2 * w + 1] = hostId;
    this.f64[w + 1] = seq;
    this.f64[w + 2] = t;
    i32[2 * w + 6] = fromId;
    i32[2 * w + 7] = toId;
    this.f64[w + 4] = waitNs ?? 0;
    this.w = w + SCHED_WORDS;
  }

  record(rec: TraceRecord): void {
    this.fallback.record(rec);
    this.json.flush();
  }

  /** Hand over what is written and wait until the writer has written it all to the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.json.flush();
      this.publish();
      Atomics.store(this.ctrl, RING_CTRL_CLOSING, 1);
      Atomics.notify(this.ctrl, RING_CTRL_PRODUCED);
      this.waitFor(RING_CTRL_CLOSING, () => Atomics.load(this.ctrl, RING_CTRL_CLOSING) === 2);
    } finally {
      void this.worker.terminate();
    }
    const failed = Atomics.load(this.ctrl, RING_CTRL_FAILED);
    if (failed === 1) throw new Error('writing the trace file failed (disk full?)');
    if (failed === 2) throw new Error('the trace writer thread failed to encode a record');
  }
}
