/*
 * Message copying: a receiver never shares a mutable object with its sender,
 * as MINIX copies every message from the sender's memory into the receiver's
 * (proc.c mini_send -> CopyMess / copy_msg_to_user).
 *   copyMessage(msg)                      the receiver's own copy (source to be set), or null if msg is not plain data
 *   CopyPlans                             a kernel's cache of per-shape copiers: the same copy, made faster
 *   refuseMessage(k, caller, call, dst, msg)   trace why a message was refused; -EINVAL
 *   MAX_MESSAGE_DEPTH, MAX_MESSAGE_VALUES, MAX_INLINE_BYTES   the bounds of a message
 * A message is plain data: numbers, strings, booleans, null/undefined, plain
 * objects and arrays nested at most MAX_MESSAGE_DEPTH deep, and Uint8Arrays of
 * at most MAX_INLINE_BYTES (MINIX's whole message is 64 bytes). Bulk data
 * moves by grants (grant.ts), never in a message.
 */
import { EINVAL } from './errno.js';
import type { Endpoint } from './endpoint.js';
import type { Kernel } from './kernel.js';
import { NOTIFY, type Envelope } from './message.js';
import type { Proc } from './proc.js';

/** Objects and arrays inside objects and arrays: a cycle always passes this bound, so it is refused. */
export const MAX_MESSAGE_DEPTH = 4;
/** Values inside nested objects and arrays, all levels together (a directory listing fits). */
export const MAX_MESSAGE_VALUES = 8192;
/** A byte array a message may carry inline; anything larger goes by grant. */
export const MAX_INLINE_BYTES = 64;

const REFUSED = Symbol('refused');

interface Budget { left: number }

/**
 * The copy the receiver gets. Flat messages (the common case) cost one new
 * object and one pass over the fields; strings are immutable and shared.
 */
export function copyMessage(msg: unknown): Envelope | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const proto: unknown = Object.getPrototypeOf(msg);
  if (proto !== Object.prototype && proto !== null) return null;
  // `source` first, so the kernel's store of it changes no object shape (a spread clone followed by
  // adding `source` made V8 build a new shape per message: 8x slower routing).
  const out: Record<string, unknown> = { source: 0 };
  let budget: Budget | null = null;
  for (const key in msg) {
    const v = (msg as Record<string, unknown>)[key];
    switch (typeof v) {
      case 'number': case 'string': case 'boolean': case 'undefined':
        out[key] = v;
        break;
      case 'object': {
        if (v === null) { out[key] = null; break; }
        budget ??= { left: MAX_MESSAGE_VALUES };
        const c = copyNested(v, 1, budget);
        if (c === REFUSED) return null;
        out[key] = c;
        break;
      }
      default:
        return null;
    }
  }
  // Only notify() makes a NOTIFY: a forged one would be taken for a notification and never answered.
  if (typeof out.type !== 'string' || out.type === NOTIFY) return null;
  return out as Envelope;
}

function copyNested(v: object, depth: number, budget: Budget): unknown {
  if (depth > MAX_MESSAGE_DEPTH) return REFUSED;
  if (Array.isArray(v)) {
    if ((budget.left -= v.length) < 0) return REFUSED;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = copyValue(v[i], depth, budget);
      if (c === REFUSED) return REFUSED;
      out[i] = c;
    }
    return out;
  }
  if (v instanceof Uint8Array) {
    if (v.length > MAX_INLINE_BYTES || (budget.left -= v.length) < 0) return REFUSED;
    return v.slice();
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return REFUSED;
  const out: Record<string, unknown> = { ...v };
  for (const key in out) {
    if (--budget.left < 0) return REFUSED;
    const x = out[key];
    if (typeof x === 'number' || typeof x === 'string') continue;
    const c = copyValue(x, depth, budget);
    if (c === REFUSED) return REFUSED;
    out[key] = c;
  }
  return out;
}

function copyValue(v: unknown, depth: number, budget: Budget): unknown {
  switch (typeof v) {
    case 'number': case 'string': case 'boolean': case 'undefined':
      return v;
    case 'object':
      return v === null ? null : copyNested(v, depth + 1, budget);
    default:
      return REFUSED;
  }
}

/** At most this many message shapes get a copier per kernel, and this many per message type. */
export const MAX_COPY_PLANS = 1024;
export const MAX_PLANS_PER_TYPE = 8;

/** One message shape (its keys in enumeration order) and the copier generated for it. */
interface CopyPlan {
  readonly keys: readonly string[];
  readonly copy: (msg: object) => Envelope | null;
  next: CopyPlan | null;
}

/**
 * A kernel's copy plans: for each message shape seen (its type and its keys in
 * order), a copier generated once that reads every field by name and builds
 * the copy as one object literal, so V8 allocates it from a fixed template as
 * MINIX's CopyMess moves a fixed-size message (proc.c mini_send), instead of
 * adding the fields one by one. A message matches a plan only when it
 * enumerates exactly the plan's keys in the plan's order; the copier checks
 * every value as copyMessage does (nested objects are copied deeply by
 * copyNested) and gives what copyMessage gives, field order included. Any
 * other message takes copyMessage and may become a plan. Bounded: at most
 * MAX_PLANS_PER_TYPE shapes per type and MAX_COPY_PLANS in all; then
 * copyMessage alone. The cache belongs to one kernel (no module state).
 */
