/*
 * A user's input error at a position: file:line:column, the message, and
 * the source line with a caret under the column.
 *   ParseError(message, where)   where = { file, line, column, sourceLine }
 *   ParseError.format()          the text shown to the user
 * userFacing = true: the command line prints it without a stack (exit 2).
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

function formatPosition(detail: string, where: SourcePosition): string {
  const head = `${where.file}:${where.line}:${where.column}: ${detail}`;
  if (where.sourceLine === undefined) return head;
  const line = where.sourceLine.replace(/\t/g, ' ');
  return `${head}\n    ${line}\n    ${' '.repeat(Math.max(0, where.column - 1))}^`;
}
