/*
 * The JSONL trace sink: one JSON object per line, written through pino's
 * destination (SonicBoom) in large chunks.
 *   attachJsonlSink(bus, path)   subscribe and write every record to path; returns { close }
 *   serializeRecord(rec)         one record as a JSON line (same text JSON.stringify gives)
 *   writeRecord(w, rec, routes)  the same bytes into a ByteWriter, routes cached per sink
 *   JsonlEncoder                 a TraceSink: message and sched events encoded from their fields
 *                                (no record object), the rest through writeRecord; same bytes
 * By default attachJsonlSink sends each record as its shape's id and its
 * numbers through a shared ring to a writer thread that writes the JSON
 * (trace-ring.ts): the same bytes as JsonlEncoder, which it also uses for the
 * records it sends as JSON; { encodeIn: 'kernel' } encodes with JsonlEncoder
 * on the simulation's thread.
 * pino's logger path writes ~180k records/s here (and JSON.stringify alone
 * ~1 µs a record), too slow for millions of records; records are plain data
 * of a few known shapes, so a small encoder (json.ts) does the job and
 * pino's destination does the writing. Output has no wall-clock or host
 * fields: the same run gives byte-identical files.
 */
import { closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ByteWriter } from './byte-writer.js';
import { ChunkWriter } from './chunk-writer.js';
import { jsonString, toJson } from './json.js';
import { TraceRing } from './trace-ring.js';
import type { Message } from './message.js';
import { summarizeValue, type MessageEv, type MessageRecord, type TraceBus, type TracedPayload, type TraceRecord, type TraceSink } from './trace.js';

const CHUNK_BYTES = 1 << 18;


/** pino is loaded on the first sink, not with the kernel: a run that does not trace never loads it (issue 20). */
const loadPino = (): typeof import('pino') => createRequire(import.meta.url)('pino');

/**
 * One record as a JSON line: the text JSON.stringify gives. Message and
 * sched records (the bulk of a trace) take a template over their known
 * fields; the rest go through toJson.
 */
