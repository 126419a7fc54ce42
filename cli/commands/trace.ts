/*
 * `mksim trace`: read, summarise, compare and export traces (docs/tracing.md).
 *   mksim trace [view] FILE [--actor A] [--type T] [--from D] [--to D] [--cause ID] [--all] [--width N | --no-wrap] [--follow]
 *   mksim trace stats FILE [--json]
 *   mksim trace diff A B [--json] [--context N]
 *   mksim trace export FILE --format perfetto|chrome|mermaid|html [-o OUT] [--max N]
 *   mksim trace export FILE --format timeline -o DIR            a viewer for any size: index.html + chunks
 * Entry points for tests: viewTrace, statsTrace, diffTrace, exportTrace.
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import type { TraceRecord } from '../../kernel/index.js';
import { OperationError, UsageError } from '../errors.js';
import { diffTraces, formatDiff } from '../trace/diff.js';
import { TraceFilter, parseCauseId, splitList, type FilterOptions } from '../trace/filter.js';
import { colourWanted, parseDurationOption } from '../trace/format.js';
import { HtmlExport } from '../trace/html.js';
import { DEFAULT_MERMAID_MAX, MermaidExport } from '../trace/mermaid.js';
import { openOutput, type Output } from '../trace/output.js';
import { PerfettoExport } from '../trace/perfetto.js';
import { ChromeExport } from '../trace/chrome.js';
import { createProgress } from '../trace/progress.js';
import { followTrace } from '../trace/follow.js';
import { iterateTrace } from '../trace/reader.js';
import { formatStats, TraceStats } from '../trace/stats.js';
import { TraceView } from '../trace/view.js';
import { TimelineExport, type TimelineMeta } from '../trace/timeline.js';

export interface FilterFlags {
  actor?: string[];
  type?: string[];
  from?: string;
  to?: string;
  cause?: string;
}

export interface ViewFlags extends FilterFlags {
  all?: boolean;
  color?: boolean;
  /** Columns a line may take (--width N). */
  width?: string;
  /** false: never cut a line (--no-wrap). */
  wrap?: boolean;
  /** Keep reading as the file grows, until Ctrl-C (tail -f). */
  follow?: boolean;
}

export interface ExportFlags extends FilterFlags {
  format?: string;
  output?: string;
  max?: string;
}

const EXPORT_FORMATS = ['perfetto', 'chrome', 'mermaid', 'html', 'timeline'] as const;
/** Bytes an export gathers before it writes (and waits for the output to drain). */
const EXPORT_FLUSH_BYTES = 1 << 18;

export function filterOptions(flags: FilterFlags): FilterOptions {
  return {
    actors: splitList(flags.actor),
    types: splitList(flags.type),
    fromNs: parseDurationOption(flags.from, '--from'),
    toNs: parseDurationOption(flags.to, '--to'),
    causeId: parseCauseId(flags.cause),
  };
}

function addFilterOptions(cmd: Command): Command {
  const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
  return cmd
    .option('--actor <name>', 'only records involving this actor (repeat or comma-separate for more)', collect)
    .option('--type <type>', 'only messages of this type, or records of this kind (repeatable)', collect)
    .option('--from <duration>', 'only records at or after this virtual time (e.g. 1.5ms)')
    .option('--to <duration>', 'only records at or before this virtual time')
    .option('--cause <id>', 'only the causal chain of this message: everything it caused, transitively');
}

/** Exit 1 naming what matched nothing (a typo in --actor, --type or --cause must not look like an empty trace). */
function checkMatched(filter: TraceFilter, path: string): void {
  const problem = filter.nothingMatched(path);
  if (problem !== null) throw new OperationError(problem);
}

/** --width N, --no-wrap, else the terminal's width on a terminal and the fixed payload cuts elsewhere. */
export function viewWidth(flags: ViewFlags, out: Output, columns = process.stdout.columns): number | null | undefined {
  if (flags.wrap === false) {
    if (flags.width !== undefined) throw new UsageError('give --width N or --no-wrap, not both');
    return null;
  }
  if (flags.width !== undefined) {
    const n = Number(flags.width);
    if (!(Number.isSafeInteger(n) && n >= 40 && n <= 100_000)) throw new UsageError(`--width must be a number of columns 40..100000, got '${flags.width}'`);
    return n;
  }
  return out.isTTY && typeof columns === 'number' && columns > 0 ? Math.max(40, columns) : undefined;
}

