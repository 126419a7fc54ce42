/*
 * The access vector cache an object manager links (SELinux's avc.c): access
 * decisions keyed on (source context, target context, class), filled on a
 * miss by a sendrec to the security server, flushed when the server says
 * the policy or the mode changed.
 *   new Avc(ctx, options)            one cache per object manager
 *   avc.hasPerm(s, t, cls, perms, audit)   yield*: 0 if allowed (or not enforced), -EACCES if denied;
 *                                    audit is data, or a generator run only when a line is written
 *   avc.handleNotify(m)              call for NOTIFY messages: true if it was the security server's
 *   avc.flush(), avc.stats
 *   avc.generation                   bumped by every reset (a notification, a newer policy seqno): descriptors
 *                                    opened under an older one are revalidated (Linux's avc_policy_seqno)
 * In permissive mode, or for a permissive domain, a denial is logged once and
 * then granted in the cache entry, so it is not logged again (as Linux does).
 */
import { EACCES, NONE, NOTIFY, sendrec, type ActorContext, type Endpoint, type Envelope, type KernelCall } from '../../kernel/index.js';
import type { SecReply } from '../../servers/security/protocol.js';
import { formatAvcLine, type AuditData, type AvcRecordFields } from './audit.js';

export interface AvcOptions {
  /** Name of the security server's endpoint (default 'security'). */
  readonly server?: string;
  /** Most entries kept; the oldest is evicted beyond it (Linux's default avc cache_threshold is 512). */
  readonly capacity?: number;
  /** Receives each audit line (an object manager's audit log). */
  readonly onAudit?: (line: string, record: AvcRecordFields) => void;
}

interface AvcEntry {
  readonly seqno: number;
  allowed: Set<string>;
  readonly auditallow: ReadonlySet<string>;
  readonly auditdeny: ReadonlySet<string>;
  readonly permissiveDomain: boolean;
  /** Permissions a constraint removed, and where that constraint is written. */
  readonly constrained: ReadonlySet<string>;
  readonly constraintAt?: string;
}

/**
 * The audit data of a check, or how to get it: a generator run only when an
 * audit line is written (the FS asks the kernel for the process's name then).
 */
export type AuditSource = AuditData | (() => Generator<KernelCall, AuditData, any>);

export interface AvcStats {
  lookups: number;
  hits: number;
  misses: number;
  flushes: number;
  evictions: number;
  denials: number;
}

const DEFAULT_CAPACITY = 512;

interface LoggedDecision {
  readonly decision: 'denied' | 'granted';
  readonly perms: string[];
  readonly permissive: 0 | 1;
}

export class Avc {
  private readonly entries = new Map<string, AvcEntry>();
  private readonly capacity: number;
  private serverEp: Endpoint = NONE;
  /** Newest policy seqno seen; entries from an older one are stale. */
  private seqno = 0;
  /** Last mode the server reported; a mode change arrives as a notification and a flush. */
  private enforcing = true;
  private resets = 0;
  readonly stats: AvcStats = { lookups: 0, hits: 0, misses: 0, flushes: 0, evictions: 0, denials: 0 };