export function serializeRecord(rec: TraceRecord): string {
  const ev = rec.ev;
  if (ev === 'deliver' || ev === 'send' || ev === 'reply' || ev === 'notify') {
    const m = rec as MessageRecord;
    let out = '{"seq":' + m.seq + ',"t":' + m.t + ',"ev":"' + ev + '","id":' + m.id + ',"src":' + jsonString(m.src)
      + ',"dst":' + jsonString(m.dst) + ',"type":' + jsonString(m.type) + ',"cause":' + m.cause;
    // The kernel adds only these, in this order (Kernel.traceMessage).
    if (m.re !== undefined) out += ',"re":' + m.re;
    if (m.async !== undefined) out += ',"async":' + m.async;
    if (m.msg !== undefined) out += ',"msg":' + toJson(m.msg);
    // A run of several hosts: the host view adds `host` last (TraceBus.hostView).
    if (m.host !== undefined) out += ',"host":' + jsonString(m.host as string);
    return out + '}\n';
  }
  if (ev === 'sched') {
    const from = rec.from as string | null;
    const to = rec.to as string | null;
    // The kernel adds only these, in this order (Kernel.dispatch): waitNs when `to` is a process, preempted when true;
    // a host's cluster adds host last (kernel/cluster.ts).
    const host = rec.host === undefined ? '' : ',"host":' + jsonString(rec.host as string);
    return '{"seq":' + rec.seq + ',"t":' + rec.t + ',"ev":"sched","from":' + (from === null ? 'null' : jsonString(from)) + ',"to":' + (to === null ? 'null' : jsonString(to))
      + (rec.waitNs !== undefined ? ',"waitNs":' + (rec.waitNs as number) : '') + (rec.preempted !== undefined ? ',"preempted":' + (rec.preempted as boolean) : '') + host + '}\n';
  }
  return toJson(rec) + '\n';
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const K_SEQ = bytesOf('{"seq":');
const K_T = bytesOf(',"t":');
const K_EV: Readonly<Record<string, Uint8Array>> = {
  send: bytesOf(',"ev":"send","id":'),
  deliver: bytesOf(',"ev":"deliver","id":'),
  reply: bytesOf(',"ev":"reply","id":'),
  notify: bytesOf(',"ev":"notify","id":'),
};
const K_CAUSE = bytesOf(',"cause":');
const MAX_CACHED_ROUTES = 1 << 14;

/**
 * `,"src":S,"dst":D,"type":T,"cause":` encoded once per (src, dst, type): a
 * trace repeats few routes. One cache per sink (not per module: two systems in
 * one process share nothing), bounded.
 */
export class RouteCache {
  private readonly routes = new Map<string, Map<string, Map<string, Uint8Array>>>();
  private cached = 0;

  bytes(src: string, dst: string, type: string): Uint8Array {
    let byDst = this.routes.get(src);
    if (byDst === undefined) this.routes.set(src, byDst = new Map());
    let byType = byDst.get(dst);
    if (byType === undefined) byDst.set(dst, byType = new Map());
    let bytes = byType.get(type);
    if (bytes === undefined) {
      bytes = bytesOf(`,"src":${JSON.stringify(src)},"dst":${JSON.stringify(dst)},"type":${JSON.stringify(type)},"cause":`);
      if (this.cached < MAX_CACHED_ROUTES) { byType.set(type, bytes); this.cached++; }
    }
    return bytes;
  }
}
const K_NULL = bytesOf('null');
const K_RE = bytesOf(',"re":');
const K_ASYNC = bytesOf(',"async":');
const K_MSG = bytesOf(',"msg":');
const K_END = bytesOf('}\n');
const K_ASYNC_TRUE = bytesOf(',"async":true');
const K_PREEMPTED_TRUE = bytesOf(',"preempted":true');
const K_MSG_OPEN = bytesOf(',"msg":{');
const K_SCHED = bytesOf(',"ev":"sched","from":');
const K_TO = bytesOf(',"to":');
const K_WAIT = bytesOf(',"waitNs":');
const K_PREEMPTED = bytesOf(',"preempted":');
const K_HOST = bytesOf(',"host":');
/** Room for a message record's constant parts and numbers; strings check their own. */
const FIXED_BYTES = 160;

/** Encode one record into the writer: the same bytes as serializeRecord's text. */
export function writeRecord(w: ByteWriter, rec: TraceRecord, routes: RouteCache): void {
  const ev = rec.ev;
  if (ev === 'deliver' || ev === 'send' || ev === 'reply' || ev === 'notify') {
    const m = rec as MessageRecord;
    w.reserve(FIXED_BYTES);
    w.put(K_SEQ); w.int(m.seq);
    w.put(K_T); w.int(m.t);
    w.put(K_EV[ev]!); w.int(m.id);
    const route = routes.bytes(m.src, m.dst, m.type);
    w.reserve(route.length + FIXED_BYTES);
    w.put(route);
    if (m.cause === null) w.put(K_NULL); else w.int(m.cause);
    if (m.re !== undefined) { w.put(K_RE); w.value(m.re); }
    if (m.async !== undefined) { w.reserve(FIXED_BYTES); w.put(K_ASYNC); w.value(m.async); }
    if (m.msg !== undefined) { w.reserve(FIXED_BYTES); w.put(K_MSG); w.value(m.msg); }
    w.reserve(FIXED_BYTES);
    if (m.host !== undefined) { w.put(K_HOST); w.string(m.host as string); w.reserve(FIXED_BYTES); }
    w.put(K_END);
    return;
  }
  if (ev === 'sched') {
    w.reserve(FIXED_BYTES);
    w.put(K_SEQ); w.int(rec.seq);
    w.put(K_T); w.int(rec.t);
    w.put(K_SCHED);
    if (rec.from === null) w.put(K_NULL); else w.string(rec.from as string);
    w.reserve(FIXED_BYTES);
    w.put(K_TO);
    if (rec.to === null) w.put(K_NULL); else w.string(rec.to as string);
    w.reserve(FIXED_BYTES);
    if (rec.waitNs !== undefined) { w.put(K_WAIT); w.value(rec.waitNs); }
    if (rec.preempted !== undefined) { w.put(K_PREEMPTED); w.value(rec.preempted); }
    if (rec.host !== undefined) { w.put(K_HOST); w.string(rec.host as string); w.reserve(FIXED_BYTES); }
    w.put(K_END);
    return;
  }
  w.value(rec);
  w.byte(10);
}

/**
 * The sink's encoder: message and sched events straight from the kernel's
 * fields into the writer, the same bytes writeRecord gives for the record
 * the bus would have built (test/kernel/jsonl-sink.test.ts compares them
 * with JSON.stringify for every kind).
 */
export class JsonlEncoder implements TraceSink {
  private readonly routes = new RouteCache();

  constructor(private readonly w: ByteWriter) {}

  message(seq: number, t: number, ev: MessageEv, id: number, src: string, dst: string, type: string,
    cause: number, re: number, async: boolean, msg: TracedPayload, host: string | undefined): void {
    const w = this.w;
    w.reserve(FIXED_BYTES);
    w.put(K_SEQ); w.int(seq);
    w.put(K_T); w.int(t);
    w.put(K_EV[ev]!); w.int(id);
    const route = this.routes.bytes(src, dst, type);
    w.reserve(route.length + FIXED_BYTES);
    w.put(route);
    if (cause === 0) w.put(K_NULL); else w.int(cause);
    if (re !== 0) { w.put(K_RE); w.int(re); }
    if (async) w.put(K_ASYNC_TRUE);
    if (msg !== undefined) {
      if ('type' in msg) this.payload(msg);
      else { w.reserve(FIXED_BYTES); w.put(K_MSG); w.value(msg); }
    }
    w.reserve(FIXED_BYTES);
    if (host !== undefined) { w.put(K_HOST); w.string(host); w.reserve(FIXED_BYTES); }
    w.put(K_END);
  }

  /** `,"msg":{...}` as JSON.stringify writes summarizePayload(msg); nothing when it has no payload field. */
  private payload(msg: Message): void {
    const w = this.w;
    const fields = msg as unknown as Record<string, unknown>;
    let opened = false;
    let written = false;
    for (const key of Object.keys(fields)) {
      if (key === 'type' || key === 'source') continue;
      if (!opened) { w.reserve(FIXED_BYTES); w.put(K_MSG_OPEN); opened = true; }
      let v = fields[key];
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
        v = summarizeValue(v, 0);
        if (v === undefined) continue;
      }
      if (written) w.byte(44); // ,
      written = true;
      w.string(key);
      w.byte(58); // :
      w.value(v);
    }
    if (opened) w.byte(125); // }
  }

  sched(seq: number, t: number, from: string | null, to: string | null, waitNs: number | undefined,
    preempted: boolean, host: string | undefined): void {
    const w = this.w;
    w.reserve(FIXED_BYTES);
    w.put(K_SEQ); w.int(seq);
    w.put(K_T); w.int(t);
    w.put(K_SCHED);
    if (from === null) w.put(K_NULL); else w.string(from);
    w.reserve(FIXED_BYTES);
    w.put(K_TO);
    if (to === null) w.put(K_NULL); else w.string(to);
    w.reserve(FIXED_BYTES);
    if (waitNs !== undefined) { w.put(K_WAIT); w.value(waitNs); }
    if (preempted) w.put(K_PREEMPTED_TRUE);
    if (host !== undefined) { w.put(K_HOST); w.string(host); w.reserve(FIXED_BYTES); }
    w.put(K_END);
  }

  record(rec: TraceRecord): void {
    writeRecord(this.w, rec, this.routes);
  }
}

