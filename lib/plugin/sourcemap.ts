/*
 * Positions in a student's compiled module back to the student's files,
 * from the source map esbuild writes (version 3, base64 VLQ mappings).
 *   parseSourceMap(json, baseDir)   -> SourceMap
 *   SourceMap.original(line, column)   1-based generated position -> the student's { file, line, column } or null
 * Done here rather than by Node's --enable-source-maps, which is process-wide
 * and which a host (a test runner, a grader) may replace with its own.
 */
import { resolve } from 'node:path';

export interface SourcePoint {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Longest VLQ digit run we accept (a 32-bit value needs 7). */
const MAX_VLQ_DIGITS = 8;

function decodeSegment(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  let digits = 0;
  for (const ch of text) {
    const d = BASE64.indexOf(ch);
    if (d < 0 || ++digits > MAX_VLQ_DIGITS) return [];
    value += (d & 31) << shift;
    if (d & 32) { shift += 5; continue; }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
    digits = 0;
  }
  return out;
}

export class SourceMap {
  /** Per generated line (0-based): segments [generatedColumn, source, line, column], sorted by column. */
  private readonly lines: number[][][] = [];

  constructor(readonly sources: readonly string[], mappings: string) {
    let source = 0, line = 0, column = 0;
    for (const lineText of mappings.split(';')) {
      const segments: number[][] = [];
      let genColumn = 0;
      for (const segText of lineText.length === 0 ? [] : lineText.split(',')) {
        const f = decodeSegment(segText);
        if (f.length < 4) { if (f.length > 0) genColumn += f[0]!; continue; }
        genColumn += f[0]!;
        source += f[1]!;
        line += f[2]!;
        column += f[3]!;
        segments.push([genColumn, source, line, column]);
      }
      this.lines.push(segments);
    }
  }

  original(line: number, column: number): SourcePoint | null {
    const segments = this.lines[line - 1];
    if (segments === undefined || segments.length === 0) return null;
    let found: number[] | null = null;
    for (const s of segments) {
      if (s[0]! > column - 1) break;
      found = s;
    }
    found ??= segments[0]!;
    const file = this.sources[found[1]!];
    return file === undefined ? null : { file, line: found[2]! + 1, column: found[3]! + 1 };
  }
}

export function parseSourceMap(json: string, baseDir: string): SourceMap {
  const raw = JSON.parse(json) as { sources?: unknown; mappings?: unknown };
  const sources = Array.isArray(raw.sources) ? raw.sources.map((s) => resolve(baseDir, String(s))) : [];
  return new SourceMap(sources, typeof raw.mappings === 'string' ? raw.mappings : '');
}
