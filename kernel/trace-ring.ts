/*
 * The JSONL sink encoding in its writer thread (attachJsonlSink's default,
 * encodeIn: 'writer'), the simulation's half: a TraceSink that writes each
 * record into a ring in shared memory as its shape's id and its numbers
 * (kernel/trace-ring-format.ts); the writer thread
 * (kernel/trace-writer-thread.ts) writes the JSON lines to the file, on the
 * other core (issue 20).
 *   new TraceRing(fd)   start the writer thread for an open descriptor
 *   message/sched/record   the TraceSink calls
 *   close()             hand over the last slot, wait until the file is written; throws if it failed
 * A shape is everything of a record but its numbers: (ev, src, dst, type,
 * cause?, re?, async, host, payload keys and value kinds) for a message,
 * (from, to, waitNs?, preempted, host) for a sched record. Each is sent
 * once as its constant text; the writer compiles it.
 * Bounded: SLOTS slots of slotWords words; when every slot is full the
 * kernel's thread waits for the writer (backpressure), and gives up with an
 * error if the writer makes no progress for WRITER_STALL_LIMIT waits; at
 * most SHAPE_LIMIT shapes and STRING_LIMIT string ids.
 * The bytes are JsonlEncoder's (test/kernel/trace-ring.test.ts compares
 * them): what the ring does not lay out in words (other kinds, payload
 * values that are not numbers, booleans or short strings, records past the
 * shape limit) JsonlEncoder encodes here, on this thread.
 */
import { Worker } from 'node:worker_threads';
import { ByteWriter } from './byte-writer.js';
import { JsonlEncoder } from './jsonl-sink.js';
import type { Message } from './message.js';
import { summarizeValue, type MessageEv, type TracedPayload, type TraceRecord, type TraceSink } from './trace.js';
import {
  LEN_SHIFT, OP_RAW, OP_REC, OP_SHAPE, OP_STR, RING_CTRL_CLOSING, RING_CTRL_CONSUMED, RING_CTRL_FAILED, RING_CTRL_PRODUCED,
  RING_CTRL_WORDS, S_ID, S_INT, S_JSON, S_NUM, S_SEQ, S_STR, S_T,
} from './trace-ring-format.js';
import { WRITER_THREAD_SOURCE } from './trace-writer-thread.js';

/** Slots in the ring (8 MiB in all by default). */
const SLOTS = 32;
/** 256 KiB a slot: the writer wakes once per slot, not per record. */
const DEFAULT_SLOT_WORDS = 1 << 15;
/** The writer thread's output buffer: one writeSync per this many bytes (at most). */
const OUT_BYTES = 1 << 20;
/** Payload string values sent as ids; past this many they go as JSON text, so the table stays bounded. */
const STRING_LIMIT = 1 << 15;
/** Payload string values shorter than this go as ids. */
const MAX_VALUE_ID_CHARS = 32;
/** Shapes (the writer compiles each); past this many, records of new shapes go as JSON text made here. */
const SHAPE_LIMIT = 1 << 11;
/** Map entries (hosts, names, routes) a shape may take on average; past that, records of new routes go as JSON text. */
const ENTRIES_PER_SHAPE = 4;
/** Payload fields a shape holds; a payload with more goes as JSON text. */
const MAX_FIELDS = 64;
/** One-second waits with no progress from the writer before the sink gives up. */
const WRITER_STALL_LIMIT = 120;
/** A kind's shape not made yet (-1 is a shape that could not be made). */
const NO_SHAPE = -2;

/** A payload field's value: a number, a string id, JSON text made here, a constant, or nothing written (undefined). */
const V_NUM = 0;
const V_STR = 1;
const V_JSON = 2;
const V_TRUE = 3;
const V_FALSE = 4;
const V_SKIP = 5;

const encoder = new TextEncoder();

/** A record's constant text between its slots: segs[0] slots[0] segs[1] ... (trace-ring-format.ts, OP_SHAPE). */
class ShapeText {
  readonly segs: string[];
  readonly slots: number[] = [];
  constructor(first: string) { this.segs = [first]; }
  add(text: string): void { this.segs[this.segs.length - 1] += text; }
  /** A slot, then the text after it. */
  slot(kind: number, next: string): void { this.slots.push(kind); this.segs.push(next); }
}

