/*
 * The IPC primitives with MINIX 3 semantics (proc.c's mini_send,
 * mini_receive, mini_notify, mini_senda and deadlock).
 *   doSend(k, caller, dst, msg, how)   send / sendrec's send half / sendnb
 *   doReceive(k, caller, src)          receive: notifications, then async, then the caller queue
 *   doNotify(k, caller, dst, bits)     notify: never blocks, coalesces per source
 *   doSenda(k, caller, dst, msg)       asynchronous send (system processes)
 *   deadlock(k, caller, target, sending)   follow the blocked-on chain (ELOCKED)
 *   clearEndpoint(k, dead)             a process died: remove it from everyone's IPC state
 *   clearIpc(k, p)                     p stops sending and receiving (exec, and the dead itself)
 * The primitives return a result for the caller, or BLOCKED when the caller
 * must wait. Only this file changes IPC state (RTS_SENDING/RECEIVING, caller
 * queues, pending notifications, queued senda messages).
 * Every message is copied at the send (copy.ts), so the receiver's is its own;
 * notifications are built by the kernel at delivery and shared with no one.
 */
import { refuseMessage } from './copy.js';
import { ANY, HARDWARE_SLOT, NONE, slotOf, type Endpoint } from './endpoint.js';
import { ECALLDENIED, EDEADSRCDST, EINVAL, ELOCKED, ENOSPC, ENOTREADY, errnoName, OK } from './errno.js';
import { NOTIFY, type Envelope, type Message, type Notification } from './message.js';
import { maySendTo } from './priv.js';
import { blockedOn, MF_REPLY_PEND, RTS_RECEIVING, RTS_SENDING, type AsyncMessage, type Proc } from './proc.js';
import type { Kernel } from './kernel.js';

/** Returned by a primitive when the caller has been blocked. */
export const BLOCKED = Symbol('blocked');
export type IpcOutcome = number | Envelope | typeof BLOCKED;

export const enum SendHow {
  Send = 0,
  Sendrec = 1,
  Sendnb = 2,
}

/** A bound on async messages queued for one receiver (TigerBeetle: limits on everything). */
export const MAX_ASYNC_PER_RECEIVER = 4096;

/** Can `dst` take a message from `src` right now? */
function accepts(dst: Proc, src: Endpoint): boolean {
  return (dst.rtsFlags & (RTS_RECEIVING | RTS_SENDING)) === RTS_RECEIVING
    && (dst.getFrom === ANY || dst.getFrom === src);
}

/** Hand `msg` to a process blocked in receive, and make it runnable. */
function deliver(k: Kernel, dst: Proc, msg: Envelope, id: number, srcName: string, cause: number): void {
  dst.rtsFlags &= ~RTS_RECEIVING;
  dst.getFrom = NONE;
  if (dst.miscFlags & MF_REPLY_PEND) {
    // The reply to a sendrec: the receiver goes on with the cause it had.
    dst.miscFlags &= ~MF_REPLY_PEND;
    dst.requestMsgId = 0;
  } else {
    dst.causeId = id;
  }
  dst.result = msg;
  if (k.trace.on) k.traceMessage('deliver', id, srcName, dst.name, msg.type, cause);
  k.makeReady(dst);
}

