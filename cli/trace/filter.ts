/*
 * Record filters shared by the view and the exports.
 *   FilterOptions                 --actor, --type, --from, --to, --cause as the command line gives them
 *   TraceFilter(options)          accepts(rec): feed every record in order (the cause chain is stateful);
 *                                 pastWindow(rec): the record is after --to (records are time-ordered:
 *                                 stop reading); nothingMatched(): what to tell the user when no record passed
 *   splitList(values)             "a,b" and repeated options -> ['a', 'b']
 */
import type { TraceRecord } from '../../kernel/index.js';
import { UsageError } from '../errors.js';
import { actorsOf, CauseChain, hostOf, isMessage } from './records.js';

export interface FilterOptions {
  readonly actors?: readonly string[];
  readonly types?: readonly string[];
  readonly fromNs?: number;
  readonly toNs?: number;
  readonly causeId?: number;
}

export function splitList(values: readonly string[] | string | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return list.length === 0 ? undefined : list;
}

export function parseCauseId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const id = /^#?(\d+)$/.exec(text);
  if (id === null || !Number.isSafeInteger(Number(id[1]))) throw new UsageError(`--cause must be a message id such as 42, got '${text}'`);
  return Number(id[1]);
}

/** Bound on the names remembered to list the known ones in a message. */
const MAX_KNOWN_NAMES = 10_000;
/** Names listed in a message before "and N more". */
const LISTED_NAMES = 30;

function listNames(names: ReadonlySet<string>): string {
  const sorted = [...names].sort();
  const shown = sorted.slice(0, LISTED_NAMES).join(', ');
  return sorted.length > LISTED_NAMES ? `${shown} and ${sorted.length - LISTED_NAMES} more` : shown;
}

export class TraceFilter {
  private readonly actors: ReadonlySet<string> | null;
  private readonly types: ReadonlySet<string> | null;
  private readonly chain: CauseChain | null;
  /** What the records read so far hold, to name the values that matched nothing. */
  private readonly knownActors = new Set<string>();
  /** Several hosts: the actors' names without their host (a bare --actor fs matches fs on every host). */
  private readonly knownBareActors = new Set<string>();
  private readonly knownTypes = new Set<string>();
  private readonly knownEvs = new Set<string>();
  private causeSeen = false;
  private firstMessageId: number | null = null;
  private lastMessageId: number | null = null;
  private matched = 0;
  private stoppedAtNs: number | null = null;

  constructor(private readonly options: FilterOptions) {
    this.actors = options.actors ? new Set(options.actors) : null;
    this.types = options.types ? new Set(options.types) : null;
    this.chain = options.causeId !== undefined ? new CauseChain(options.causeId) : null;
    if (options.fromNs !== undefined && options.toNs !== undefined && options.toNs < options.fromNs) {
      throw new UsageError(`--to (${options.toNs} ns) is before --from (${options.fromNs} ns)`);
    }
  }

  /** True when no option narrows anything. */
  get passesAll(): boolean {
    const o = this.options;
    return this.actors === null && this.types === null && this.chain === null && o.fromNs === undefined && o.toNs === undefined;
  }

  accepts(rec: TraceRecord): boolean {
    if (!this.passesAll) this.learn(rec);
    const ok = this.test(rec);
    if (ok) this.matched++;
    return ok;
  }

  /** True once a record lies after --to: the trace is time-ordered, so nothing later can pass. */
  pastWindow(rec: TraceRecord): boolean {
    const toNs = this.options.toNs;
    if (toNs === undefined || rec.t <= toNs) return false;
    this.stoppedAtNs = rec.t;
    return true;
  }

  /**
   * After the last record: null when some record passed, else a message naming the
   * values that occur nowhere in what was read, with the ones that do.
   */
  nothingMatched(file: string): string | null {
    if (this.matched > 0 || this.passesAll) return null;
    const where = this.stoppedAtNs === null ? file : `${file} up to --to`;
    const problems: string[] = [];
    for (const a of this.options.actors ?? []) {
      if (!this.knownActors.has(a) && !this.knownBareActors.has(a)) problems.push(`--actor ${a}: no such actor in ${where}; actors: ${listNames(this.knownActors)}`);
    }
    for (const t of this.options.types ?? []) {
      if (!this.knownTypes.has(t) && !this.knownEvs.has(t)) {
        problems.push(`--type ${t}: no message type or record kind ${t} in ${where}; message types: ${listNames(this.knownTypes)}; record kinds: ${listNames(this.knownEvs)}`);
      }
    }
    const causeId = this.options.causeId;
    if (causeId !== undefined && !this.causeSeen) {
      const range = this.firstMessageId === null ? 'it has no messages' : `its message ids run from ${this.firstMessageId} to ${this.lastMessageId}`;
      problems.push(`--cause ${causeId}: no message #${causeId} in ${where}; ${range}`);
    }
    if (problems.length === 0) problems.push(`no record in ${where} passes all of the filters together (each value occurs in the trace)`);
    return problems.join('\n');
  }

  private learn(rec: TraceRecord): void {
    const host = hostOf(rec);
    for (const a of actorsOf(rec)) {
      if (this.knownActors.size >= MAX_KNOWN_NAMES) break;
      this.knownActors.add(host === null ? a : `${host}/${a}`);
      if (host !== null) this.knownBareActors.add(a);
    }
    if (this.knownEvs.size < MAX_KNOWN_NAMES) this.knownEvs.add(rec.ev);
    if (isMessage(rec)) {
      if (this.knownTypes.size < MAX_KNOWN_NAMES) this.knownTypes.add(rec.type);
      if (rec.ev !== 'deliver') {
        this.firstMessageId ??= rec.id;
        this.lastMessageId = Math.max(this.lastMessageId ?? rec.id, rec.id);
        if (rec.id === this.options.causeId) this.causeSeen = true;
      }
    }
  }

  /** Several hosts: --actor client/fs is fs on host client; a bare fs is fs on any host. */
  private involvesActor(rec: TraceRecord): boolean {
    const host = hostOf(rec);
    for (const a of actorsOf(rec)) {
      if (this.actors!.has(a) || (host !== null && this.actors!.has(`${host}/${a}`))) return true;
    }
    return false;
  }

  private test(rec: TraceRecord): boolean {
    // The chain must see every record, even those another filter drops.
    if (this.chain !== null && !this.chain.accepts(rec)) return false;
    const o = this.options;
    if (o.fromNs !== undefined && rec.t < o.fromNs) return false;
    if (o.toNs !== undefined && rec.t > o.toNs) return false;
    if (this.types !== null && !this.types.has(isMessage(rec) ? rec.type : rec.ev) && !this.types.has(rec.ev)) return false;
    if (this.actors !== null && !this.involvesActor(rec)) return false;
    return true;
  }
}