/** The text view, line by line, into `out`; with follow, until the signal aborts. */
export async function viewTrace(path: string, flags: ViewFlags, out: Output, signal?: AbortSignal): Promise<void> {
  const filter = new TraceFilter(filterOptions(flags));
  const view = new TraceView({ all: flags.all === true, colour: flags.color ?? colourWanted(out), widthCols: viewWidth(flags, out) });
  const records: AsyncIterable<TraceRecord | null> = flags.follow === true
    ? followTrace(path, { signal: signal ?? new AbortController().signal, onNote: (text) => process.stderr.write(text + '\n') })
    : iterateTrace(path);
  let chunk = '';
  for await (const rec of records) {
    // null: a followed trace has caught up with its writer; show what there is.
    if (rec === null || chunk.length >= 1 << 16) {
      await out.write(chunk);
      chunk = '';
      if (out.closed) return;
      if (rec === null) continue;
    }
    if (filter.pastWindow(rec)) break;
    view.observe(rec);
    if (!filter.accepts(rec)) continue;
    const line = view.format(rec);
    if (line === null) continue;
    chunk += line + '\n';
  }
  await out.write(chunk);
  // A followed run was stopped by the user: a filter matching nothing yet is no error.
  if (flags.follow !== true) checkMatched(filter, path);
}

export async function statsTrace(path: string, flags: FilterFlags & { json?: boolean }): Promise<string> {
  const filter = new TraceFilter(filterOptions(flags));
  const stats = new TraceStats();
  for await (const rec of iterateTrace(path)) {
    if (filter.pastWindow(rec)) break;
    if (filter.accepts(rec)) stats.add(rec);
  }
  checkMatched(filter, path);
  const result = stats.result();
  return flags.json ? JSON.stringify(result, null, 2) + '\n' : formatStats(result);
}

export async function diffTrace(pathA: string, pathB: string, flags: { json?: boolean; context?: string }): Promise<{ text: string; identical: boolean }> {
  const context = flags.context === undefined ? undefined : Number(flags.context);
  if (context !== undefined && !(Number.isSafeInteger(context) && context >= 0 && context <= 1000)) throw new UsageError(`--context must be an integer 0..1000, got '${flags.context}'`);
  const d = await diffTraces(pathA, pathB, { context });
  return { text: flags.json ? JSON.stringify(d, null, 2) + '\n' : formatDiff(d, pathA, pathB), identical: d.identical };
}

/** Write an export of the trace at `path` to `out`; returns the number of records read. */
export async function exportTrace(path: string, flags: ExportFlags, out: Output): Promise<number> {
  const format = flags.format;
  if (format === 'timeline') throw new UsageError('--format timeline writes a directory: give -o DIR');
  if (format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${format ?? ''}'`);
  }
  const max = flags.max === undefined ? DEFAULT_MERMAID_MAX : Number(flags.max);
  if (!(Number.isSafeInteger(max) && max > 0)) throw new UsageError(`--max must be a positive integer, got '${flags.max}'`);
  const filter = new TraceFilter(filterOptions(flags));
  const progress = createProgress(`export ${format}`, { unit: 'bytes' });
  // Streaming formats hand their output to `emit` as they go; it is written (with
  // backpressure) between records, so memory stays bounded whatever the trace's size.
  let pending: (string | Uint8Array)[] = [];
  let pendingBytes = 0;
  const emit = (chunk: string | Uint8Array): void => {
    pending.push(chunk);
    pendingBytes += chunk.length;
  };
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    if (out.closed) return;
    if (typeof chunks[0] === 'string') await out.write((chunks as string[]).join(''));
    else await out.write(Buffer.concat(chunks as Uint8Array[]));
  };
  let onRecord: (rec: TraceRecord) => void;
  let finish: () => Iterable<string>;
  if (format === 'perfetto' || format === 'chrome') {
    const p = format === 'perfetto' ? new PerfettoExport(emit) : new ChromeExport(emit);
    onRecord = (rec) => { if (rec.ev === 'header' || filter.accepts(rec)) p.add(rec); };
    finish = () => {
      p.finish();
      return [];
    };
  } else if (format === 'mermaid') {
    // Bounded by itself: at most --max lines and Mermaid's 50,000 characters are kept.
    const m = new MermaidExport({ max });
    onRecord = (rec) => {
      m.observe(rec);
      if (filter.accepts(rec)) m.add(rec);
    };
    finish = () => [m.text()];
  } else {
    const h = new HtmlExport();
    onRecord = (rec) => { if (rec.ev === 'header' || filter.accepts(rec)) h.add(rec); };
    finish = () => [h.page(basename(path))];
  }
  let count = 0;
  try {
    for await (const rec of iterateTrace(path, { onBytes: (done, total) => progress.update(done, total) })) {
      if (filter.pastWindow(rec)) break;
      count++;
      onRecord(rec);
      if (pendingBytes >= EXPORT_FLUSH_BYTES) {
        await flush();
        if (out.closed) return count;
      }
    }
  } finally {
    progress.finish();
  }
  checkMatched(filter, path);
  for (const chunk of finish()) emit(chunk);
  await flush();
  return count;
}

