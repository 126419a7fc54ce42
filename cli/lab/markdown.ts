/*
 * Markdown for labs' output: the tables `mksim lab` prints and docs/labs/ embed.
 *   mdTable(columns, rows)   a GitHub table; a column is { title, align }
 *   fenced(lines)            a ``` block
 */

export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
}

export function mdTable(columns: readonly Column[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const head = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  const body = rows.map((r) => `| ${r.map(String).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

export function fenced(lines: readonly string[]): string {
  return ['```', ...lines, '```'].join('\n');
}

/** A fixed number of decimals: the figures a doc quotes. */
export function fixed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
