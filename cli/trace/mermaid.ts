/*
 * Export a window of a trace as a Mermaid sequenceDiagram.
 *   MermaidExport(options)   observe(rec) for every record, add(rec) for those in the window, then text()
 *   escapeMermaid(text)      message text that cannot break the diagram (#;<>{}" and the word `end`)
 * Participants appear in a stable order: spawn order, then first appearance,
 * over the whole trace, so two windows of one trace line up. Participants
 * get safe aliases (p1, p2, ...), so names like `end` or `fs.2` are fine.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { extraFields, formatFields, formatUs } from './format.js';
import { isNewMessage } from './records.js';

export interface MermaidOptions {
  /** Most lines (messages and notes) in the diagram. */
  readonly max?: number;
  /** Notes for state changes, logs, faults and errors. */
  readonly notes?: boolean;
  readonly payloadChars?: number;
}

export const DEFAULT_MERMAID_MAX = 200;
const NOTE_EVS: ReadonlySet<string> = new Set(['state', 'log', 'fault', 'error']);

/** Mermaid's entity codes (#35; is '#') for the characters its parser reads, and `end`, which closes blocks. */
export function escapeMermaid(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[#;<>{}"&%]/g, (ch) => `#${ch.charCodeAt(0)};`)
    .replace(/\bend\b/gi, (word) => `#${word.charCodeAt(0)};${word.slice(1)}`);
}

export class MermaidExport {
  private readonly order = new Map<string, number>();
  private readonly lines: { text: string; actors: string[] }[] = [];
  private readonly sentNs = new Map<number, number>();
  private skipped = 0;
  private readonly max: number;

  constructor(private readonly options: MermaidOptions = {}) {
    this.max = options.max ?? DEFAULT_MERMAID_MAX;
  }

  private see(name: unknown): void {
    if (typeof name === 'string' && !this.order.has(name)) this.order.set(name, this.order.size);
  }

  /** Every record, in order: fixes the participant order and remembers send times for round trips. */
  observe(rec: TraceRecord): void {
    if (rec.ev === 'spawn') this.see(rec.proc);
    if (isNewMessage(rec)) {
      this.see(rec.src);
      this.see(rec.dst);
      if (rec.ev === 'send') this.sentNs.set(rec.id, rec.t);
    }
  }

  /** A record inside the window. */
  add(rec: TraceRecord): void {
    const line = this.lineFor(rec);
    if (line === null) return;
    if (this.lines.length >= this.max) {
      this.skipped++;
      return;
    }
    this.lines.push(line);
  }

  private lineFor(rec: TraceRecord): { text: string; actors: string[] } | null {
    const chars = this.options.payloadChars ?? 40;
    if (isNewMessage(rec)) {
      let label = rec.type;
      const payload = formatFields(rec.msg as Record<string, unknown> | undefined, chars);
      if (payload !== '') label += ' ' + payload;
      if (rec.ev === 'reply' && typeof rec.re === 'number') {
        const sentNs = this.sentNs.get(rec.re);
        if (sentNs !== undefined) label += ` (rtt ${formatUs(rec.t - sentNs)} µs)`;
      }
      const arrow = rec.ev === 'reply' ? '-->>' : rec.ev === 'notify' ? '-)' : '->>';
      return { text: `${this.alias(rec.src)}${arrow}${this.alias(rec.dst)}: ${escapeMermaid(label)}`, actors: [rec.src, rec.dst] };
    }
    if (this.options.notes === false || !NOTE_EVS.has(rec.ev) || typeof rec.proc !== 'string') return null;
    const text = rec.ev === 'log' ? String(rec.text)
      : rec.ev === 'state' ? `${rec.machine ?? ''} ${rec.from} → ${rec.to}`.trim()
        : `${rec.ev}: ${formatFields(extraFields(rec, ['proc']), chars)}`;
    this.see(rec.proc);
    return { text: `Note over ${this.alias(rec.proc)}: ${escapeMermaid(text)}`, actors: [rec.proc] };
  }

  private alias(name: string): string {
    this.see(name);
    return `p${this.order.get(name)! + 1}`;
  }

  text(): string {
    const used = new Set(this.lines.flatMap((l) => l.actors));
    const participants = [...this.order.keys()].filter((n) => used.has(n));
    const out = ['sequenceDiagram'];
    for (const name of participants) out.push(`    participant ${this.alias(name)} as ${escapeMermaid(name)}`);
    for (const l of this.lines) out.push('    ' + l.text);
    if (this.skipped > 0 && participants.length > 0) {
      const span = participants.length === 1 ? this.alias(participants[0]!) : `${this.alias(participants[0]!)},${this.alias(participants[participants.length - 1]!)}`;
      out.push(`    Note over ${span}: … ${this.skipped} more not shown (--max ${this.max})`);
    }
    return out.join('\n') + '\n';
  }
}
