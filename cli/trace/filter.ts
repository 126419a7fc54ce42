/*
 * Record filters shared by the view and the exports.
 *   FilterOptions                 --actor, --type, --from, --to, --cause as the command line gives them
 *   TraceFilter(options)          accepts(rec): feed every record in order (the cause chain is stateful)
 *   splitList(values)             "a,b" and repeated options -> ['a', 'b']
 */
import type { TraceRecord } from '../../kernel/index.js';
import { UsageError } from '../errors.js';
import { actorsOf, CauseChain, isMessage } from './records.js';

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

export class TraceFilter {
  private readonly actors: ReadonlySet<string> | null;
  private readonly types: ReadonlySet<string> | null;
  private readonly chain: CauseChain | null;

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
    // The chain must see every record, even those another filter drops.
    if (this.chain !== null && !this.chain.accepts(rec)) return false;
    const o = this.options;
    if (o.fromNs !== undefined && rec.t < o.fromNs) return false;
    if (o.toNs !== undefined && rec.t > o.toNs) return false;
    if (this.types !== null && !this.types.has(isMessage(rec) ? rec.type : rec.ev) && !this.types.has(rec.ev)) return false;
    if (this.actors !== null && !actorsOf(rec).some((a) => this.actors!.has(a))) return false;
    return true;
  }
}
