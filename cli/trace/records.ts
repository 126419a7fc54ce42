/*
 * What the trace tools know about records (DESIGN §4, docs/trace-format.md).
 *   MESSAGE_EVS, isMessage(rec)     send | deliver | notify | reply records
 *   isNewMessage(rec)               the record that introduces a message (send, notify, reply)
 *   actorsOf(rec)                   the actors a record involves (src, dst, proc, sched's from/to)
 *   ownerOf(rec)                    the actor a non-message record belongs to (its lane)
 *   hostOf(rec), onHost(rec, name)  a run of several hosts: the record's host, and an actor named host/actor
 *   INSTANT_SKIPPED_EVS, instantName(rec)  what the timeline exporters (chrome, perfetto) draw as an instant, and its label
 *   CausalTracker                   which message each actor is handling, as the kernel's causeId
 */
import type { MessageRecord, TraceRecord } from '../../kernel/index.js';

export type { MessageRecord, TraceRecord };

export const MESSAGE_EVS: ReadonlySet<string> = new Set(['send', 'deliver', 'notify', 'reply']);

/** Kinds that are bookkeeping rather than events a reader looks for: hidden by default in the text view. */
export const DETAIL_EVS: ReadonlySet<string> = new Set(['deliver', 'sched', 'quantum', 'block', 'unblock', 'kcall', 'header']);

/** Kinds the timeline exporters leave out of the instants (their cpu track has sched). */
export const INSTANT_SKIPPED_EVS: ReadonlySet<string> = new Set(['header', 'sched', 'quantum', 'block', 'unblock', 'kcall']);

/** An instant's label in the timeline exporters: a state machine's transition, a log line's start, or the kind. */
export function instantName(rec: TraceRecord): string {
  if (rec.ev === 'state') return `${rec.machine ?? ''} ${rec.from} → ${rec.to}`.trim();
  if (rec.ev === 'log') return `log: ${String(rec.text).slice(0, 60)}`;
  return rec.ev;
}

export function isMessage(rec: TraceRecord): rec is MessageRecord {
  return MESSAGE_EVS.has(rec.ev);
}

export function isNewMessage(rec: TraceRecord): rec is MessageRecord {
  return rec.ev === 'send' || rec.ev === 'notify' || rec.ev === 'reply';
}

const ACTOR_FIELDS = ['src', 'dst', 'proc', 'from', 'to'] as const;

export function actorsOf(rec: TraceRecord): string[] {
  const out: string[] = [];
  // A frame's src and dst are addresses, not actors: it belongs to its host.
  if (rec.ev === 'net') return out;
  if (rec.ev === 'state') {
    // A state record's from/to are states, not actors.
    if (typeof rec.proc === 'string') out.push(rec.proc);
    return out;
  }
  for (const f of ACTOR_FIELDS) {
    const v = rec[f];
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** The lane a non-message record is drawn on: its process, else the interrupt's target, else the machine. */
export function ownerOf(rec: TraceRecord): string | null {
  if (typeof rec.proc === 'string') return rec.proc;
  if (rec.ev === 'irq' && typeof rec.dst === 'string') return 'hardware';
  if (rec.ev === 'sched' && typeof rec.to === 'string') return rec.to;
  if (typeof rec.machine === 'string') return rec.machine;
  return null;
}

/** The host a record comes from when the run has several (DESIGN §2: only then do records name it), else null. */
export function hostOf(rec: TraceRecord): string | null {
  return typeof rec.host === 'string' ? rec.host : null;
}

/** An actor as the tools name it: host/actor in a run of several hosts (each has its own fs, pm, ...), else actor. */
export function onHost(rec: TraceRecord, actor: string): string {
  return typeof rec.host === 'string' ? `${rec.host}/${actor}` : actor;
}

/**
 * Mirrors the kernel's per-process causeId: a delivered message becomes what
 * its receiver is handling, except a reply, which the sendrec caller takes
 * without changing what it was doing. Feed every record in order.
 */
export class CausalTracker {
  private readonly handling = new Map<string, number>();
  private readonly replyIds = new Set<number>();

  observe(rec: TraceRecord): void {
    if (rec.ev === 'reply') this.replyIds.add(rec.id as number);
    else if (rec.ev === 'deliver') {
      const id = rec.id as number;
      if (this.replyIds.delete(id)) return;
      this.handling.set(rec.dst as string, id);
    } else if (rec.ev === 'exit' || rec.ev === 'fault') this.handling.delete(rec.proc as string);
  }

  /** The message an actor is handling now, or null. */
  handlingOf(actor: string): number | null {
    return this.handling.get(actor) ?? null;
  }

  /** The message a record was caused by: a message's cause, or what its owner is handling. */
  causeOf(rec: TraceRecord): number | null {
    if (isMessage(rec)) return rec.cause;
    // A record that names its cause (the disk's, emitted when the hardware moves, not while
    // its driver handles the request) is taken at its word.
    if (typeof rec.cause === 'number') return rec.cause;
    const owner = typeof rec.proc === 'string' ? rec.proc : null;
    return owner === null ? null : this.handlingOf(owner);
  }
}

/**
 * The messages a root message caused, transitively (Erlang's seq_trace): a
 * message belongs if its cause belongs, or if it is the reply to one that
 * belongs; other records belong if their owner is handling one that does.
 */
export class CauseChain {
  private readonly ids = new Set<number>();
  private readonly tracker = new CausalTracker();

  constructor(readonly rootId: number) {
    this.ids.add(rootId);
  }

  /** Feed every record in order; true if it is part of the chain. */
  accepts(rec: TraceRecord): boolean {
    let inChain: boolean;
    if (isMessage(rec)) {
      inChain = this.ids.has(rec.id);
      if (!inChain && rec.ev !== 'deliver') {
        const re = rec.re;
        if ((rec.cause !== null && this.ids.has(rec.cause)) || (typeof re === 'number' && this.ids.has(re))) {
          this.ids.add(rec.id);
          inChain = true;
        }
      }
    } else {
      const cause = this.tracker.causeOf(rec);
      inChain = cause !== null && this.ids.has(cause);
    }
    this.tracker.observe(rec);
    return inChain;
  }

  get size(): number {
    return this.ids.size;
  }
}
