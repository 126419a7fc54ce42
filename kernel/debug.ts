/*
 * Kernel-side debugging hooks (`mksim boot --break`): read-only snapshots of
 * the kernel's tables, as MINIX's IS server gets them (sys_getinfo of the
 * process table, F1..F12 dumps), for a debugger outside the simulated system.
 *   procTable(k)        one row per live process: endpoint, priority, state, CPU, quantum left
 *   mailboxes(k)        per process: pending notifications, senda queue, caller queue (blocked senders)
 *   DumpRegistry        dumps actors offer of their own tables (ActorContext.offerDump): the FS's
 *                       buffer cache, a disk's bytes; called only by the debugger, never by an actor
 * Nothing here changes kernel state or emits a record: a run with a break gives the same trace.
 */
import { ANY, HARDWARE } from './endpoint.js';
import type { Kernel } from './kernel.js';
import { blockedOn, RTS_NO_PRIV, RTS_NO_QUANTUM, RTS_RECEIVING, RTS_SENDING, RTS_STOPPED, type Proc } from './proc.js';

export interface ProcRow {
  readonly name: string;
  readonly endpoint: number;
  readonly priority: number;
  /** running, ready, sending to X, receiving from X, no quantum, stopped, not started. */
  readonly state: string;
  readonly cpuTimeNs: number;
  readonly quantumLeftNs: number;
  readonly pendingSignals: number;
}

export interface MailboxRow {
  readonly name: string;
  /** Sources with a notification pending (coalesced, one per source). */
  readonly notifications: readonly string[];
  /** senda messages waiting, oldest first: "type from source". */
  readonly async: readonly string[];
  /** Processes blocked sending to it, FIFO: "source (type)". */
  readonly callers: readonly string[];
}

function peerName(k: Kernel, ep: number): string {
  if (ep === ANY) return 'ANY';
  if (ep === HARDWARE) return 'hardware';
  return k.nameOf(ep);
}

function stateOf(k: Kernel, p: Proc, running: Proc | null): string {
  if (p === running && p.inReadyQueue) return 'running';
  if (p.inReadyQueue) return 'ready';
  const f = p.rtsFlags;
  const parts: string[] = [];
  if (f & RTS_SENDING) parts.push(`sending to ${peerName(k, blockedOn(p))}`);
  if (f & RTS_RECEIVING) parts.push(`receiving from ${peerName(k, p.getFrom)}`);
  if (f & RTS_NO_QUANTUM) parts.push('out of quantum');
  if (f & RTS_STOPPED) parts.push('stopped');
  if (f & RTS_NO_PRIV) parts.push('not started');
  return parts.length > 0 ? parts.join(', ') : 'blocked';
}

export function procTable(k: Kernel): ProcRow[] {
  const running = k.runningProc;
  return k.processes().map((p) => ({
    name: p.name, endpoint: p.endpoint, priority: p.priority, state: stateOf(k, p, running),
    cpuTimeNs: p.cpuTimeNs, quantumLeftNs: p.quantumLeftNs, pendingSignals: p.sigPending,
  }));
}

/** Bound on entries listed per queue: a flooded mailbox is summarised, not printed whole. */
const MAX_LISTED = 64;

export function mailboxes(k: Kernel): MailboxRow[] {
  return k.processes().map((p) => {
    const notifications: string[] = [];
    for (let slot = 0; slot < p.notifyPending.length * 32 && notifications.length < MAX_LISTED; slot++) {
      if ((p.notifyPending[slot >>> 5]! & (1 << (slot & 31))) !== 0) notifications.push(k.nameOfSlot(slot));
    }
    const async: string[] = [];
    for (let a = p.asyncHead; a !== null && async.length < MAX_LISTED; a = a.next) async.push(`${a.msg.type} from ${a.source.name}`);
    const callers: string[] = [];
    for (let c = p.callerHead; c !== null && callers.length < MAX_LISTED; c = c.nextCaller) callers.push(`${c.name} (${c.pendingMsg?.type ?? '?'})`);
    return { name: p.name, notifications, async, callers };
  });
}

export type DumpFn = (arg: string) => unknown;

/** Dumps offered by actors, by process name and topic. Kept by the kernel, read by the debugger. */
export class DumpRegistry {
  private readonly byProc = new Map<string, Map<string, DumpFn>>();

  offer(proc: string, topic: string, fn: DumpFn): void {
    let m = this.byProc.get(proc);
    if (m === undefined) this.byProc.set(proc, (m = new Map()));
    m.set(topic, fn);
  }

  /** Forget a dead process's dumps (its tables went with it). */
  drop(proc: string): void {
    this.byProc.delete(proc);
  }

  /** The dump's result, or undefined when the process offers no such topic. */
  call(proc: string, topic: string, arg = ''): unknown {
    const fn = this.byProc.get(proc)?.get(topic);
    return fn === undefined ? undefined : fn(arg);
  }

  /** Processes offering a topic, in the order they offered it. */
  offering(topic: string): string[] {
    return [...this.byProc].filter(([, m]) => m.has(topic)).map(([p]) => p);
  }
}
