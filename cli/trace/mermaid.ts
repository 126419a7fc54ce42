/*
 * Export a window of a trace as a Mermaid sequenceDiagram.
 *   MermaidExport(options)   observe(rec) for every record, add(rec) for those in the window, then text()
 *   escapeMermaid(text)      message text that cannot break the diagram (#;<>{}" and the word `end`)
 * Participants appear in a stable order: spawn order, then first appearance,
 * over the whole trace, so two windows of one trace line up. Participants
 * get safe aliases (p1, p2, ...), so names like `end` or `fs.2` are fine.
 * Mermaid refuses a diagram over 50,000 characters (its `maxTextSize`, drawn as
 * an error box): the export stops before that, and a last note says how many
 * lines were left out. Notes are cut at NOTE_MAX_CHARS; AVC denials are notes.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { extraFields, formatFields, formatUs } from './format.js';
import { isNewMessage } from './records.js';
import { isAvcDenial } from './stats.js';

export interface MermaidOptions {
  /** Most lines (messages and notes) in the diagram. */
  readonly max?: number;
  /** Notes for state changes, logs, faults and errors. */
  readonly notes?: boolean;
  readonly payloadChars?: number;
}

export const DEFAULT_MERMAID_MAX = 200;
const NOTE_EVS: ReadonlySet<string> = new Set(['state', 'log', 'fault', 'error', 'avc']);
/** Mermaid's default maxTextSize: a longer diagram text is not drawn. */
export const MERMAID_MAX_CHARS = 50_000;
/** Room kept for the closing note and its participants. */
const CLOSING_RESERVE_CHARS = 400;
/** A note's text beyond this is cut with …: one long log line would make the diagram thousands of pixels wide. */
export const NOTE_MAX_CHARS = 100;
/** Requests remembered for their round-trip time. */
const MAX_PENDING_REQUESTS = 1 << 16;

function cut(text: string, maxChars: number): string {
  return text.length > maxChars ? text.slice(0, maxChars - 1) + '…' : text;
}

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
  /** Characters of the diagram so far: the lines and the participants they use. */
  private chars = 'sequenceDiagram\n'.length;
  private readonly usedActors = new Set<string>();
  private fullAt: 'max' | 'size' | null = null;

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
      if (rec.ev === 'send') {
        if (this.sentNs.size >= MAX_PENDING_REQUESTS) this.sentNs.delete(this.sentNs.keys().next().value as number);
        this.sentNs.set(rec.id, rec.t);
      }
    }
  }

  /** A record inside the window. */
  add(rec: TraceRecord): void {
    const line = this.lineFor(rec);
    if (line === null) return;
    if (this.fullAt === null && this.lines.length >= this.max) this.fullAt = 'max';
    if (this.fullAt === null) {
      let cost = 5 + line.text.length;
      for (const a of line.actors) if (!this.usedActors.has(a)) cost += this.participantLine(a).length + 1;
      if (this.chars + cost > MERMAID_MAX_CHARS - CLOSING_RESERVE_CHARS) this.fullAt = 'size';
      else {
        this.chars += cost;
        for (const a of line.actors) this.usedActors.add(a);
      }
    }
    if (this.fullAt !== null) {
      this.skipped++;
      return;
    }
    this.lines.push(line);
  }

  private participantLine(name: string): string {
    return `    participant ${this.alias(name)} as ${escapeMermaid(name)}`;
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
    if (rec.ev === 'avc' && !isAvcDenial(rec)) return null;
    const text = rec.ev === 'log' ? String(rec.text)
      : rec.ev === 'state' ? `${rec.machine ?? ''} ${rec.from} → ${rec.to}`.trim()
        : rec.ev === 'avc' ? avcNote(rec)
          : `${rec.ev}: ${formatFields(extraFields(rec, ['proc']), chars)}`;
    this.see(rec.proc);
    return { text: `Note over ${this.alias(rec.proc)}: ${escapeMermaid(cut(text, NOTE_MAX_CHARS))}`, actors: [rec.proc] };
  }

  /** What has been skipped so far: lines left out, and why. */
  get leftOut(): { lines: number; reason: 'max' | 'size' | null } {
    return { lines: this.skipped, reason: this.fullAt };
  }

  private alias(name: string): string {
    this.see(name);
    return `p${this.order.get(name)! + 1}`;
  }

  text(): string {
    const used = new Set(this.lines.flatMap((l) => l.actors));
    const participants = [...this.order.keys()].filter((n) => used.has(n));
    const out = ['sequenceDiagram'];
    for (const name of participants) out.push(this.participantLine(name));
    for (const l of this.lines) out.push('    ' + l.text);
    if (this.skipped > 0 && participants.length > 0) {
      const span = participants.length === 1 ? this.alias(participants[0]!) : `${this.alias(participants[0]!)},${this.alias(participants[participants.length - 1]!)}`;
      const why = this.fullAt === 'size' ? `Mermaid's ${MERMAID_MAX_CHARS} character limit` : `--max ${this.max}`;
      out.push(`    Note over ${span}: … ${this.skipped} more not shown (${escapeMermaid(why)}, narrow with --from, --to, --actor)`);
    }
    return out.join('\n') + '\n';
  }
}

/** An AVC denial as auditd words it: avc: denied { write } scontext=... tcontext=... tclass=file. */
function avcNote(rec: TraceRecord): string {
  const perms = Array.isArray(rec.perms) ? rec.perms.join(' ') : typeof rec.perm === 'string' ? rec.perm : '';
  return `avc: denied { ${perms} } ${formatFields({ scontext: rec.scontext, tcontext: rec.tcontext, tclass: rec.tclass })}`;
}
