/*
 * Text helpers shared by the trace views.
 *   formatUs(ns)                 virtual time in µs with ns precision ("1234.567")
 *   formatValue(v), formatFields(obj, maxChars, decode)   payloads as key=value text
 *   extraFields(rec, skip)       the fields of a record beyond the ones a view already shows
 *   parseDurationOption(text, name)   "1.5ms" -> ns, or a UsageError naming the option
 *   Palette, palette(enabled)    ANSI colours, empty strings when colour is off
 */
import type { TraceRecord } from '../../kernel/index.js';
import { parseDurationNs } from '../../lib/shell/values.js';
import { UsageError } from '../errors.js';

export function formatUs(ns: number): string {
  const us = Math.floor(ns / 1000);
  const frac = String(ns % 1000).padStart(3, '0');
  return `${us}.${frac}`;
}

const PLAIN_STRING = /^[A-Za-z0-9_./:@+-]+$/;

/** One value, compact: buffers as <n bytes>, plain words bare, other strings quoted, the rest as JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return PLAIN_STRING.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'bytes') return `<${(v as { bytes: unknown }).bytes} bytes>`;
  }
  return JSON.stringify(v) ?? String(v);
}

/** A field's value as text, or undefined for formatValue's default (cli/trace/decode.ts decodes numbers). */
export type FieldDecoder = (key: string, value: unknown) => string | undefined;

/** key=value pairs, cut with … at maxChars so a huge payload keeps the line readable (Infinity: never cut). */
export function formatFields(obj: Readonly<Record<string, unknown>> | undefined, maxChars = 80, decode?: FieldDecoder): string {
  if (obj === undefined || obj === null) return '';
  let out = '';
  for (const key of Object.keys(obj)) {
    const part = `${key}=${decode?.(key, obj[key]) ?? formatValue(obj[key])}`;
    out = out === '' ? part : out + ' ' + part;
    if (out.length > maxChars) return out.slice(0, maxChars - 1) + '…';
  }
  return out;
}

const BASE_FIELDS: ReadonlySet<string> = new Set(['seq', 't', 'ev']);

/** The record's fields except seq, t, ev and the ones listed. */
export function extraFields(rec: TraceRecord, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rec)) {
    if (BASE_FIELDS.has(key) || skip.includes(key)) continue;
    out[key] = rec[key];
  }
  return out;
}

export function parseDurationOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const ns = text === '0' ? 0 : parseDurationNs(text);
  if (ns === null) throw new UsageError(`${option} must be a duration such as 250us, 1.5ms or 2s, got '${text}'`);
  return ns;
}

export interface Palette {
  readonly dim: string;
  readonly bold: string;
  readonly red: string;
  readonly green: string;
  readonly yellow: string;
  readonly blue: string;
  readonly magenta: string;
  readonly cyan: string;
  readonly reset: string;
}

const ANSI: Palette = {
  dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m',
  blue: '\x1b[34m', magenta: '\x1b[35m', cyan: '\x1b[36m', reset: '\x1b[0m',
};
const NONE: Palette = { dim: '', bold: '', red: '', green: '', yellow: '', blue: '', magenta: '', cyan: '', reset: '' };

export function palette(enabled: boolean): Palette {
  return enabled ? ANSI : NONE;
}

/** Colour when writing to a terminal, unless NO_COLOR says otherwise; FORCE_COLOR forces it. */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
