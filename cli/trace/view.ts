/*
 * The strace-like text view of a trace: one line per message, at its
 * virtual time in µs, `src -> dst`, the type, the payload's fields, and on a
 * reply the round-trip latency of the request it answers.
 *   TraceView(options)      format(rec): the line for a record, or null when hidden
 *   ViewOptions             { all, colour, widthCols }
 * Numbers are decoded as strace does (cli/trace/decode.ts): flags=O_WRONLY|O_CREAT|O_TRUNC,
 * status=-EACCES, signal=SIGALRM, mode=0644.
 * Arrows: -> send, ->> asynchronous send (senda), => reply, ~> notify, <- deliver.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { decodeField } from './decode.js';
import { extraFields, formatFields, formatUs, formatValue, palette, type Palette } from './format.js';
import { DETAIL_EVS, isMessage, type MessageRecord } from './records.js';

export interface ViewOptions {
  /** Show every record, bookkeeping too (deliver, sched, quantum, kcall, block). */
  readonly all?: boolean;
  readonly colour?: boolean;
  /**
   * Columns a line may take: the payload is cut with … to fit (never the time, actors, type
   * or ids). null: never cut (--no-wrap). Undefined: the payload alone is cut at 60 characters
   * (120 for other records), the view's default off a terminal.
   */
  readonly widthCols?: number | null;
}

