/*
 * A user's input error at a position: file:line:column, the message, and
 * the source line with a caret under the column.
 *   ParseError(message, where)   where = { file, line, column, sourceLine }
 *   ParseError.format()          the text shown to the user
 *   shorten(text)                a user's value cut to a length fit for a message
 * userFacing = true: the command line prints it without a stack (exit 2).
 * A long source line is shown as a window around the column, so a 5,000-character
 * value gives a readable error.
 */

export interface SourcePosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The whole source line, for the caret display. */
  readonly sourceLine?: string;
}

export class ParseError extends Error {
  readonly userFacing = true as const;
  readonly exitCode = 2;
  readonly where: SourcePosition;
  readonly detail: string;

  constructor(detail: string, where: SourcePosition) {
    super(formatPosition(detail, where));
    this.name = 'ParseError';
    this.where = where;
    this.detail = detail;
  }
}

/** Characters of a user's value quoted in a message; the rest is elided. */
export const MAX_QUOTED_CHARS = 60;
/** Characters of the source line shown above the caret. */
const MAX_SHOWN_LINE_CHARS = 120;

export function shorten(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatPosition(detail: string, where: SourcePosition): string {
  const head = `${where.file}:${where.line}:${where.column}: ${detail}`;
  if (where.sourceLine === undefined) return head;
  let line = where.sourceLine.replace(/\t/g, ' ');
  let caret = Math.max(0, where.column - 1);
  if (line.length > MAX_SHOWN_LINE_CHARS) {
    // A window that holds the column: '…' marks what is cut on either side.
    const start = Math.max(0, Math.min(caret - MAX_SHOWN_LINE_CHARS / 2, line.length - MAX_SHOWN_LINE_CHARS));
    const end = start + MAX_SHOWN_LINE_CHARS;
    line = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
    caret = caret - start + (start > 0 ? 1 : 0);
  }
  return `${head}\n    ${line}\n    ${' '.repeat(caret)}^`;
}
