/*
 * `mksim sweep merge FILES...`: the shards of one sweep (JSON Lines or CSV,
 * as the sweep wrote them) joined into the rows of the unsharded run, byte
 * for byte: rows sorted by their grid index, each kept as written.
 *   mergeShards(texts)   the merged text; a missing, repeated or foreign row is an OperationError
 */
import { OperationError } from '../errors.js';

/** A shard file's size limit (a sweep of MAX_GRID_RUNS rows of a few KiB fits). */
export const MAX_SHARD_BYTES = 1 << 30;

interface Parsed { readonly format: 'jsonl' | 'csv'; readonly header: string; readonly rows: { index: number; runs: number; line: string }[] }

function parse(name: string, text: string): Parsed {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return { format: 'jsonl', header: '', rows: [] };
  const format = lines[0]!.startsWith('{') ? 'jsonl' : 'csv';
  const header = format === 'csv' ? lines.shift()! : '';
  if (format === 'csv' && !header.startsWith('index,runs,seed,')) throw new OperationError(`${name}: not a sweep's output (no index,runs,seed header)`);
  const rows = lines.map((line, i) => {
    let index: number;
    let runs: number;
    if (format === 'jsonl') {
      let row: { index?: unknown; runs?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        throw new OperationError(`${name}:${i + 1}: not a JSON line`);
      }
      index = Number(row.index);
      runs = Number(row.runs);
    } else {
      const [a, b] = line.split(',', 2);
      index = Number(a);
      runs = Number(b);
    }
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(runs) || index < 0 || index >= runs) {
      throw new OperationError(`${name}:${i + 1 + (format === 'csv' ? 1 : 0)}: a row without a valid index and runs`);
    }
    return { index, runs, line };
  });
  return { format, header, rows };
}

export function mergeShards(files: ReadonlyArray<{ name: string; text: string }>): string {
  const parsed = files.map((f) => ({ name: f.name, ...parse(f.name, f.text) })).filter((p) => p.rows.length > 0 || p.header !== '');
  if (parsed.length === 0) throw new OperationError('sweep merge: the files hold no rows');
  const first = parsed[0]!;
  for (const p of parsed) {
    if (p.format !== first.format) throw new OperationError(`sweep merge: ${p.name} is ${p.format}, ${first.name} is ${first.format}`);
    if (p.header !== first.header) throw new OperationError(`sweep merge: ${p.name}'s columns differ from ${first.name}'s (not shards of one sweep)`);
  }
  const all = parsed.flatMap((p) => p.rows.map((r) => ({ ...r, file: p.name })));
  const runs = all[0]!.runs;
  const byIndex = new Map<number, string>();
  for (const r of all) {
    if (r.runs !== runs) throw new OperationError(`sweep merge: ${r.file} is from a grid of ${r.runs} runs, others of ${runs}`);
    if (byIndex.has(r.index)) throw new OperationError(`sweep merge: run ${r.index} appears twice (${r.file}); give each shard once`);
    byIndex.set(r.index, r.line);
  }
  const missing: number[] = [];
  for (let i = 0; i < runs && missing.length < 10; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) throw new OperationError(`sweep merge: ${runs - byIndex.size} of ${runs} runs missing (first: ${missing.join(', ')}); is a shard left out?`);
  const lines = [...byIndex].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  return (first.format === 'csv' ? first.header + '\n' : '') + lines.map((l) => l + '\n').join('');
}