export function doSend(k: Kernel, caller: Proc, dstEp: Endpoint, msg: Message, how: SendHow): IpcOutcome {
  // The receiver's own copy, made now: what the sender changes after the call is its own (copy.ts).
  const env = k.copyPlans.copy(msg);
  if (env === null) return refuseMessage(k, caller, how === SendHow.Sendrec ? 'sendrec' : 'send', dstEp, msg);
  const dst = k.procOf(dstEp);
  if (dst === null || dst === caller) return k.callError(caller, how === SendHow.Sendrec ? 'sendrec' : 'send', dst === null ? EDEADSRCDST : ELOCKED, dstEp);
  if (!maySendTo(caller.priv, dst.name)) return k.callError(caller, 'send', ECALLDENIED, dstEp);

  const ready = accepts(dst, caller.endpoint);
  if (!ready) {
    if (how === SendHow.Sendnb) return k.callError(caller, 'sendnb', ENOTREADY, dstEp);
    if (deadlock(k, caller, dstEp, true)) return k.callError(caller, how === SendHow.Sendrec ? 'sendrec' : 'send', ELOCKED, dstEp);
  }

  const id = k.nextMsgId();
  env.source = caller.endpoint;
  const isReply = (dst.miscFlags & MF_REPLY_PEND) !== 0 && dst.getFrom === caller.endpoint;
  const cause = caller.causeId;
  if (k.trace.on) k.traceMessage(isReply ? 'reply' : 'send', id, caller.name, dst.name, env.type, cause, env, isReply ? dst.requestMsgId : 0);
  if (how === SendHow.Sendrec) caller.requestMsgId = id;

  if (ready) {
    deliver(k, dst, env, id, caller.name, cause);
    return OK;
  }
  // Block: the message waits in the sender, the sender waits in dst's caller queue (FIFO).
  caller.rtsFlags |= RTS_SENDING;
  caller.sendTo = dst.endpoint;
  caller.pendingMsg = env;
  caller.pendingMsgId = id;
  caller.nextCaller = null;
  if (dst.callerTail === null) dst.callerHead = caller;
  else dst.callerTail.nextCaller = caller;
  dst.callerTail = caller;
  k.block(caller, 'send', dst.name);
  return BLOCKED;
}

/** The receive half of sendrec: only `from` may answer, never a notification. */
export function awaitReply(k: Kernel, caller: Proc, from: Endpoint): typeof BLOCKED {
  caller.miscFlags |= MF_REPLY_PEND;
  caller.rtsFlags |= RTS_RECEIVING;
  caller.getFrom = from;
  if ((caller.rtsFlags & RTS_SENDING) === 0) k.block(caller, 'receive', k.nameOf(from));
  return BLOCKED;
}

export function doReceive(k: Kernel, caller: Proc, srcEp: Endpoint): IpcOutcome {
  let srcSlot = -1;
  if (srcEp !== ANY) {
    const src = k.procOf(srcEp);
    if (src === null && srcEp !== k.hardwareEndpoint) return k.callError(caller, 'receive', EDEADSRCDST, srcEp);
    srcSlot = slotOf(srcEp);
  }

  // 1. Pending notifications, lowest source slot first.
  if (caller.notifyCount > 0 && (caller.miscFlags & MF_REPLY_PEND) === 0) {
    const slot = srcSlot < 0 ? lowestPending(caller) : (isPending(caller, srcSlot) ? srcSlot : -1);
    if (slot >= 0) return takeNotification(k, caller, slot);
  }

  // 2. Asynchronous messages, FIFO.
  if (caller.asyncHead !== null) {
    let prev: AsyncMessage | null = null;
    for (let a: AsyncMessage | null = caller.asyncHead; a !== null; prev = a, a = a.next) {
      if (srcEp !== ANY && a.source.endpoint !== srcEp) continue;
      if (prev === null) caller.asyncHead = a.next;
      else prev.next = a.next;
      if (caller.asyncTail === a) caller.asyncTail = prev;
      caller.asyncCount--;
      const env = a.msg as Envelope;
      caller.causeId = a.id;
      if (k.trace.on) k.traceMessage('deliver', a.id, a.source.name, caller.name, env.type, a.cause);
      return env;
    }
  }

  // 3. The caller queue: blocked senders, FIFO.
  let prev: Proc | null = null;
  for (let s = caller.callerHead; s !== null; prev = s, s = s.nextCaller) {
    if (srcEp !== ANY && s.endpoint !== srcEp) continue;
    unlinkCaller(caller, s, prev);
    const env = s.pendingMsg as Envelope;
    const id = s.pendingMsgId;
    s.pendingMsg = null;
    s.rtsFlags &= ~RTS_SENDING;
    s.sendTo = NONE;
    if (s.rtsFlags === 0) {
      s.result = OK;
      k.makeReady(s);
    }
    caller.causeId = id;
    if (k.trace.on) k.traceMessage('deliver', id, s.name, caller.name, env.type, s.causeId);
    return env;
  }

  // 4. Nothing: block, unless that would never end. As MINIX mini_receive, the
  // deadlock check comes only now: a message already there is taken first.
  if (srcEp !== ANY && deadlock(k, caller, srcEp, false)) return k.callError(caller, 'receive', ELOCKED, srcEp);
  caller.rtsFlags |= RTS_RECEIVING;
  caller.getFrom = srcEp;
  k.block(caller, 'receive', srcEp === ANY ? 'ANY' : k.nameOf(srcEp));
  return BLOCKED;
}