export interface JsonlSink {
  /** Write what is buffered and close the file. */
  close(): void;
}

export interface JsonlSinkOptions {
  /**
   * Where records are encoded: 'writer' (default) by the writer thread from
   * each record's shape and numbers on a shared ring (trace-ring.ts);
   * 'kernel' by JsonlEncoder on the simulation's thread, full chunks written
   * by a worker (chunk-writer.ts). Same bytes. The ring costs the
   * simulation's thread a fraction of the in-thread encoder
   * (docs/performance.md, "The traced path through the ring").
   */
  readonly encodeIn?: 'kernel' | 'writer';
}

export function attachJsonlSink(bus: TraceBus, path: string, options: JsonlSinkOptions = {}): JsonlSink {
  // pino's destination opens (and creates the folder of) the file.
  const dest = loadPino().destination({ dest: path, sync: true, fsync: false, mkdir: true, append: false });
  const fd = (dest as unknown as { fd: number }).fd;
  if (options.encodeIn !== 'kernel') {
    const ring = new TraceRing(fd);
    const detachRing = bus.attach(ring);
    return {
      close(): void {
        detachRing();
        try {
          ring.close();
        } finally {
          closeSync(fd);
        }
      },
    };
  }
  // Records are encoded into a reused byte chunk; full chunks are written to
  // the descriptor by a worker on the other core (chunk-writer.ts), so
  // encoding and writing overlap. One chunk buffer serves the whole run.
  const chunks = new ChunkWriter(fd, CHUNK_BYTES);
  const writer = new ByteWriter(CHUNK_BYTES, (bytes) => chunks.write(bytes));
  const detach = bus.attach(new JsonlEncoder(writer));
  return {
    close(): void {
      detach();
      writer.flush();
      chunks.close();
      // Every chunk is written already. SonicBoom's flushSync and end() would
      // fsync: forcing a trace to disk costs seconds and buys nothing.
      closeSync(fd);
    },
  };
}
