/*
 * The JSONL trace sink: one JSON object per line, written through pino's
 * destination (SonicBoom) in large chunks.
 *   attachJsonlSink(bus, path)   subscribe and write every record to path; returns { close }
 *   serializeRecord(rec)         one record as a JSON line (same text JSON.stringify gives)
 * pino's logger path writes ~180k records/s here (and JSON.stringify alone
 * ~1 µs a record), too slow for millions of records; records are plain data
 * of a few known shapes, so a small encoder (json.ts) does the job and
 * pino's destination does the writing. Output has no wall-clock or host
 * fields: the same run gives byte-identical files.
 */
import pino from 'pino';
import type { Subscription } from 'rxjs';
import { jsonString, toJson } from './json.js';
import type { MessageRecord, TraceBus, TraceRecord } from './trace.js';

const CHUNK_CHARS = 1 << 18;

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
    return out + '}\n';
  }
  if (ev === 'sched') {
    const from = rec.from as string | null;
    return '{"seq":' + rec.seq + ',"t":' + rec.t + ',"ev":"sched","from":' + (from === null ? 'null' : jsonString(from)) + ',"to":' + jsonString(rec.to as string) + '}\n';
  }
  return toJson(rec) + '\n';
}

export interface JsonlSink {
  /** Flush what is buffered and close the file. */
  close(): void;
}

export function attachJsonlSink(bus: TraceBus, path: string): JsonlSink {
  // Lines gather in one string; each full chunk is encoded and written in a
  // single call (a write per line would cost more than the line).
  const dest = pino.destination({ dest: path, sync: true, fsync: false, mkdir: true, append: false, maxWrite: CHUNK_CHARS * 4 });
  let chunk = '';
  const sub: Subscription = bus.trace$.subscribe((rec) => {
    chunk += serializeRecord(rec);
    if (chunk.length >= CHUNK_CHARS) {
      dest.write(chunk);
      chunk = '';
    }
  });
  return {
    close(): void {
      sub.unsubscribe();
      if (chunk.length > 0) dest.write(chunk);
      chunk = '';
      dest.flushSync();
      dest.end();
    },
  };
}
