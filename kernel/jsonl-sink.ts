/*
 * The JSONL trace sink: one JSON object per line, written through pino's
 * destination (SonicBoom) in large chunks.
 *   attachJsonlSink(bus, path)   subscribe and write every record to path; returns { close }
 *   serializeRecord(rec)         one record as a JSON line (same text JSON.stringify gives)
 * pino's logger path costs ~5 µs a record here (level, serializers, key
 * scan), too slow for millions of records; records are plain data of a few
 * known shapes, so a small serializer with cached strings does the job and
 * pino's destination does the writing. Output has no wall-clock or host
 * fields: the same run gives byte-identical files.
 */
import pino from 'pino';
import type { Subscription } from 'rxjs';
import type { MessageRecord, TraceBus, TraceRecord } from './trace.js';

const CHUNK_CHARS = 1 << 16;
const MAX_CACHED_STRINGS = 1 << 14;
const quoted = new Map<string, string>();

/** JSON text of a recurring string (process names, message types), cached. */
function quote(s: string): string {
  let out = quoted.get(s);
  if (out === undefined) {
    out = JSON.stringify(s);
    if (quoted.size < MAX_CACHED_STRINGS) quoted.set(s, out);
  }
  return out;
}

const MESSAGE_KEYS = 'seq,t,ev,id,src,dst,type,cause';

/**
 * One record as a JSON line: the text JSON.stringify gives. Message records
 * (the bulk of a trace) take a template with cached names; the rest, and any
 * message record with fields beyond the usual, go through JSON.stringify.
 */
export function serializeRecord(rec: TraceRecord): string {
  const ev = rec.ev;
  if (ev === 'deliver' || ev === 'send' || ev === 'reply' || ev === 'notify') {
    const m = rec as MessageRecord;
    let out = '{"seq":' + m.seq + ',"t":' + m.t + ',"ev":"' + ev + '","id":' + m.id + ',"src":' + quote(m.src)
      + ',"dst":' + quote(m.dst) + ',"type":' + quote(m.type) + ',"cause":' + m.cause;
    let extra = 0;
    for (const key in m) if (++extra > 8) break;
    if (extra <= 8) return out + '}\n';
    if (Object.keys(m).slice(0, 8).join(',') !== MESSAGE_KEYS) return JSON.stringify(rec) + '\n';
    for (const key of Object.keys(m).slice(8)) {
      const v = m[key];
      if (v !== undefined) out += ',' + quote(key) + ':' + JSON.stringify(v);
    }
    return out + '}\n';
  }
  if (ev === 'sched') {
    const from = rec.from as string | null;
    return '{"seq":' + rec.seq + ',"t":' + rec.t + ',"ev":"sched","from":' + (from === null ? 'null' : quote(from)) + ',"to":' + quote(rec.to as string) + '}\n';
  }
  return JSON.stringify(rec) + '\n';
}

export interface JsonlSink {
  /** Flush what is buffered and close the file. */
  close(): void;
}

export function attachJsonlSink(bus: TraceBus, path: string): JsonlSink {
  const dest = pino.destination({ dest: path, sync: true, fsync: false, mkdir: true, append: false });
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