function unlinkCaller(receiver: Proc, s: Proc, prev: Proc | null): void {
  if (prev === null) receiver.callerHead = s.nextCaller;
  else prev.nextCaller = s.nextCaller;
  if (receiver.callerTail === s) receiver.callerTail = prev;
  s.nextCaller = null;
}

/** Take `s` out of `receiver`'s caller queue, if it is there. */
function removeCaller(receiver: Proc, s: Proc): void {
  let prev: Proc | null = null;
  for (let c = receiver.callerHead; c !== null; prev = c, c = c.nextCaller) {
    if (c === s) {
      unlinkCaller(receiver, s, prev);
      return;
    }
  }
}

/**
 * MINIX's clear_ipc: `p` stops sending and receiving. If it was blocked
 * sending, it leaves the caller queue of its target (found through `target`
 * when that is dying and no longer answers to its endpoint); its message is
 * dropped. Its own queues and pending notifications stay: exec keeps them.
 */
export function clearIpc(k: Kernel, p: Proc, target: Proc | null = null): void {
  if (p.rtsFlags & RTS_SENDING) {
    const receiver = target ?? k.procOf(p.sendTo);
    if (receiver !== null) removeCaller(receiver, p);
  }
  p.rtsFlags &= ~(RTS_SENDING | RTS_RECEIVING);
  p.miscFlags &= ~MF_REPLY_PEND;
  p.sendTo = NONE;
  p.getFrom = NONE;
  p.pendingMsg = null;
  p.pendingMsgId = 0;
  p.requestMsgId = 0;
  p.nextCaller = null;
}

/**
 * MINIX's clear_endpoint: `dead` (already off the CPU and no longer alive)
 * disappears from every other process's IPC state, as clear_ipc(dead) and
 * then clear_ipc_refs(dead, EDEADSRCDST) do:
 *  - it stops sending (out of its receiver's caller queue) and receiving;
 *  - every process blocked on it fails with EDEADSRCDST: senders in its caller
 *    queue, sendrec clients in either phase (SENDING|RECEIVING or waiting for
 *    the reply), receivers waiting for a message from it only;
 *  - its bit in every notify bitmap is cleared, so the next occupant of its
 *    slot is not credited with its notifications (unset_sys_bit s_notify_pending);
 *  - its queued senda messages are dropped in every receiver (MINIX clears
 *    s_asyn_pending and s_asynsize: the table died with the sender).
 * Processes are visited in slot order, as MINIX walks its process table.
 */
export function clearEndpoint(k: Kernel, dead: Proc): void {
  clearIpc(k, dead);
  const word = dead.slot >>> 5;
  const bit = 1 << (dead.slot & 31);
  for (const p of k.processes()) {
    if (p === dead) continue;
    if (p.notifyPending[word]! & bit) {
      p.notifyPending[word]! &= ~bit;
      p.notifyCount--;
    }
    p.notifyBits?.delete(dead.slot);
    p.notifyIds?.delete(dead.slot);
    p.notifyCauses?.delete(dead.slot);
    if (p.asyncCount > 0) dropAsyncFrom(p, dead);
    if (blockedOn(p) === dead.endpoint) failBlocked(k, p, dead, EDEADSRCDST);
  }
  // Nothing is left to deliver to the dead (MINIX: its slot is reset on reuse).
  assert(dead.callerHead === null, 'a caller queue outlives clear_ipc_refs');
  dead.callerTail = null;
  dead.asyncHead = dead.asyncTail = null;
  dead.asyncCount = 0;
  dead.notifyPending.fill(0);
  dead.notifyCount = 0;
  dead.notifyBits = dead.notifyIds = dead.notifyCauses = null;
}

