/*
 * Reading a trace (DESIGN §4, format v1: JSON Lines), one record at a time.
 *   readTrace(path, onRecord, opts)   stream a file through readline; onRecord(rec) for each record
 *   iterateTrace(path, opts)          the same as an async iterator
 *   parseTraceText(text, file)        a whole trace held in memory (tests, small inputs)
 *   TraceParser                       line-by-line validation: file:line:column on a malformed line
 *   TraceCut, cutWarning(cut)         a last line without its newline that does not parse: the run was
 *                                     interrupted; the records before it are read and the tools warn
 * Records keep every field: unknown kinds and extra fields pass through untouched.
 */
import { createReadStream, statSync } from 'node:fs';
import type { TraceRecord } from '../../kernel/index.js';
import { ParseError } from '../../lib/parse-error.js';
import { OperationError } from '../errors.js';
import { MESSAGE_EVS } from './records.js';

/** Checks each line and keeps the state the format requires across lines (seq strictly increasing). */
export class TraceParser {
  private lastSeq = 0;
  lineNr = 0;
  count = 0;

  constructor(private readonly file: string) {}

  /** Parse the next line; returns null for a blank line. Throws ParseError naming file:line:column. */
  next(text: string): TraceRecord | null {
    this.lineNr++;
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw this.error(`not a JSON object: ${(err as Error).message}`, text, 1);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.error('a trace record must be a JSON object', text, 1);
    const rec = value as Record<string, unknown>;
    const seq = rec.seq;
    if (!Number.isSafeInteger(seq) || (seq as number) < 1) throw this.fieldError('seq', 'must be an integer from 1', text);
    if ((seq as number) <= this.lastSeq) throw this.fieldError('seq', `must increase strictly (${seq} after ${this.lastSeq})`, text);
    if (!Number.isSafeInteger(rec.t) || (rec.t as number) < 0) throw this.fieldError('t', 'must be a non-negative integer (virtual ns)', text);
    if (typeof rec.ev !== 'string' || rec.ev === '') throw this.fieldError('ev', 'must be a non-empty string', text);
    if (MESSAGE_EVS.has(rec.ev)) this.checkMessage(rec, text);
    this.lastSeq = seq as number;
    this.count++;
    return rec as TraceRecord;
  }

  private checkMessage(rec: Record<string, unknown>, text: string): void {
    if (!Number.isSafeInteger(rec.id)) throw this.fieldError('id', `a ${rec.ev} record needs an integer id`, text);
    for (const f of ['src', 'dst', 'type'] as const) {
      if (typeof rec[f] !== 'string') throw this.fieldError(f, `a ${rec.ev} record needs a string ${f}`, text);
    }
    if (rec.cause !== null && !Number.isSafeInteger(rec.cause)) throw this.fieldError('cause', 'must be null or a message id', text);
    if (rec.re !== undefined && !Number.isSafeInteger(rec.re)) throw this.fieldError('re', 'must be a message id', text);
  }

  tooLong(text: string): ParseError {
    this.lineNr++;
    return this.error(`a line longer than ${MAX_LINE_CHARS} characters`, text, 1);
  }

  private fieldError(field: string, detail: string, text: string): ParseError {
    const at = text.indexOf(`"${field}"`);
    return this.error(`field ${field} ${detail}`, text, at < 0 ? 1 : at + 1);
  }

  private error(detail: string, text: string, column: number): ParseError {
    const sourceLine = text.length > 160 ? text.slice(0, 160) + '…' : text;
    return new ParseError(`malformed trace record: ${detail}`, { file: this.file, line: this.lineNr, column, sourceLine });
  }
}

export interface ReadOptions {
  /** Called as bytes are read, with the bytes so far and the file's size (for a progress bar). */
  onBytes?: (bytesRead: number, totalBytes: number) => void;
  /** Called when the trace ends in a partial line; by default a warning on standard error. */
  onCut?: (cut: TraceCut) => void;
}

/** Where an interrupted run's trace stops: the partial line and the records read before it. */
export interface TraceCut {
  readonly file: string;
  readonly lineNr: number;
  readonly records: number;
  readonly partialBytes: number;
}

export function cutWarning(cut: TraceCut): string {
  return `mksim: warning: ${cut.file} was cut at line ${cut.lineNr} (an interrupted run?): ` +
    `read the ${cut.records} records before it, left out a partial line of ${cut.partialBytes} bytes`;
}

/** A line longer than this is not a trace record (and must not grow memory without bound). */
const MAX_LINE_CHARS = 1 << 26;

/** Stream a trace file; resolves with the number of records. */
export async function readTrace(path: string, onRecord: (rec: TraceRecord) => void, options: ReadOptions = {}): Promise<number> {
  let count = 0;
  for await (const rec of iterateTrace(path, options)) {
    count++;
    onRecord(rec);
  }
  return count;
}

/** The records of a trace file, one at a time (two traces can be walked side by side). */
export async function* iterateTrace(path: string, options: ReadOptions = {}): AsyncGenerator<TraceRecord, void, undefined> {
  let totalBytes: number;
  try {
    totalBytes = statSync(path).size;
  } catch (err) {
    throw new OperationError(`cannot read trace ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const onBytes = options.onBytes;
  const parser = new TraceParser(path);
  // Lines are split here rather than by readline: only here can the last line's missing newline be seen.
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (onBytes !== undefined) onBytes(stream.bytesRead, totalBytes);
      let text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const rec = parser.next(text.slice(start, end));
        start = nl + 1;
        if (rec !== null) yield rec;
      }
      rest = text.slice(start);
      text = '';
      if (rest.length > MAX_LINE_CHARS) throw parser.tooLong(rest);
    }
    if (rest !== '') {
      const before = parser.count;
      let rec: TraceRecord | null;
      try {
        rec = parser.next(rest);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        const cut: TraceCut = { file: path, lineNr: parser.lineNr, records: before, partialBytes: Buffer.byteLength(rest) };
        if (options.onCut !== undefined) options.onCut(cut);
        else process.stderr.write(cutWarning(cut) + '\n');
        return;
      }
      if (rec !== null) yield rec;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) throw new OperationError(`cannot read trace ${path}: ${code}`);
    throw err;
  } finally {
    stream.destroy();
  }
}

export function parseTraceText(text: string, file = '<trace>'): TraceRecord[] {
  const parser = new TraceParser(file);
  const out: TraceRecord[] = [];
  for (const line of text.split('\n')) {
    const rec = parser.next(line);
    if (rec !== null) out.push(rec);
  }
  return out;
}