  constructor(private readonly ctx: ActorContext, private readonly options: AvcOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!(this.capacity >= 1)) throw new Error('avc capacity must be at least 1');
  }

  get size(): number { return this.entries.size; }

  get generation(): number { return this.resets; }

  private server(): Endpoint {
    if (this.serverEp === NONE) this.serverEp = this.ctx.endpointOf(this.options.server ?? 'security');
    return this.serverEp;
  }

  private trace(op: string, fields: Record<string, unknown>): void {
    if (this.ctx.traceOn) this.ctx.trace('cache', { cache: 'avc', op, ...fields });
  }

  flush(reason: string): void {
    this.stats.flushes++;
    this.trace('flush', { reason, entries: this.entries.size, seqno: this.seqno });
    this.entries.clear();
  }

  /** A notification from the security server means the policy or the mode changed: drop every entry. */
  handleNotify(m: Envelope): boolean {
    if (m.type !== NOTIFY || m.source !== this.server()) return false;
    this.resets++;
    this.flush('notify');
    return true;
  }

  /**
   * Check `perms` of `tclass` from `scontext` on `tcontext`. Returns 0 when
   * allowed or not enforced, -EACCES when denied, or the server's -errno
   * (EINVAL for an invalid context or an unknown class or permission).
   */
  *hasPerm(scontext: string, tcontext: string, tclass: string, perms: string | readonly string[], audit: AuditSource = {}): Generator<KernelCall, number, any> {
    const wanted = typeof perms === 'string' ? [perms] : perms;
    this.stats.lookups++;
    const key = `${scontext}\u0000${tcontext}\u0000${tclass}`;
    let entry = this.entries.get(key);
    if (entry !== undefined && entry.seqno === this.seqno) {
      this.stats.hits++;
      this.trace('hit', { scontext, tcontext, tclass });
    } else {
      this.stats.misses++;
      this.trace('miss', { scontext, tcontext, tclass });
      const r: Envelope<SecReply> | number = yield sendrec(this.server(), { type: 'SEC_COMPUTE_AV', scontext, tcontext, tclass });
      if (typeof r === 'number') return r;
      if (r.status !== 0) return r.status;
      if (r.seqno !== this.seqno || r.enforcing !== this.enforcing) {
        // A reload or mode change we have not been told of yet: nothing cached is current.
        if (this.entries.size > 0) this.flush('seqno');
        this.resets++;
        this.seqno = r.seqno;
        this.enforcing = r.enforcing;
      }
      entry = {
        seqno: r.seqno, allowed: new Set(r.allowed), auditallow: new Set(r.auditallow),
        auditdeny: new Set(r.auditdeny), permissiveDomain: r.permissive === true, constrained: new Set(r.constrained ?? []),
        ...(r.constraintAt !== undefined ? { constraintAt: r.constraintAt } : {}),
      };
      this.insert(key, entry);
    }
    const d = this.decide(entry, wanted);
    if (d.logged !== null) {
      const data = typeof audit === 'function' ? yield* audit() : audit;
      const byConstraint = d.logged.decision === 'denied' && d.logged.perms.some((p) => entry!.constrained.has(p));
      this.audit(d.logged.decision, d.logged.perms, d.logged.permissive, scontext, tcontext, tclass,
        byConstraint ? { ...data, reason: 'constraint', ...(entry.constraintAt !== undefined ? { constraint: entry.constraintAt } : {}) } : data);
    }
    return d.result;
  }

  private insert(key: string, entry: AvcEntry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.stats.evictions++;
      this.trace('evict', { entries: this.entries.size });
    }
    this.entries.set(key, entry);
  }

  /** The decision, and what to log about it (the caller writes the line once it has the audit data). */
  private decide(entry: AvcEntry, wanted: readonly string[]): { result: number; logged: LoggedDecision | null } {
    const denied = wanted.filter((p) => !entry.allowed.has(p));
    if (denied.length === 0) {
      const granted = wanted.filter((p) => entry.auditallow.has(p));
      return { result: 0, logged: granted.length > 0 ? { decision: 'granted', perms: granted, permissive: 0 } : null };
    }
    this.stats.denials++;
    const enforced = this.enforcing && !entry.permissiveDomain;
    const perms = denied.filter((p) => entry.auditdeny.has(p));
    const logged: LoggedDecision | null = perms.length > 0 ? { decision: 'denied', perms, permissive: enforced ? 0 : 1 } : null;
    if (enforced) return { result: -EACCES, logged };
    // Not enforced: grant in the cache so the same denial is logged once per entry.
    for (const p of denied) entry.allowed.add(p);
    return { result: 0, logged };
  }

  private audit(decision: 'denied' | 'granted', perms: string[], permissive: 0 | 1, scontext: string, tcontext: string, tclass: string, audit: AuditData & Pick<AvcRecordFields, 'reason' | 'constraint'>): void {
    const record: AvcRecordFields = { decision, perms: [...perms].sort(), ...audit, scontext, tcontext, tclass, permissive };
    if (this.ctx.traceOn) this.ctx.trace('avc', { ...record });
    this.options.onAudit?.(formatAvcLine(record), record);
  }
}