export class CopyPlans {
  private readonly byType = new Map<string, CopyPlan>();
  private plansTotal = 0;

  /** Shapes that have a copier. */
  get size(): number {
    return this.plansTotal;
  }

  copy(msg: unknown): Envelope | null {
    if (typeof msg !== 'object' || msg === null) return null;
    const type = (msg as { type?: unknown }).type;
    if (typeof type !== 'string') return null;
    const proto: unknown = Object.getPrototypeOf(msg);
    if (proto !== Object.prototype && proto !== null) return null;
    const first = this.byType.get(type);
    for (let plan: CopyPlan | null = first ?? null; plan !== null; plan = plan.next) {
      if (sameKeys(msg, plan.keys)) return plan.copy(msg);
    }
    const env = copyMessage(msg);
    if (env !== null && this.plansTotal < MAX_COPY_PLANS) this.addPlan(type, msg, first ?? null);
    return env;
  }

  private addPlan(type: string, msg: object, first: CopyPlan | null): void {
    let count = 0;
    for (let p = first; p !== null; p = p.next) count++;
    if (count >= MAX_PLANS_PER_TYPE) return;
    const keys: string[] = [];
    for (const key in msg) {
      // `__proto__` in an object literal sets the prototype: such a message keeps the generic copy.
      if (key === '__proto__') return;
      keys.push(key);
    }
    const plan: CopyPlan = { keys, copy: compileCopier(keys), next: null };
    // Appended, so the shape seen first is tried first.
    if (first === null) this.byType.set(type, plan);
    else {
      let last = first;
      while (last.next !== null) last = last.next;
      last.next = plan;
    }
    this.plansTotal++;
  }
}

function sameKeys(msg: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in msg) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * The copier for one shape. Key names are written as JSON string literals
 * (no key can break out of them); every value is checked as copyMessage
 * checks it: functions, symbols and bigints are refused, objects are copied
 * by copyNested under one budget per message. (No plan has the type NOTIFY:
 * copyMessage refuses it, so none is ever made.)
 */
function compileCopier(keys: readonly string[]): (msg: object) => Envelope | null {
  const lines: string[] = ['let budget = null;'];
  const fields: string[] = ['source: 0'];
  keys.forEach((key, i) => {
    const name = JSON.stringify(key);
    lines.push(`let v${i} = m[${name}];`);
    // The type was checked to be a string before the plan was looked up.
    if (key !== 'type') lines.push(`if (typeof v${i} === 'object') { if (v${i} !== null) { if (budget === null) budget = { left: MAX_VALUES }; v${i} = nest(v${i}, 1, budget); if (v${i} === REFUSED) return null; } }`
      + ` else if (typeof v${i} === 'function' || typeof v${i} === 'symbol' || typeof v${i} === 'bigint') return null;`);
    fields.push(`${name}: v${i}`);
  });
  lines.push(`return { ${fields.join(', ')} };`);
  const factory = new Function('nest', 'REFUSED', 'MAX_VALUES',
    `'use strict'; return function copyPlan(m) { ${lines.join(' ')} };`) as
    (nest: typeof copyNested, refused: symbol, maxValues: number) => (msg: object) => Envelope | null;
  return factory(copyNested, REFUSED, MAX_MESSAGE_VALUES);
}

/** Why copyMessage refused msg, for the trace (only on the error path). */
export function whyRefused(msg: unknown): string {
  if (typeof msg !== 'object' || msg === null) return 'not an object';
  const type = (msg as { type?: unknown }).type;
  if (typeof type !== 'string') return 'no string type';
  if (type === NOTIFY) return 'a forged NOTIFY';
  const find = (v: unknown, path: string, depth: number, seen: Set<unknown>): string | null => {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return `${path} is a ${typeof v}`;
    if (typeof v !== 'object' || v === null) return null;
    if (seen.has(v)) return `${path} is a cycle`;
    if (depth > MAX_MESSAGE_DEPTH) return `${path} nests deeper than ${MAX_MESSAGE_DEPTH}`;
    if (v instanceof Uint8Array) return v.length > MAX_INLINE_BYTES ? `${path} holds ${v.length} bytes (more than ${MAX_INLINE_BYTES}: use a grant)` : null;
    const proto: unknown = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return `${path} is a ${(v as object).constructor?.name ?? 'non-plain object'}`;
    seen.add(v);
    for (const key in v) {
      const r = find((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, seen);
      if (r !== null) return r;
    }
    return null;
  };
  return find(msg, 'message', 0, new Set()) ?? `more than ${MAX_MESSAGE_VALUES} values`;
}

export function refuseMessage(k: Kernel, caller: Proc, call: string, dst: Endpoint, msg: unknown): number {
  if (k.trace.on) k.emit({ seq: 0, t: k.nowNs, ev: 'error', proc: caller.name, call, err: 'EINVAL', peer: k.nameOf(dst), why: whyRefused(msg) });
  return -EINVAL;
}
