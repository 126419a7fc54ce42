/*
 * The SCHED server's process table (MINIX's schedproc.h).
 *   SchedTable.add(p) / get(ep) / remove(ep) / all()   bounded by NR_SCHED_PROCS
 *   SchedEntry                                        one process: a SchedProc the server may change
 * Invariant: every entry is a process the server is the scheduler of
 * (it did sys_schedctl for it), with 0 <= maxPriority <= priority <= 15.
 */
import type { SchedProc } from './policy.js';

export const NR_SCHED_PROCS = 256;

export interface SchedEntry extends SchedProc {
  priority: number;
  quantumNs: number;
  maxPriority: number;
  baseQuantumNs: number;
}

export class SchedTable {
  private readonly byEndpoint = new Map<number, SchedEntry>();

  get size(): number {
    return this.byEndpoint.size;
  }

  get full(): boolean {
    return this.byEndpoint.size >= NR_SCHED_PROCS;
  }

  get(endpoint: number): SchedEntry | undefined {
    return this.byEndpoint.get(endpoint);
  }

  add(entry: SchedEntry): void {
    if (this.full && !this.byEndpoint.has(entry.endpoint)) throw new Error('SCHED table full');
    this.byEndpoint.set(entry.endpoint, entry);
  }

  remove(endpoint: number): boolean {
    return this.byEndpoint.delete(endpoint);
  }

  /** Entries in endpoint order, so that policies see the same order on every run. */
  all(): SchedEntry[] {
    return [...this.byEndpoint.values()].sort((a, b) => a.endpoint - b.endpoint);
  }
}
