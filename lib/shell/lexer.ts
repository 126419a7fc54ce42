/*
 * The lexer of the command language (boot-script lines and `sh` scripts):
 * a line becomes words, with double-quoted strings and # comments.
 *   tokenizeLine(text, lineNr, file)  -> Token[] (column is 1-based)
 *   Token                              { text, quoted, column }
 * In quotes: \" \\ \n \t escapes; a # outside quotes starts a comment.
 */
import { ParseError } from '../parse-error.js';

export interface Token {
  readonly text: string;
  readonly quoted: boolean;
  readonly column: number;
}

export function tokenizeLine(text: string, lineNr: number, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  const fail = (msg: string, col: number): never => {
    throw new ParseError(msg, { file, line: lineNr, column: col, sourceLine: text });
  };
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') break;
    const start = i;
    if (c === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated string (a " is missing)', start + 1);
        const d = text[i]!;
        if (d === '"') { i++; break; }
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) fail('unterminated escape at end of line', i + 1);
          const map: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
          const v = map[e!];
          if (v === undefined) fail(`unknown escape \\${e} (use \\n, \\t, \\" or \\\\)`, i + 1);
          out += v;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      if (i < n && text[i] !== ' ' && text[i] !== '\t' && text[i] !== '#') fail('a quoted string must be followed by a space', i + 1);
      tokens.push({ text: out, quoted: true, column: start + 1 });
      continue;
    }
    // A bare word; key="quoted value" keeps the value's quotes out of the text.
    let out = '';
    let quoted = false;
    while (i < n) {
      const d = text[i]!;
      if (d === ' ' || d === '\t' || d === '\r') break;
      if (d === '"') {
        if (!out.endsWith('=')) fail('a quote may only start a word or a value after =', i + 1);
        const rest = tokenizeLine(text.slice(i), lineNr, file)[0]!;
        out += rest.text;
        quoted = true;
        i += quotedLength(text, i);
        break;
      }
      out += d;
      i++;
    }
    tokens.push({ text: out, quoted, column: start + 1 });
  }
  return tokens;
}

/** Length in source characters of the quoted string starting at i. */
function quotedLength(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1 - i;
}