/** Fewest payload characters shown, however narrow the width. */
const MIN_PAYLOAD_CHARS = 12;
function visibleLength(text: string): number {
  // A fresh regex per call: a module-level /g regex would keep lastIndex state.
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Bound on requests remembered while waiting for their reply (a trace of one-way sends must not grow it forever). */
const MAX_PENDING_REQUESTS = 1 << 20;
const TIME_WIDTH = 12;
const ACTOR_WIDTH = 8;
const TYPE_WIDTH = 10;

function idKey(rec: TraceRecord, id: number): number | string {
  return typeof rec.host === 'string' ? `${rec.host}:${id}` : id;
}

export class TraceView {
  private readonly c: Palette;
  /** Send times by message id (several hosts: host:id, each kernel numbers its own). */
  private readonly sentNs = new Map<number | string, number>();

  constructor(private readonly options: ViewOptions = {}) {
    this.c = palette(options.colour === true);
  }

  /**
   * Remember what a reply needs (the request's send time). Call for every
   * record, shown or not, so latencies stay right under filters.
   */
  observe(rec: TraceRecord): void {
    if (rec.ev === 'send' && rec.async !== true) {
      if (this.sentNs.size >= MAX_PENDING_REQUESTS) this.sentNs.delete(this.sentNs.keys().next().value as number | string);
      this.sentNs.set(idKey(rec, rec.id as number), rec.t);
    }
  }

  /** The line for a record, or null if this view hides its kind. Call observe(rec) first. */
  format(rec: TraceRecord): string | null {
    if (!this.options.all && DETAIL_EVS.has(rec.ev)) return null;
    const time = `${this.c.dim}${formatUs(rec.t).padStart(TIME_WIDTH)}${this.c.reset}`;
    return isMessage(rec) ? this.message(time, rec) : this.event(time, rec);
  }

  /** Characters the payload may take on a line whose other parts take `usedCols`. */
  private budget(usedCols: number, legacyChars: number): number {
    const width = this.options.widthCols;
    if (width === null) return Infinity;
    if (width === undefined) return legacyChars;
    return Math.max(MIN_PAYLOAD_CHARS, width - usedCols);
  }

  private message(time: string, m: MessageRecord): string {
    const c = this.c;
    const arrow = m.ev === 'reply' ? '=>' : m.ev === 'notify' ? '~>' : m.ev === 'deliver' ? '<-' : m.async === true ? '->>' : '->';
    const arrowColour = m.ev === 'reply' ? c.green : m.ev === 'notify' ? c.yellow : m.ev === 'deliver' ? c.dim : c.blue;
    // A delivery reads from the receiver's side: `dst <- src`. Several hosts: actors are host/name.
    const at = typeof m.host === 'string' ? `${m.host}/` : '';
    const [left, right] = m.ev === 'deliver' ? [at + m.dst, at + m.src] : [at + m.src, at + m.dst];
    const parts = [
      `${c.cyan}${left.padEnd(ACTOR_WIDTH)}${c.reset} ${arrowColour}${arrow.padEnd(3)}${c.reset} ${c.cyan}${right.padEnd(ACTOR_WIDTH)}${c.reset}`,
      `${c.bold}${m.type.padEnd(TYPE_WIDTH)}${c.reset}`,
    ];
    const tail = [`#${m.id}`];
    if (m.cause !== null) tail.push(`cause #${m.cause}`);
    if (m.ev === 'reply' && typeof m.re === 'number') {
      const sentNs = this.sentNs.get(idKey(m, m.re));
      this.sentNs.delete(idKey(m, m.re));
      tail.push(sentNs === undefined ? `re #${m.re}` : `re #${m.re}, rtt ${c.green}${formatUs(m.t - sentNs)} µs${c.reset}`);
    }
    const head = `${time} ${parts.join(' ')}`;
    const end = `  ${c.dim}(${c.reset}${tail.join(', ')}${c.dim})${c.reset}`;
    const maxChars = this.budget(visibleLength(head) + 1 + visibleLength(end), 60);
    const payload = formatFields(m.msg as Record<string, unknown> | undefined, maxChars, (k, v) => decodeField(k, v, m.type));
    return `${head}${payload !== '' ? ' ' + payload : ''}${end}`;
  }

  private event(time: string, rec: TraceRecord): string {
    const c = this.c;
    const kind = rec.ev === 'fault' || rec.ev === 'error' ? `${c.red}[${rec.ev}]${c.reset}` : `${c.magenta}[${rec.ev}]${c.reset}`;
    const at = typeof rec.host === 'string' ? `${rec.host}/` : '';
    const who = typeof rec.proc === 'string' ? `${c.cyan}${at}${rec.proc}${c.reset}: ` : at !== '' ? `${c.cyan}${rec.host}${c.reset}: ` : '';
    const head = `${time} ${kind} ${who}`;
    return `${head}${this.eventBody(rec, visibleLength(head))}`;
  }

  /** The body of a non-message record: a few kinds read better in their own words, the rest as key=value. */
  private eventBody(rec: TraceRecord, usedCols: number): string {
    const fields = (obj: Record<string, unknown>, prefixCols: number, legacyChars: number): string =>
      formatFields(obj, this.budget(usedCols + prefixCols, legacyChars), (k, v) => decodeField(k, v));
    switch (rec.ev) {
      case 'log': {
        const text = String(rec.text);
        const max = this.budget(usedCols, Infinity);
        return text.length > max ? text.slice(0, max - 1) + '…' : text;
      }
      case 'sched':
        return `${rec.from ?? '(idle)'} -> ${rec.to}`;
      case 'state': {
        const move = `${rec.machine ?? ''} ${rec.from} -> ${rec.to}${rec.event !== undefined ? ` on ${formatValue(rec.event)}` : ''}`;
        const rest = fields(extraFields(rec, ['proc', 'machine', 'from', 'to', 'event']), move.length + 1, 80);
        return `${move}${rest ? ' ' + rest : ''}`;
      }
      case 'irq':
        return `hardware ~> ${rec.dst} bits=${formatValue(rec.bits)}`;
      case 'net':
        return `${rec.op} ${rec.src}:${rec.sport} > ${rec.dst}:${rec.dport} ${rec.proto} ${fields(extraFields(rec, ['proc', 'host', 'op', 'src', 'sport', 'dst', 'dport', 'proto']), 0, 120)}`;
      default:
        return fields(extraFields(rec, ['proc', 'host']), 0, 120);
    }
  }
}