/** The call `p` is blocked in fails with `errno` (clear_ipc_refs sets retreg, then clear_ipc). */
function failBlocked(k: Kernel, p: Proc, dead: Proc, errno: number): void {
  clearIpc(k, p, dead);
  p.result = -errno;
  if (k.trace.on) k.emit({ seq: 0, t: k.nowNs, ev: 'error', proc: p.name, call: 'ipc', err: errnoName(errno), peer: dead.name });
  k.makeReady(p);
}

/** Drop the senda messages `sender` queued for `receiver`. */
function dropAsyncFrom(receiver: Proc, sender: Proc): void {
  let prev: AsyncMessage | null = null;
  for (let a = receiver.asyncHead; a !== null; a = a.next) {
    if (a.source !== sender) { prev = a; continue; }
    if (prev === null) receiver.asyncHead = a.next;
    else prev.next = a.next;
    if (receiver.asyncTail === a) receiver.asyncTail = prev;
    receiver.asyncCount--;
  }
}

function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`ipc invariant: ${what}`);
}

export function doNotify(k: Kernel, caller: Proc | null, dstEp: Endpoint, bits: number, cause = 0): number {
  const dst = k.procOf(dstEp);
  const callName = 'notify';
  if (dst === null) return caller ? k.callError(caller, callName, EDEADSRCDST, dstEp) : -EDEADSRCDST;
  if (caller !== null && !maySendTo(caller.priv, dst.name)) return k.callError(caller, callName, ECALLDENIED, dstEp);
  const srcSlot = caller === null ? HARDWARE_SLOT : caller.slot;
  const srcEndpoint = caller === null ? k.hardwareEndpoint : caller.endpoint;
  const srcName = caller === null ? 'hardware' : caller.name;
  const causeId = caller === null ? cause : caller.causeId;
  const id = k.nextMsgId();
  if (k.trace.on) k.traceMessage('notify', id, srcName, dst.name, NOTIFY, causeId, bits !== 0 ? { bits } : undefined);

  if (accepts(dst, srcEndpoint) && (dst.miscFlags & MF_REPLY_PEND) === 0) {
    const note: Notification = { type: NOTIFY, source: srcEndpoint, bits, timestampNs: k.nowNs };
    deliver(k, dst, note as Envelope, id, srcName, causeId);
    return OK;
  }
  // Coalesce: one pending notification per source, its bits ORed.
  if (!isPending(dst, srcSlot)) {
    dst.notifyPending[srcSlot >>> 5]! |= 1 << (srcSlot & 31);
    dst.notifyCount++;
  }
  if (bits !== 0) {
    dst.notifyBits ??= new Map();
    dst.notifyBits.set(srcSlot, (dst.notifyBits.get(srcSlot) ?? 0) | bits);
  }
  dst.notifyIds ??= new Map();
  dst.notifyIds.set(srcSlot, id);
  if (dst.notifyCauses === null) dst.notifyCauses = new Map();
  dst.notifyCauses.set(srcSlot, causeId);
  return OK;
}

function isPending(p: Proc, slot: number): boolean {
  return (p.notifyPending[slot >>> 5]! & (1 << (slot & 31))) !== 0;
}

function lowestPending(p: Proc): number {
  const words = p.notifyPending;
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (word !== 0) return w * 32 + (31 - Math.clz32(word & -word));
  }
  return -1;
}

