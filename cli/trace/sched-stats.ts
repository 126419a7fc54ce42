/*
 * Per-process scheduling metrics from a trace, as MOSS's scheduling
 * simulator prints them (one row per process: CPU time, waiting, completion).
 *   SchedStats           add(rec) for each record, then result()
 *   ProcSchedRow         one process: CPU, ready-wait, response, turnaround, switches, signal latency
 *   formatSchedStats(r)  the table `mksim trace stats` prints
 * Built from spawn, sched (waitNs, preempted), exit/fault and signal deliver records (docs/tracing.md).
 */
import type { TraceRecord } from '../../kernel/index.js';
import { formatNs, formatTable } from './table.js';

export interface ProcSchedRow {
  readonly proc: string;
  readonly priority: number | null;
  readonly spawnNs: number;
  /** Time holding the CPU: from each sched to it until the next sched. */
  readonly cpuNs: number;
  /** Time ready but not running: the sum of the waitNs of its dispatches. */
  readonly readyWaitNs: number;
  /** First dispatch minus spawn; null if it never ran. */
  readonly responseNs: number | null;
  /** Exit minus spawn; null if it did not exit in the trace. */
  readonly turnaroundNs: number | null;
  /** Times it was given the CPU (context switches to it). */
  readonly switches: number;
  /** Times it lost the CPU while still ready (quantum end, a higher priority). */
  readonly preemptions: number;
  readonly signals: number;
  readonly signalLatencyMeanNs: number | null;
  readonly signalLatencyMaxNs: number | null;
  readonly exitCode: number | null;
}

interface Acc {
  proc: string;
  priority: number | null;
  spawnNs: number;
  cpuNs: number;
  readyWaitNs: number;
  firstRunNs: number | null;
  endNs: number | null;
  exitCode: number | null;
  switches: number;
  preemptions: number;
  signals: number;
  signalSumNs: number;
  signalMaxNs: number | null;
}

/** Bound on rows kept: a fork bomb's trace must not grow the table without limit. */
const MAX_PROCESSES = 100_000;

export class SchedStats {
  private readonly rows: Acc[] = [];
  /** Live processes by name (names are unique among live processes, kernel uniqueName). */
  private readonly live = new Map<string, Acc>();
  private running: Acc | null = null;
  private runningSinceNs = 0;
  private dropped = 0;

  private accFor(name: string, t: number): Acc | null {
    let a = this.live.get(name);
    if (a !== undefined) return a;
    // A process seen before its spawn record (a cut trace): counted from its first record.
    return this.open(name, null, t);
  }

  private open(name: string, priority: number | null, t: number): Acc | null {
    if (this.rows.length >= MAX_PROCESSES) { this.dropped++; return null; }
    const a: Acc = {
      proc: name, priority, spawnNs: t, cpuNs: 0, readyWaitNs: 0, firstRunNs: null, endNs: null, exitCode: null,
      switches: 0, preemptions: 0, signals: 0, signalSumNs: 0, signalMaxNs: null,
    };
    this.rows.push(a);
    this.live.set(name, a);
    return a;
  }

  add(rec: TraceRecord): void {
    switch (rec.ev) {
      case 'spawn':
        if (typeof rec.proc === 'string') this.open(rec.proc, typeof rec.priority === 'number' ? rec.priority : null, rec.t);
        break;
      case 'sched': {
        if (this.running !== null) this.running.cpuNs += rec.t - this.runningSinceNs;
        if (rec.preempted === true && typeof rec.from === 'string') {
          const from = this.live.get(rec.from);
          if (from !== undefined) from.preemptions++;
        }
        this.running = null;
        if (typeof rec.to === 'string') {
          const to = this.accFor(rec.to, rec.t);
          if (to !== null) {
            to.switches++;
            to.firstRunNs ??= rec.t;
            if (typeof rec.waitNs === 'number') to.readyWaitNs += rec.waitNs;
            this.running = to;
            this.runningSinceNs = rec.t;
          }
        }
        break;
      }
      case 'exit':
      case 'fault': {
        if (typeof rec.proc !== 'string') break;
        const a = this.live.get(rec.proc);
        if (a === undefined) break;
        a.endNs = rec.t;
        a.exitCode = rec.ev === 'exit' && typeof rec.code === 'number' ? rec.code : null;
        // It keeps the CPU (in the accounting) until the next sched record says who took it.
        this.live.delete(rec.proc);
        break;
      }
      case 'signal': {
        if (rec.op !== 'deliver' || typeof rec.proc !== 'string' || typeof rec.latencyNs !== 'number') break;
        const a = this.live.get(rec.proc);
        if (a === undefined) break;
        a.signals++;
        a.signalSumNs += rec.latencyNs;
        a.signalMaxNs = Math.max(a.signalMaxNs ?? 0, rec.latencyNs);
        break;
      }
    }
  }

  /** The rows in spawn order; endNs closes a process still running at the trace's end. */
  result(endNs: number): ProcSchedRow[] {
    return this.rows.map((a) => {
      const cpuNs = a.cpuNs + (a === this.running ? endNs - this.runningSinceNs : 0);
      return {
        proc: a.proc, priority: a.priority, spawnNs: a.spawnNs, cpuNs, readyWaitNs: a.readyWaitNs,
        responseNs: a.firstRunNs === null ? null : a.firstRunNs - a.spawnNs,
        turnaroundNs: a.endNs === null ? null : a.endNs - a.spawnNs,
        switches: a.switches, preemptions: a.preemptions, signals: a.signals,
        signalLatencyMeanNs: a.signals === 0 ? null : Math.round(a.signalSumNs / a.signals),
        signalLatencyMaxNs: a.signalMaxNs, exitCode: a.exitCode,
      };
    });
  }

  /** Processes not counted because the table was full. */
  get droppedTotal(): number {
    return this.dropped;
  }
}

const nsOrDash = (v: number | null): string => (v === null ? '-' : formatNs(v));

export function formatSchedStats(rows: readonly ProcSchedRow[]): string {
  return formatTable(
    ['process', 'prio', 'cpu', 'ready-wait', 'response', 'turnaround', 'switches', 'preempted', 'signals', 'sig-lat mean', 'sig-lat max'],
    rows.map((r) => [
      r.proc, r.priority === null ? '-' : String(r.priority), formatNs(r.cpuNs), formatNs(r.readyWaitNs), nsOrDash(r.responseNs),
      nsOrDash(r.turnaroundNs), String(r.switches), String(r.preemptions), String(r.signals), nsOrDash(r.signalLatencyMeanNs), nsOrDash(r.signalLatencyMaxNs),
    ]),
  );
}
