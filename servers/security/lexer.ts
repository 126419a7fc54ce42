/*
 * The policy.conf lexer, with checkpolicy's token classes: keywords (lower
 * or upper case, reserved), identifiers (letters, digits, _ and -, single
 * dots inside), numbers, quoted file names, /paths and punctuation.
 *   lexPolicy(text, file)   -> PolicyToken[] (ends with an 'eof' token)
 *   KEYWORDS                the reserved words
 * Each token carries its 1-based line and column for file:line:column errors.
 */
import { ParseError } from '../../lib/parse-error.js';

export type TokenKind = 'kw' | 'id' | 'punct' | 'filename' | 'path' | 'number' | 'eof';

export interface PolicyToken {
  readonly kind: TokenKind;
  /** Keywords are lower-cased; file names without their quotes. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * checkpolicy reserves these in either all-lower or all-upper case, including
 * the constraint operands (r1, t2, u3, l1, h2...), so `type t1;` is a syntax error.
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'clone', 'common', 'class', 'constrain', 'validatetrans', 'inherits', 'sid', 'role', 'roles', 'roleattribute',
  'attribute_role', 'types', 'typealias', 'typeattribute', 'typebounds', 'type', 'bool', 'tunable', 'if', 'else',
  'alias', 'attribute', 'type_transition', 'type_member', 'type_change', 'role_transition', 'range_transition',
  'sensitivity', 'dominance', 'category', 'level', 'range', 'mlsconstrain', 'mlsvalidatetrans', 'user',
  'neverallow', 'allow', 'auditallow', 'auditdeny', 'dontaudit', 'source', 'target', 'sameuser', 'module',
  'require', 'optional', 'or', 'and', 'not', 'xor', 'eq', 'true', 'false', 'dom', 'domby', 'incomp', 'fscon',
  'portcon', 'netifcon', 'nodecon', 'pirqcon', 'iomemcon', 'ioportcon', 'pcidevicecon', 'fs_use_xattr',
  'fs_use_task', 'fs_use_trans', 'genfscon', 'r1', 'r2', 'r3', 'u1', 'u2', 'u3', 't1', 't2', 't3', 'l1', 'l2',
  'h1', 'h2', 'policycap', 'permissive', 'default_user', 'default_role', 'default_type', 'default_range', 'low-high', 'high', 'low',
]);

const PUNCT: ReadonlySet<string> = new Set([',', ':', ';', '(', ')', '{', '}', '[', ']', '-', '.', '~', '*']);

/**
 * The operators of boolean and constraint expressions (checkpolicy's AND,
 * OR, EQUALS, NOTEQUAL, XOR, NOT), longest first: lexed, so that a
 * statement using them is refused by its name (`if`, `constrain`), not by a character.
 */
const OPERATORS: readonly string[] = ['&&', '||', '==', '!=', '^', '!'];

export function lexPolicy(text: string, file: string): PolicyToken[] {
  // Sticky patterns carry a lastIndex: each call makes its own, none lives in the module.
  const IDENT = /[A-Za-z](?:\.?[A-Za-z0-9_-])*/y;
  const NUMBER = /0x[0-9A-Fa-f]+|[0-9]+/y;
  // checkpolicy's FILENAME (any characters but '"', '/' and newline) and QPATH (a quoted path, spaces allowed).
  const FILENAME = /"[^"/\n]+"|"\/[^"\n]*"/y;
  const PATH = /\/[A-Za-z0-9_./-]*/y;
  const tokens: PolicyToken[] = [];
  const lines = text.split('\n');
  for (let lineIdx = 0; lineIdx < lines.length; lineIdx++) {
    const src = lines[lineIdx]!;
    let i = 0;
    const at = (kind: TokenKind, tokText: string, start: number): void => {
      tokens.push({ kind, text: tokText, line: lineIdx + 1, column: start + 1 });
    };
    const match = (re: RegExp): string | null => {
      re.lastIndex = i;
      const m = re.exec(src);
      return m === null ? null : m[0];
    };
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\f' || ch === '\r') { i++; continue; }
      if (ch === '#') break;
      const word = match(IDENT);
      if (word !== null) {
        const keyword = word === word.toLowerCase() || word === word.toUpperCase() ? word.toLowerCase() : null;
        at(keyword !== null && KEYWORDS.has(keyword) ? 'kw' : 'id', keyword !== null && KEYWORDS.has(keyword) ? keyword : word, i);
        i += word.length;
        continue;
      }
      const num = match(NUMBER);
      if (num !== null) { at('number', num, i); i += num.length; continue; }
      const fname = match(FILENAME);
      if (fname !== null) { at('filename', fname.slice(1, -1), i); i += fname.length; continue; }
      if (ch === '/') {
        const p = match(PATH)!;
        at('path', p, i);
        i += p.length;
        continue;
      }
      if (PUNCT.has(ch)) { at('punct', ch, i); i++; continue; }
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (op !== undefined) { at('punct', op, i); i += op.length; continue; }
      throw new ParseError(`unrecognized character '${ch}'`, { file, line: lineIdx + 1, column: i + 1, sourceLine: src });
    }
  }
  tokens.push({ kind: 'eof', text: '', line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 });
  return tokens;
}