function takeNotification(k: Kernel, caller: Proc, slot: number): Envelope {
  caller.notifyPending[slot >>> 5]! &= ~(1 << (slot & 31));
  caller.notifyCount--;
  const bits = caller.notifyBits?.get(slot) ?? 0;
  caller.notifyBits?.delete(slot);
  const id = caller.notifyIds?.get(slot) ?? 0;
  caller.notifyIds?.delete(slot);
  const cause = caller.notifyCauses?.get(slot) ?? 0;
  caller.notifyCauses?.delete(slot);
  const source = k.endpointOfSlot(slot);
  const note: Notification = { type: NOTIFY, source, bits, timestampNs: k.nowNs };
  caller.causeId = id;
  if (k.trace.on) k.traceMessage('deliver', id, k.nameOfSlot(slot), caller.name, NOTIFY, cause);
  return note as Envelope;
}

export function doSenda(k: Kernel, caller: Proc, dstEp: Endpoint, msg: Message): number {
  const env = k.copyPlans.copy(msg);
  if (env === null) return refuseMessage(k, caller, 'senda', dstEp, msg);
  const dst = k.procOf(dstEp);
  if (dst === null) return k.callError(caller, 'senda', EDEADSRCDST, dstEp);
  if (!caller.priv.system || !maySendTo(caller.priv, dst.name)) return k.callError(caller, 'senda', ECALLDENIED, dstEp);
  const id = k.nextMsgId();
  env.source = caller.endpoint;
  const cause = caller.causeId;
  if (k.trace.on) k.traceMessage('send', id, caller.name, dst.name, env.type, cause, env, 0, true);
  const r = deliverOrQueue(k, caller, dst, env, id, cause);
  return r === OK ? OK : k.callError(caller, 'senda', ENOSPC, dstEp);
}

/**
 * The asynchronous half shared by senda and kernelSend: hand env to dst if it is
 * waiting for `from` (and not for a reply), else queue it FIFO, bounded (-ENOSPC).
 */
function deliverOrQueue(k: Kernel, from: Proc, dst: Proc, env: Envelope, id: number, cause: number): number {
  if (accepts(dst, from.endpoint) && (dst.miscFlags & MF_REPLY_PEND) === 0) {
    deliver(k, dst, env, id, from.name, cause);
    return OK;
  }
  if (dst.asyncCount >= MAX_ASYNC_PER_RECEIVER) return -ENOSPC;
  const node: AsyncMessage = { source: from, msg: env, id, cause, next: null };
  if (dst.asyncTail === null) dst.asyncHead = node;
  else dst.asyncTail.next = node;
  dst.asyncTail = node;
  dst.asyncCount++;
  return OK;
}

/**
 * MINIX's deadlock(): follow the chain of blocked processes from the target.
 * If it leads back to the caller, the call would never finish: ELOCKED. The
 * one harmless cycle is a pair where one side sends and the other receives.
 */
export function deadlock(k: Kernel, caller: Proc, target: Endpoint, callerSends: boolean): boolean {
  let next = target;
  let groupSize = 1;
  // Bounded: a chain longer than the process table must repeat.
  for (let hops = 0; next !== ANY && hops < k.maxProcs; hops++) {
    const xp = k.procOf(next);
    if (xp === null) return false;
    groupSize++;
    next = blockedOn(xp);
    if (next === NONE) return false;
    if (next === caller.endpoint) {
      const xpSends = (xp.rtsFlags & RTS_SENDING) !== 0;
      if (groupSize === 2 && xpSends !== callerSends) return false;
      return true;
    }
  }
  return false;
}

/**
 * A message the kernel sends on a process's behalf without blocking it
 * (MINIX's mini_send(..., FROM_KERNEL) in notify_scheduler): delivered at
 * once if dst is receiving from it, else queued with the asynchronous
 * messages, so that clearing a dead process drops it as it drops a senda.
 * No privilege check: the kernel chose the destination. Not copied: the kernel
 * built the message and keeps no reference to it (as notifications).
 */
export function kernelSend(k: Kernel, from: Proc, dst: Proc, msg: Message): number {
  const id = k.nextMsgId();
  const env = msg as Envelope;
  env.source = from.endpoint;
  if (k.trace.on) k.traceMessage('send', id, from.name, dst.name, msg.type, 0, msg, 0, true);
  return deliverOrQueue(k, from, dst, env, id, 0);
}