/** The timeline viewer: a directory, written chunk by chunk as the trace is read. */
export async function exportTimeline(path: string, flags: ExportFlags): Promise<TimelineMeta> {
  if (flags.output === undefined) throw new UsageError('--format timeline writes a directory: give -o DIR');
  const filter = new TraceFilter(filterOptions(flags));
  const progress = createProgress('export timeline', { unit: 'bytes' });
  let timeline: TimelineExport;
  try {
    timeline = new TimelineExport(flags.output);
  } catch (err) {
    throw new OperationError(`cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    for await (const rec of iterateTrace(path, { onBytes: (done, total) => progress.update(done, total) })) {
      if (filter.pastWindow(rec)) break;
      if (rec.ev === 'header' || filter.accepts(rec)) timeline.add(rec);
    }
  } finally {
    progress.finish();
  }
  checkMatched(filter, path);
  return timeline.finish(basename(path));
}

async function withOutput(path: string | undefined, body: (out: Output) => Promise<void>): Promise<void> {
  const out = openOutput(path);
  try {
    await body(out);
  } finally {
    await out.close();
  }
  // `mksim bench trace` measures each command's peak memory in its own process.
  if (process.env.MKSIM_REPORT_MAXRSS === '1') process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
}

export function register(program: Command): void {
  const trace = program
    .command('trace')
    .description('read a trace: an strace-like view (default), stats, diff, export');

  // The view is the default subcommand, so `mksim trace FILE --actor fs` works and
  // each subcommand owns its options (a parent's options would swallow theirs).
  addFilterOptions(trace
    .command('view', { isDefault: true })
    .description('an strace-like view, one line per message (the default: mksim trace FILE)')
    .argument('<file>', 'trace file (JSON Lines, as boot --trace writes)')
    .option('--all', 'show every record, bookkeeping too (deliver, sched, kcall, ...)')
    .option('--color', 'colour even when not on a terminal')
    .option('--no-color', 'never colour')
    .option('--width <n>', 'cut payloads so a line fits in N columns (default: the terminal\'s width)')
    .option('--no-wrap', 'never cut a line: every payload in full')
    .option('--follow', 'keep showing records as a running boot writes them, until Ctrl-C (as tail -f)'))
    .action(async (file: string, flags: ViewFlags) => {
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      if (flags.follow === true) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      try {
        await withOutput(undefined, (out) => viewTrace(file, flags, out, stop.signal));
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });

  addFilterOptions(trace
    .command('stats')
    .description('messages per actor pair and type, round-trip latency percentiles, cache, disk, AVC, timers')
    .argument('<file>', 'trace file')
    .option('--json', 'print the statistics as JSON'))
    .action(async (file: string, flags: FilterFlags & { json?: boolean }) => {
      const text = await statsTrace(file, flags);
      await withOutput(undefined, (out) => out.write(text));
    });

  trace
    .command('diff')
    .description('where two traces first diverge, and how their statistics differ (exit 1 if they differ)')
    .argument('<a>', 'first trace')
    .argument('<b>', 'second trace')
    .option('--json', 'print the comparison as JSON')
    .option('--context <n>', 'records of context around the divergence', '3')
    .action(async (a: string, b: string, flags: { json?: boolean; context?: string }) => {
      const { text, identical } = await diffTrace(a, b, flags);
      await withOutput(undefined, (out) => out.write(text));
      if (!identical) process.exitCode = 1;
    });

  addFilterOptions(trace
    .command('export')
    .description('export to Perfetto (protobuf), Chrome trace JSON, a Mermaid sequence diagram, or a self-contained HTML viewer')
    .argument('<file>', 'trace file')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--max <n>', `mermaid: most lines in the diagram (default ${DEFAULT_MERMAID_MAX})`))
    .action(async (file: string, flags: ExportFlags) => {
      if (flags.format === 'timeline') {
        await exportTimeline(file, flags);
        if (process.env.MKSIM_REPORT_MAXRSS === '1') process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
        return;
      }
      await withOutput(flags.output, async (out) => {
        await exportTrace(file, flags, out);
      });
    });
}
