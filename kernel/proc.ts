/*
 * The process table entry, as MINIX's struct proc: scheduling fields, the
 * IPC state (RTS flags, the caller queue of blocked senders, pending
 * notifications and asynchronous messages) and the actor's generator.
 *   Proc               one slot of the process table
 *   RTS_* flags        why a process is not runnable
 *   blockedOn(p)       the endpoint p waits for (MINIX's P_BLOCKEDON)
 * Invariant: a process is in a ready queue iff rtsFlags === 0 and it is alive.
 */
import type { ActorGenerator } from './call.js';
import { MAX_SLOTS, NONE, type Endpoint } from './endpoint.js';
import type { Message } from './message.js';
import type { Privileges } from './priv.js';

export const RTS_SENDING = 0x04;
export const RTS_RECEIVING = 0x08;
/** Not yet started, or killed but not reaped: never scheduled. */
export const RTS_NO_PRIV = 0x20;
/** Stopped by the process manager (SIGSTOP) or by sys_stop. */
export const RTS_STOPPED = 0x40;
/**
 * Out of quantum, waiting for its scheduler's sys_schedule (MINIX's
 * RTS_NO_QUANTUM, set by notify_scheduler).
 */
export const RTS_NO_QUANTUM = 0x100;
/** An access faulted and VM has not yet answered (MINIX's RTS_PAGEFAULT, set by the pagefault handler). */
export const RTS_PAGEFAULT = 0x400;
/** Misc flag: the process did sendrec and waits for the reply; notifications must not satisfy it. */
export const MF_REPLY_PEND = 0x1;

/** An asynchronous (senda) message waiting in the receiver's kernel queue. */
export interface AsyncMessage {
  readonly source: Proc;
  readonly msg: Message;
  readonly id: number;
  readonly cause: number;
  next: AsyncMessage | null;
}

export class Proc {
  // Identity.
  readonly slot: number;
  readonly endpoint: Endpoint;
  readonly name: string;
  readonly priv: Privileges;
  alive = true;

  // Scheduling.
  priority: number;
  quantumNs: number;
  /** CPU ns left of the quantum (counted exactly; tickless and clockless kernels expire on it). */
  quantumLeftNs: number;
  /** Clock ticks left of the quantum (periodic clock: MINIX 3.1's p_ticks_left). */
  ticksLeft = 1;
  /** Who decides its priority and quantum: a scheduler's endpoint, or NONE for the kernel (MINIX's p_scheduler). */
  scheduler: Endpoint = NONE;
  nextReady: Proc | null = null;
  inReadyQueue = false;
  cpuTimeNs = 0;
  /** When it last became ready, or was switched out still ready (the `waitNs` of its next sched record). */
  readySinceNs = 0;
  /** Remaining ns of a work() call; 0 when none. */
  workLeftNs = 0;

  // The program.
  gen: ActorGenerator<unknown> | null = null;
  /** Value the generator is resumed with on its next run. */
  result: unknown = undefined;

  // IPC state.
  rtsFlags = 0;
  miscFlags = 0;
  /** Valid while RTS_SENDING: the target. */
  sendTo: Endpoint = NONE;
  /** Valid while RTS_RECEIVING: whom it accepts (an endpoint or ANY). */
  getFrom: Endpoint = NONE;
  /** The message held while RTS_SENDING, as MINIX keeps it in p_sendmsg. */
  pendingMsg: Message | null = null;
  pendingMsgId = 0;
  /** Id of the sendrec request whose reply this process waits for (for trace `re`). */
  requestMsgId = 0;
  /** Id of the message being handled: the cause of what this process sends. 0 = none. */
  causeId = 0;

  /** FIFO of processes blocked sending to this one, linked through nextCaller. */
  callerHead: Proc | null = null;
  callerTail: Proc | null = null;
  nextCaller: Proc | null = null;

  /** Pending notifications: one bit per source slot, coalesced. */
  readonly notifyPending = new Uint32Array(MAX_SLOTS / 32);
  notifyCount = 0;
  /** Coalesced bits per source slot, and the id of the newest notify of each. */
  notifyBits: Map<number, number> | null = null;
  notifyIds: Map<number, number> | null = null;
  notifyCauses: Map<number, number> | null = null;

  /** senda messages waiting to be received, FIFO. */
  asyncHead: AsyncMessage | null = null;
  asyncTail: AsyncMessage | null = null;
  asyncCount = 0;

  /** Signals marked pending by sys_sigsend (bit n = signal n), taken by the process's runtime. */
  sigPending = 0;
  sigGeneratedNs = new Map<number, number>();

  /** Free for the owner of the process (the process manager's bookkeeping lives in its own tables). */
  exitCode: number | null = null;

  constructor(slot: number, endpoint: Endpoint, name: string, priv: Privileges, priority: number, quantumNs: number) {
    this.slot = slot;
    this.endpoint = endpoint;
    this.name = name;
    this.priv = priv;
    this.priority = priority;
    this.quantumNs = quantumNs;
    this.quantumLeftNs = quantumNs;
  }
}

export function blockedOn(p: Proc): Endpoint {
  if (p.rtsFlags & RTS_SENDING) return p.sendTo;
  if (p.rtsFlags & RTS_RECEIVING) return p.getFrom;
  return NONE;
}
