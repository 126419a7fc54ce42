/*
 * Aligned text tables for the trace statistics and diff.
 *   formatTable(headers, rows)   numbers (and cells ending in a unit) right-aligned, text left-aligned
 *   formatNs(ns)                 a duration for a table cell ("12.345 µs", "3.2 ms")
 */

const NUMERIC = /^[-+]?[\d.,]+(%|x| ?(ns|µs|us|ms|s))?$|^-$/;

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[i] ?? '-')));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatNs(ns: number | null): string {
  if (ns === null || !Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}
