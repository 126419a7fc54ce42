/*
 * The policy.conf lexer, with checkpolicy's token classes: keywords (lower
 * or upper case, reserved), identifiers (letters, digits, _ and -, single
 * dots inside), numbers, quoted file names and paths, /paths and punctuation.
 *   new PolicyLexer(text, file).next()   the next token, produced on demand (an 'eof' token at the end, repeated)
 *   sourceLineAt(text, line)            one line of the text, for an error's caret display
 *   KEYWORDS                            the reserved words
 * Tokens are made one at a time, as checkpolicy's flex scanner does, so a 3-million-line policy never
 * exists as a token list; each token carries its 1-based line and column for file:line:column errors.
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

const PUNCT = ',:;(){}[]-.~*';

/**
 * The operators of boolean and constraint expressions (checkpolicy's AND,
 * OR, EQUALS, NOTEQUAL, XOR, NOT), longest first: lexed, so that a
 * statement using them is refused by its name (`if`, `constrain`), not by a character.
 */
const OPERATORS: readonly string[] = ['&&', '||', '==', '!=', '^', '!'];

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** checkpolicy's identifier characters after the first: {alnum}, _ and -. */
const isIdentChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95 || c === 45;
/** PATH: \/(({alnum}|[_\.\-\/])*) */
const isPathChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95 || c === 46 || c === 45 || c === 47;

const NL = 10;
const QUOTE = 34;

export class PolicyLexer {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  /** One string per distinct name: a policy names `domain` tens of thousands of times; the AST keeps one copy. */
  private readonly interned = new Map<string, string>();

  constructor(private readonly text: string, private readonly file: string) {}

  next(): PolicyToken {
    const src = this.text;
    const end = src.length;
    for (;;) {
      if (this.offset >= end) return this.token('eof', '', this.offset);
      const c = src.charCodeAt(this.offset);
      if (c === NL) { this.offset++; this.line++; this.lineStart = this.offset; continue; }
      if (c === 32 || c === 9 || c === 12 || c === 13) { this.offset++; continue; }
      if (c === 35 /* # */) {
        const nl = src.indexOf('\n', this.offset);
        this.offset = nl < 0 ? end : nl;
        continue;
      }
      break;
    }
    const start = this.offset;
    const c = src.charCodeAt(start);
    if (isLetter(c)) {
      let i = start + 1;
      for (;;) {
        const d = src.charCodeAt(i);
        if (isIdentChar(d)) { i++; continue; }
        // Single dots inside a name (`a.b`), never two in a row nor one at the end.
        if (d === 46 && isIdentChar(src.charCodeAt(i + 1))) { i += 2; continue; }
        break;
      }
      this.offset = i;
      const word = src.slice(start, i);
      if (KEYWORDS.has(word)) return this.token('kw', word, start);
      const lower = word.toLowerCase();
      if (word === word.toUpperCase() && KEYWORDS.has(lower)) return this.token('kw', lower, start);
      return this.token('id', this.intern(word), start);
    }
    if (isDigit(c)) {
      let i = start + 1;
      if (c === 48 && (src.charCodeAt(i) === 120 /* x */) && isHex(src.charCodeAt(i + 1))) {
        i += 2;
        while (isHex(src.charCodeAt(i))) i++;
      } else {
        while (isDigit(src.charCodeAt(i))) i++;
      }
      this.offset = i;
      return this.token('number', src.slice(start, i), start);
    }
    if (c === QUOTE) {
      // checkpolicy's FILENAME (any characters but '"', '/' and a line break: type_transition's name,
      // which Linux compares byte for byte) and QPATH (a quoted path, '/' first, for genfscon).
      let i = start + 1;
      while (i < end && src.charCodeAt(i) !== QUOTE && src.charCodeAt(i) !== NL) i++;
      const body = src.slice(start + 1, i);
      if (i >= end || src.charCodeAt(i) !== QUOTE) throw this.error('unterminated quoted name (no closing " on the line)', start);
      if (body === '') throw this.error('empty quoted name ""', start);
      if (!body.startsWith('/') && body.includes('/')) throw this.error(`a quoted file name may not contain '/' (a quoted path starts with it): "${body}"`, start);
      this.offset = i + 1;
      return this.token('filename', body, start);
    }
    if (c === 47 /* / */) {
      let i = start + 1;
      while (isPathChar(src.charCodeAt(i))) i++;
      this.offset = i;
      return this.token('path', src.slice(start, i), start);
    }
    const ch = src[start]!;
    for (const op of OPERATORS) {
      if (src.startsWith(op, start)) { this.offset = start + op.length; return this.token('punct', op, start); }
    }
    // Any other character is a token of its own, which no rule accepts: the parser's error then names the
    // statement it stands in (checkpolicy's lexer passes unknown characters to its grammar the same way).
    const cp = src.codePointAt(start)!;
    const width = cp > 0xffff ? 2 : 1;
    this.offset = start + width;
    return this.token('punct', src.slice(start, start + width), start);
  }

  private token(kind: TokenKind, text: string, start: number): PolicyToken {
    return { kind, text, line: this.line, column: start - this.lineStart + 1 };
  }

  private intern(word: string): string {
    const known = this.interned.get(word);
    if (known !== undefined) return known;
    this.interned.set(word, word);
    return word;
  }

  private error(detail: string, start: number): ParseError {
    return new ParseError(detail, { file: this.file, line: this.line, column: start - this.lineStart + 1, sourceLine: sourceLineAt(this.text, this.line) });
  }
}

/** Line `line` (1-based) of `text`, without its newline; '' past the end. Scans: only errors ask. */
export function sourceLineAt(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return text.slice(start, nl < 0 ? text.length : nl);
}
