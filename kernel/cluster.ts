/*
 * Several hosts in one run (DESIGN §2, hosts): each a Kernel with its own
 * process table and CPU, all on one virtual timeline and in one event order.
 *   new Cluster(hosts, lookaheadNs)   the hosts, in script order (their order breaks ties), and the
 *                             least delay of anything one host does to another (the shortest link latency)
 *   run({ untilNs })          advance the host furthest behind until all are idle, stopped or at the deadline
 *   stop(reason), stopReason  end the whole run (every host's workload is done, or one host stopped)
 *   nowNs                     the run's virtual time: the furthest any host has got
 * Each host's CPU runs while its time is the earliest of all (ties: script
 * order), up to the next host's time and at most the lookahead past its own
 * (a frame it sends then can reach a host that was idle), as a conservative
 * discrete-event simulation (Chandy-Misra) does. A host can only affect another by scheduling an event on
 * it (a frame on a link) at or after its own time, so no host ever sees an
 * event in its past except by one kernel call's cost (a step's charge can
 * carry a host past its bound); the link clamps such an arrival to the
 * receiver's now (docs/network.md).
 */
import type { Kernel, RunOutcome } from './kernel.js';

export interface ClusterHost {
  readonly name: string;
  readonly kernel: Kernel;
}

/** Host switches without any host's time moving: a bound on a loop that would never end. */
const MAX_IDLE_SWITCHES = 1_000_000;

export class Cluster {
  private stopRequested: string | null = null;

  constructor(readonly hosts: readonly ClusterHost[], readonly lookaheadNs = Infinity) {
    if (hosts.length === 0) throw new RangeError('a cluster needs at least one host');
    if (!(lookaheadNs >= 1)) throw new RangeError(`cluster lookahead must be at least 1 ns, got ${lookaheadNs}`);
  }

  stop(reason: string): void {
    this.stopRequested ??= reason;
  }

  /** Why the run stopped: the cluster's reason, or the first host's that stopped itself. */
  get stopReason(): string | null {
    if (this.stopRequested !== null) return this.stopRequested;
    for (const h of this.hosts) if (h.kernel.stopReason !== null) return h.kernel.stopReason;
    return null;
  }

  get nowNs(): number {
    let now = 0;
    for (const h of this.hosts) now = Math.max(now, h.kernel.nowNs);
    return now;
  }

  run(options: { untilNs?: number } = {}): RunOutcome {
    const untilNs = options.untilNs ?? Infinity;
    const hosts = this.hosts;
    let stuck = 0;
    for (;;) {
      if (this.stopReason !== null) return 'stopped';
      // The host furthest behind, and the time of the next one after it.
      let first = -1;
      let firstNs = Infinity;
      let secondNs = Infinity;
      for (let i = 0; i < hosts.length; i++) {
        const ns = hosts[i]!.kernel.nextActivityNs();
        if (ns < firstNs) { secondNs = firstNs; firstNs = ns; first = i; } else if (ns < secondNs) secondNs = ns;
      }
      if (first < 0) return 'idle';
      if (firstNs >= untilNs) {
        // Everyone waits past the deadline: bring every clock to it, as one kernel's idle loop does.
        for (const h of hosts) if (h.kernel.nowNs < untilNs) h.kernel.run({ untilNs });
        return 'until';
      }
      const k = hosts[first]!.kernel;
      const beforeNs = k.nowNs;
      // At a tie the first host takes at least one step (its bound is one ns on), then the other catches up.
      const boundNs = Math.min(untilNs, Math.max(Math.min(secondNs, k.nowNs + this.lookaheadNs), k.nowNs + 1));
      const outcome = k.run({ untilNs: boundNs });
      if (outcome === 'stopped') return 'stopped';
      if (k.nowNs === beforeNs && outcome === 'idle') {
        if (++stuck > MAX_IDLE_SWITCHES) {
          this.stop(`host ${hosts[first]!.name}: ${MAX_IDLE_SWITCHES} host switches without time advancing`);
          return 'stopped';
        }
      } else {
        stuck = 0;
      }
    }
  }
}
