/*
 * Fault injection for services (the boot script's `fault DRIVER kill-driver|crash-driver|drop-reply` lines).
 *   ServiceFault             one fault: kind, and when (at a virtual time, or on the nth request), how many times
 *   ServiceFaultPlan         shared by every instance of a service, so counts go on across restarts:
 *                            onRequest() -> crash/kill/none, dropsReply(request), due timed faults
 *   scheduleTimedFaults(k, label, plan)   the at= faults: kill or crash whatever instance runs at that time
 *   serviceFaultsFromLines(label, lines)  the boot script's fault lines naming this service (user-facing errors)
 * Requests are counted over the service's life, the re-sent ones included, so
 * `crash-driver nth=3 count=10` crashes the instance that gets request 3, the
 * one that gets the re-sent request 4, and so on: ten crashes in a row.
 * Nothing here draws on randomness: a fault fires by the same rule on every run.
 */
import type { Kernel } from '../../kernel/index.js';

export type ServiceFaultKind = 'kill-driver' | 'crash-driver' | 'drop-reply';

export const SERVICE_FAULT_KINDS: readonly ServiceFaultKind[] = ['kill-driver', 'crash-driver', 'drop-reply'];

export interface ServiceFault {
  readonly kind: ServiceFaultKind;
  /** Virtual time of the fault (kill/crash: of the instance running then; drop: the first reply at or after). */
  readonly atNs?: number;
  /** On the nth request (1-based, counted across restarts). */
  readonly nth?: number;
  /** How many consecutive requests (or replies after atNs) it affects; default 1. */
  readonly count?: number;
}

/** The exit code of a killed service: 128 + SIGKILL, as a shell reports it. */
export const KILLED_EXIT_CODE = 137;

export class ServiceFaultPlan {
  /** Requests received by every instance so far. */
  requestsTotal = 0;
  private readonly dropsLeftAfter: { atNs: number; left: number }[] = [];

  constructor(readonly faults: readonly ServiceFault[]) {
    for (const f of faults) {
      const count = f.count ?? 1;
      if (f.nth === undefined && f.atNs === undefined) fail(`fault ${f.kind}: say when, with at=TIME or nth=N`);
      if (f.nth !== undefined && f.atNs !== undefined) fail(`fault ${f.kind}: at= and nth= cannot go together`);
      if (f.nth !== undefined && !(Number.isSafeInteger(f.nth) && f.nth >= 1)) fail(`fault ${f.kind}: nth must be an integer >= 1, got ${f.nth}`);
      if (!(Number.isSafeInteger(count) && count >= 1)) fail(`fault ${f.kind}: count must be an integer >= 1, got ${count}`);
      if (f.kind === 'drop-reply' && f.atNs !== undefined) this.dropsLeftAfter.push({ atNs: f.atNs, left: count });
    }
  }

  /** Count one request arriving; what the instance that got it must do. */
  onRequest(): { readonly index: number; readonly action: 'crash' | 'kill' | null } {
    const index = ++this.requestsTotal;
    for (const f of this.faults) {
      if (f.kind === 'drop-reply' || f.nth === undefined) continue;
      if (index >= f.nth && index < f.nth + (f.count ?? 1)) return { index, action: f.kind === 'kill-driver' ? 'kill' : 'crash' };
    }
    return { index, action: null };
  }

  /** Is the reply to request `index`, sent at nowNs, to be lost? */
  dropsReply(index: number, nowNs: number): boolean {
    for (const f of this.faults) {
      if (f.kind === 'drop-reply' && f.nth !== undefined && index >= f.nth && index < f.nth + (f.count ?? 1)) return true;
    }
    for (const d of this.dropsLeftAfter) {
      if (nowNs >= d.atNs && d.left > 0) {
        d.left--;
        return true;
      }
    }
    return false;
  }
}

/** The shape of a parsed `fault TARGET KIND key=value...` line (cli/boot's Directive fits it). */
export interface FaultLine {
  readonly positional: readonly string[];
  readonly words: readonly string[];
  readonly values: ReadonlyMap<string, unknown>;
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { userFacing: true });
}

/** The service faults among `lines` that name `label` (disk faults and other targets are skipped). */
export function serviceFaultsFromLines(label: string, lines: readonly FaultLine[]): ServiceFault[] {
  const out: ServiceFault[] = [];
  for (const line of lines) {
    const kind = line.words[0] as ServiceFaultKind | undefined;
    if (line.positional[0] !== label || kind === undefined || !SERVICE_FAULT_KINDS.includes(kind)) continue;
    if (line.words.length > 1) fail(`fault ${label}: one kind per line, got ${line.words.join(' ')}`);
    for (const key of line.values.keys()) {
      if (key !== 'at' && key !== 'nth' && key !== 'count') fail(`fault ${label} ${kind}: ${key}= does not apply (use at=, nth=, count=)`);
    }
    const num = (key: string): number | undefined => {
      const v = line.values.get(key);
      if (v === undefined) return undefined;
      if (typeof v !== 'number') fail(`fault ${label} ${kind}: ${key}= expects a number`);
      return v as number;
    };
    const fault: { -readonly [K in keyof ServiceFault]: ServiceFault[K] } = { kind };
    const atNs = num('at'), nth = num('nth'), count = num('count');
    if (atNs !== undefined) fault.atNs = atNs;
    if (nth !== undefined) fault.nth = nth;
    if (count !== undefined) fault.count = count;
    out.push(fault);
  }
  // Checked as a plan: when, how often.
  new ServiceFaultPlan(out);
  return out;
}

/**
 * Program the at= kills and crashes as hardware-like events: at that time the
 * live process named `label`, whichever instance it is, dies (kill: exit
 * 137; crash: as if it threw). A fault due while the service is down
 * (between a death and its restart) finds nothing to kill: traced, skipped.
 */
export function scheduleTimedFaults(k: Kernel, label: string, plan: ServiceFaultPlan): void {
  for (const f of plan.faults) {
    if (f.atNs === undefined || f.kind === 'drop-reply') continue;
    for (let i = 0; i < (f.count ?? 1); i++) {
      // count > 1 with at=: the same fault again 1 ms after each previous one.
      k.schedule(f.atNs + i * 1_000_000, () => {
        const p = k.procByName(label);
        if (k.trace.on) k.emit({ seq: 0, t: k.nowNs, ev: 'inject', proc: label, kind: f.kind, hit: p !== null });
        if (p === null) return;
        if (f.kind === 'kill-driver') k.destroy(p, KILLED_EXIT_CODE);
        else k.destroy(p, -1, new Error(`injected crash (fault ${label} crash-driver at=${f.atNs}ns)`));
      });
    }
  }
}