/** The shapes of one payload's keys and value kinds. */
interface PayloadShape { readonly keys: string[]; readonly kinds: number[]; readonly shape: number }
/** The shapes of one kind of message record (ev, cause, re, async) of a route: no payload, a JSON payload, payload fields. */
interface Kind { bare: number; json: number; readonly fields: PayloadShape[] }
/** The sched shapes of one (from, to, host): by waitNs given (1) and preempted (2). */
interface SchedPair { readonly from: string | null; readonly to: string | null; readonly host: string | undefined; readonly kinds: number[] }
interface Route { readonly src: string; readonly dst: string; readonly type: string; readonly host: string | undefined; readonly kinds: (Kind | undefined)[] }

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
  /** Payload string values sent as ids. */
  private readonly ids = new Map<string, number>();
  private shapes = 0;
  private entries = 0;
  /** Message shapes by src, dst, type (for each host of a run of several); sched shapes by host, from, to. */
  private readonly local = new Map<string, Map<string, Map<string, Route>>>();
  private readonly hosts = new Map<string, Map<string, Map<string, Map<string, Route>>>>();
  private readonly scheds = new Map<string | undefined, Map<string | null, Map<string | null, SchedPair>>>();
  private recent0: Route | undefined;
  private recent1: Route | undefined;
  private recentSched0: SchedPair | undefined;
  private recentSched1: SchedPair | undefined;
  /** The payload being written: its fields' keys, kinds, values (numbers, string ids), JSON text's place in scratchBuf. */
  private readonly fieldKeys: string[] = [];
  private readonly fieldKinds: number[] = [];
  private readonly fieldValues = new Float64Array(MAX_FIELDS);
  private readonly fieldStarts = new Int32Array(MAX_FIELDS);
  private readonly fieldEnds = new Int32Array(MAX_FIELDS);
  /** JSON values made here for S_JSON slots: at most a slot's bytes (a longer one sends the record as JSON). */
  private readonly scratch: ByteWriter;
  private readonly scratchBuf: Uint8Array;
  private scratchBytes = 0;
  /** JSON made on this thread (OP_RAW): its drain copies each piece into the ring. */
  private readonly json: ByteWriter;
  /** The same encoder, for records that go as JSON here (other kinds; past the shape limit). */
  private readonly fallback: JsonlEncoder;
  private closed = false;

  /** At most this many shapes (SHAPE_LIMIT; tests make it small). */
  private readonly shapeLimit: number;

  /**
   * `idlePauseMs` is for tests only: the writer sleeps that long between the
   * two loads of its idle check, widening the window in which the last slot
   * and the close can arrive (test/kernel/trace-ring-close.test.ts).
   */
  constructor(fd: number, slotWords = DEFAULT_SLOT_WORDS, shapeLimit = SHAPE_LIMIT, idlePauseMs = 0) {
    this.shapeLimit = shapeLimit;
    // A string id's literal (MAX_VALUE_ID_CHARS characters, 6 bytes each escaped) fits in one slot.
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
    this.scratchBuf = new Uint8Array(slotWords * 8);
    this.scratch = new ByteWriter(4096, (bytes) => {
      // Past the buffer's end: the count says so (collectFields then sends the record as JSON).
      if (this.scratchBytes + bytes.length <= this.scratchBuf.length) this.scratchBuf.set(bytes, this.scratchBytes);
      this.scratchBytes += bytes.length;
    });
    this.worker = new Worker(WRITER_THREAD_SOURCE, {
      // The output buffer holds a record's constant text, numbers and inline JSON (each at most a slot).
      eval: true, workerData: { fd, slotWords, slots: SLOTS, ctrl, data, outBytes: Math.max(OUT_BYTES, slotWords * 8 * 4), idlePauseMs },
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

  /** The id of a string, sending its JSON literal on first use. */
  private id(s: string): number {
    const known = this.ids.get(s);
    if (known !== undefined) return known;
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

  /**
   * Room for one more map entry (a host, name or route): the maps grow only
   * while shapes may be made, and at most ENTRIES_PER_SHAPE entries a shape
   * (a route whose payloads all go as JSON makes no shape).
   */
  private newEntry(): boolean {
    if (this.shapes >= this.shapeLimit || this.entries >= this.shapeLimit * ENTRIES_PER_SHAPE) return false;
    this.entries++;
    return true;
  }

  /** Send a shape's description to the writer; its id, or -1 (records of it go as JSON) past the limit or too long for a slot. */
  private defineShape(text: ShapeText): number {
    if (this.shapes >= this.shapeLimit) return -1;
    const id = this.shapes++;
    const desc = encoder.encode(JSON.stringify({ segs: text.segs, slots: text.slots }));
    const n = desc.length;
    const words = 2 + ((n + 7) >>> 3);
    if (words > this.slotWords) return -1;
    this.reserve(words);
    const w = this.w;
    this.i32[2 * w] = OP_SHAPE;
    this.i32[2 * w + 1] = id;
    this.i32[2 * w + 2] = n;
    this.u8.set(desc, (w + 2) * 8);
    this.w = w + words;
    return id;
  }

  /** The record kinds of one (src, dst, type, host), made while there is room for more shapes. */
  private route(src: string, dst: string, type: string, host: string | undefined): Route | undefined {
    // A trace alternates between few routes (a request's and its reply's): the last two are checked first.
    const r0 = this.recent0;
    if (r0 !== undefined && r0.src === src && r0.dst === dst && r0.type === type && r0.host === host) return r0;
    const r1 = this.recent1;
    if (r1 !== undefined && r1.src === src && r1.dst === dst && r1.type === type && r1.host === host) {
      this.recent1 = r0;
      this.recent0 = r1;
      return r1;
    }
    const route = this.lookupRoute(src, dst, type, host);
    if (route !== undefined) {
      this.recent1 = r0;
      this.recent0 = route;
    }
    return route;
  }

  private lookupRoute(src: string, dst: string, type: string, host: string | undefined): Route | undefined {
    let bySrc = host === undefined ? this.local : this.hosts.get(host);
    if (bySrc === undefined) {
      if (!this.newEntry()) return undefined;
      this.hosts.set(host!, bySrc = new Map());
    }
    let byDst = bySrc.get(src);
    if (byDst === undefined) {
      if (!this.newEntry()) return undefined;
      bySrc.set(src, byDst = new Map());
    }
    let byType = byDst.get(dst);
    if (byType === undefined) {
      if (!this.newEntry()) return undefined;
      byDst.set(dst, byType = new Map());
    }
    let route = byType.get(type);
    if (route === undefined) {
      if (!this.newEntry()) return undefined;
      // Each kind of record (ev, cause, re, async) has its own shapes; 32 of them.
      byType.set(type, route = { src, dst, type, host, kinds: [] });
    }
    return route;
  }

  /** A message record's text up to its payload: everything but the numbers. */
  private messageHead(route: Route, ev: MessageEv, cause: boolean, re: boolean, async: boolean): ShapeText {
    const text = new ShapeText('{"seq":');
    text.slot(S_SEQ, ',"t":');
    text.slot(S_T, `,"ev":"${ev}","id":`);
    text.slot(S_ID, `,"src":${JSON.stringify(route.src)},"dst":${JSON.stringify(route.dst)},"type":${JSON.stringify(route.type)},"cause":`);
    if (cause) text.slot(S_INT, ''); else text.add('null');
    if (re) { text.add(',"re":'); text.slot(S_INT, ''); }
    if (async) text.add(',"async":true');
    return text;
  }

  /** The record's end: host, then `}` and the newline. */
  private static tail(text: ShapeText, host: string | undefined): number[] {
    if (host !== undefined) text.add(`,"host":${JSON.stringify(host)}`);
    text.add('}\n');
    return text.slots;
  }

  message(seq: number, t: number, ev: MessageEv, id: number, src: string, dst: string, type: string,
    cause: number, re: number, async: boolean, msg: TracedPayload, host: string | undefined): void {
    const route = this.route(src, dst, type, host);
    if (route === undefined) { this.fallbackMessage(seq, t, ev, id, src, dst, type, cause, re, async, msg, host); return; }
    const kindIndex = (ev === 'send' ? 0 : ev === 'deliver' ? 1 : ev === 'reply' ? 2 : 3)
      | (cause !== 0 ? 4 : 0) | (re !== 0 ? 8 : 0) | (async ? 16 : 0);
    let kind = route.kinds[kindIndex];
    if (kind === undefined) route.kinds[kindIndex] = kind = { bare: NO_SHAPE, json: NO_SHAPE, fields: [] };
    let shape: number;
    let fields = 0;
    let words = 4 + (cause !== 0 ? 1 : 0) + (re !== 0 ? 1 : 0);
    if (msg === undefined) {
      shape = kind.bare;
      if (shape === NO_SHAPE) {
        const text = this.messageHead(route, ev, cause !== 0, re !== 0, async);
        TraceRing.tail(text, host);
        shape = kind.bare = this.defineShape(text);
      }
    } else if (!('type' in msg)) {
      // A notify's bits (or another non-message payload): its JSON, made here, as JsonlEncoder writes it.
      this.scratchBytes = 0;
      this.scratch.value(msg);
      this.scratch.flush();
      this.fieldKinds[0] = V_JSON;
      this.fieldStarts[0] = 0;
      this.fieldEnds[0] = this.scratchBytes;
      fields = 1;
      words += 1 + ((this.scratchBytes + 7) >>> 3);
      shape = kind.json;
      if (shape === NO_SHAPE) {
        const text = this.messageHead(route, ev, cause !== 0, re !== 0, async);
        text.add(',"msg":');
        text.slot(S_JSON, '');
        TraceRing.tail(text, host);
        shape = kind.json = this.defineShape(text);
      }
    } else {
      fields = this.collectFields(msg);
      if (fields < 0) { this.fallbackMessage(seq, t, ev, id, src, dst, type, cause, re, async, msg, host); return; }
      for (let i = 0; i < fields; i++) {
        const k = this.fieldKinds[i]!;
        if (k === V_NUM || k === V_STR) words++;
        else if (k === V_JSON) words += 1 + ((this.fieldEnds[i]! - this.fieldStarts[i]! + 7) >>> 3);
      }
      shape = this.payloadShape(kind, route, ev, cause !== 0, re !== 0, async, fields, host);
    }
    if (shape < 0 || words > this.slotWords) { this.fallbackMessage(seq, t, ev, id, src, dst, type, cause, re, async, msg, host); return; }
    this.reserve(words);
    const w = this.w;
    const f64 = this.f64;
    const i32 = this.i32;
    i32[2 * w] = OP_REC | (words << LEN_SHIFT);
    i32[2 * w + 1] = shape;
    f64[w + 1] = seq;
    f64[w + 2] = t;
    f64[w + 3] = id;
    let k = w + 4;
    if (cause !== 0) f64[k++] = cause;
    if (re !== 0) f64[k++] = re;
    for (let i = 0; i < fields; i++) {
      const kindOf = this.fieldKinds[i]!;
      if (kindOf === V_NUM) f64[k++] = this.fieldValues[i]!;
      else if (kindOf === V_STR) i32[2 * k++] = this.fieldValues[i]!;
      else if (kindOf === V_JSON) {
        const start = this.fieldStarts[i]!;
        const n = this.fieldEnds[i]! - start;
        i32[2 * k] = n;
        this.u8.set(this.scratchBuf.subarray(start, start + n), (k + 1) * 8);
        k += 1 + ((n + 7) >>> 3);
      }
    }
    this.w = w + words;
  }

  /**
   * The payload's fields as JsonlEncoder.payload writes them (summarizePayload's
   * JSON) into fieldKeys/Kinds/Values (JSON values into the scratch buffer);
   * their count, or -1 when a value is too long for a record.
   */
  private collectFields(msg: Message): number {
    const fields = msg as unknown as Record<string, unknown>;
    let n = 0;
    this.scratchBytes = 0;
    for (const key of Object.keys(fields)) {
      if (key === 'type' || key === 'source') continue;
      if (n >= MAX_FIELDS) return -1;
      let v = fields[key];
      let kind: number;
      if (typeof v === 'number') {
        kind = V_NUM;
        this.fieldValues[n] = v;
      } else if (typeof v === 'boolean') {
        kind = v ? V_TRUE : V_FALSE;
      } else if (typeof v === 'string' && v.length <= MAX_VALUE_ID_CHARS && this.ids.size < STRING_LIMIT) {
        kind = V_STR;
        this.fieldValues[n] = this.id(v);
      } else {
        if (typeof v !== 'string') v = summarizeValue(v, 0);
        if (v === undefined) {
          // JsonlEncoder opens the payload on its first key, written or not.
          kind = V_SKIP;
        } else {
          kind = V_JSON;
          this.fieldStarts[n] = this.scratchBytes;
          this.scratch.value(v);
          this.scratch.flush();
          if (this.scratchBytes > this.scratchBuf.length) return -1;
          this.fieldEnds[n] = this.scratchBytes;
        }
      }
      this.fieldKeys[n] = key;
      this.fieldKinds[n] = kind;
      n++;
    }
    return n;
  }

  /** The shape of a payload of these keys and kinds, made on first use. */
  private payloadShape(kind: Kind, route: Route, ev: MessageEv, cause: boolean, re: boolean, async: boolean, n: number,
    host: string | undefined): number {
    const keys = this.fieldKeys;
    const kinds = this.fieldKinds;
    next: for (const known of kind.fields) {
      if (known.keys.length !== n) continue;
      for (let i = 0; i < n; i++) if (known.keys[i] !== keys[i] || known.kinds[i] !== kinds[i]) continue next;
      return known.shape;
    }
    const text = this.messageHead(route, ev, cause, re, async);
    if (n > 0) {
      text.add(',"msg":{');
      let written = false;
      for (let i = 0; i < n; i++) {
        const k = kinds[i]!;
        if (k === V_SKIP) continue;
        text.add(`${written ? ',' : ''}${JSON.stringify(keys[i])}:`);
        written = true;
        if (k === V_TRUE) text.add('true');
        else if (k === V_FALSE) text.add('false');
        else text.slot(k === V_NUM ? S_NUM : k === V_STR ? S_STR : S_JSON, '');
      }
      text.add('}');
    }
    TraceRing.tail(text, host);
    const shape = this.defineShape(text);
    // Remembered (also a -1: no room for more shapes) while there is room for entries: the lists stay bounded.
    if (shape >= 0 || this.entries < this.shapeLimit * ENTRIES_PER_SHAPE) {
      this.entries++;
      kind.fields.push({ keys: keys.slice(0, n), kinds: kinds.slice(0, n), shape });
    }
    return shape;
  }

  private fallbackMessage(seq: number, t: number, ev: MessageEv, id: number, src: string, dst: string, type: string,
    cause: number, re: number, async: boolean, msg: TracedPayload, host: string | undefined): void {
    this.fallback.message(seq, t, ev, id, src, dst, type, cause, re, async, msg, host);
    this.json.flush();
  }

  sched(seq: number, t: number, from: string | null, to: string | null, waitNs: number | undefined,
    preempted: boolean, host: string | undefined): void {
    const shape = this.schedShape(from, to, waitNs !== undefined, preempted, host);
    if (shape < 0) {
      this.fallback.sched(seq, t, from, to, waitNs, preempted, host);
      this.json.flush();
      return;
    }
    const words = waitNs !== undefined ? 4 : 3;
    this.reserve(words);
    const w = this.w;
    this.i32[2 * w] = OP_REC | (words << LEN_SHIFT);
    this.i32[2 * w + 1] = shape;
    this.f64[w + 1] = seq;
    this.f64[w + 2] = t;
    if (waitNs !== undefined) this.f64[w + 3] = waitNs;
    this.w = w + words;
  }

  /** The shape of a sched record from `from` to `to` (null: idle), made on first use; -1: none. */
  private schedShape(from: string | null, to: string | null, wait: boolean, preempted: boolean, host: string | undefined): number {
    const index = (wait ? 1 : 0) | (preempted ? 2 : 0);
    // As for routes: the last two (from, to) pairs first.
    const s0 = this.recentSched0;
    if (s0 !== undefined && s0.from === from && s0.to === to && s0.host === host && s0.kinds[index]! !== NO_SHAPE) return s0.kinds[index]!;
    const s1 = this.recentSched1;
    if (s1 !== undefined && s1.from === from && s1.to === to && s1.host === host && s1.kinds[index]! !== NO_SHAPE) {
      this.recentSched1 = s0;
      this.recentSched0 = s1;
      return s1.kinds[index]!;
    }
    const pair = this.schedPair(from, to, host);
    if (pair === undefined) return -1;
    this.recentSched1 = s0;
    this.recentSched0 = pair;
    let shape = pair.kinds[index]!;
    if (shape === NO_SHAPE) {
      const text = new ShapeText('{"seq":');
      text.slot(S_SEQ, ',"t":');
      text.slot(S_T, `,"ev":"sched","from":${from === null ? 'null' : JSON.stringify(from)},"to":${to === null ? 'null' : JSON.stringify(to)}`);
      if (wait) { text.add(',"waitNs":'); text.slot(S_NUM, ''); }
      if (preempted) text.add(',"preempted":true');
      TraceRing.tail(text, host);
      shape = pair.kinds[index] = this.defineShape(text);
    }
    return shape;
  }

  /** The sched shapes of one (from, to, host), made while there is room for more shapes. */
  private schedPair(from: string | null, to: string | null, host: string | undefined): SchedPair | undefined {
    let byFrom = this.scheds.get(host);
    if (byFrom === undefined) {
      if (!this.newEntry()) return undefined;
      this.scheds.set(host, byFrom = new Map());
    }
    let byTo = byFrom.get(from);
    if (byTo === undefined) {
      if (!this.newEntry()) return undefined;
      byFrom.set(from, byTo = new Map());
    }
    let pair = byTo.get(to);
    if (pair === undefined) {
      if (!this.newEntry()) return undefined;
      byTo.set(to, pair = { from, to, host, kinds: [NO_SHAPE, NO_SHAPE, NO_SHAPE, NO_SHAPE] });
    }
    return pair;
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
