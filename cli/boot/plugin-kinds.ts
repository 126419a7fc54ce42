/*
 * The kinds of students' code a boot script can load, one table entry each:
 * what the module's default export must be, and (for a policy) the methods
 * the shield checks and the built-in that takes over when the student's
 * code throws or answers nonsense.
 *   PROGRAM_KIND                  `program NAME FILE`
 *   POLICY_KINDS                  `disk sched=`, `fs replacement=`, `sched policy=`, `vm replacement=`
 *   loadPolicy(loader, kind, file, at, onFault, size)   the student's policy behind its shield
 * Adding an extension point is one entry in POLICY_KINDS: its interface
 * (a file of the server that calls it), its built-ins, its checks.
 */
import { isGeneratorFunction, type StudentMain } from '../../lib/plugin/program.js';
import type { PluginKind, PluginLoader } from '../../lib/plugin/loader.js';
import type { SourcePosition } from '../../lib/parse-error.js';
import { shieldPolicy } from '../../lib/plugin/shield.js';
import { DISK_SCHEDULERS, type DiskScheduler } from '../../drivers/disk/queue.js';
import { lruReplacement, type CacheReplacement } from '../../servers/fs/replacement.js';
import { minixPolicy } from '../../servers/sched/minix.js';
import { clockPolicy } from '../../servers/vm/policies/clock.js';
import type { ReplacementPolicy } from '../../servers/vm/policies/policy.js';
import { MIN_USER_Q, type BalanceChange, type Decision, type SchedPolicy } from '../../servers/sched/policy.js';

function describe(v: unknown): string {
  if (typeof v === 'function') return `is a plain function${v.name ? ` (${v.name})` : ''}, not a generator function (write function*)`;
  if (v === null) return 'is null';
  return `is ${Array.isArray(v) ? 'an array' : `a ${typeof v}`}`;
}

export const PROGRAM_KIND: PluginKind<StudentMain> = {
  title: 'program',
  expected: 'a generator function: export default function* (sys) { ...; return 0; }',
  accept: (v) => (isGeneratorFunction(v) ? v : describe(v)),
};

/** One extension point for a policy. */
export interface PolicyKind<T extends object> {
  readonly title: string;
  /** The directive and key that name it, for messages and docs. */
  readonly directive: string;
  /** The methods a policy must have, and the check of each one's result. */
  readonly methods: Readonly<Record<string, (result: unknown, args: readonly unknown[]) => string | null>>;
  /** Methods a policy may leave out. */
  readonly optional?: readonly string[];
  /**
   * The built-in a faulty student policy falls back to, made fresh for each
   * run (VM's keep state, sized by `size`: its frames).
   */
  readonly fallback: (size: number) => T;
  /** Methods that only report events: the fallback hears them from the start (see lib/plugin/shield.ts). */
  readonly notifications?: readonly string[];
}

/** A policy module's default export: an object with a name and the kind's methods. */
export function policyKind<T extends object>(kind: PolicyKind<T>): PluginKind<T> {
  const required = Object.keys(kind.methods).filter((m) => !(kind.optional ?? []).includes(m));
  return {
    title: kind.title,
    expected: `an object { name, ${Object.keys(kind.methods).map((m) => `${m}(...)`).join(', ')} } (see docs/extending.md)`,
    accept(v) {
      if (typeof v !== 'object' || v === null) return describe(v);
      const o = v as Record<string, unknown>;
      if (typeof o.name !== 'string' || o.name.length === 0) return 'has no name (a non-empty string)';
      for (const m of required) if (typeof o[m] !== 'function') return `has no method ${m}`;
      return v as T;
    },
  };
}

export function loadPolicy<T extends object>(
  loader: PluginLoader, kind: PolicyKind<T>, file: string, at: SourcePosition, onFault: (message: string) => void, size = 0,
): T {
  const { value, origin } = loader.load(policyKind(kind), file, at);
  return shieldPolicy(value, kind.fallback(size), { methods: kind.methods, origin, onFault, ...(kind.notifications ? { notifications: kind.notifications } : {}) });
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? JSON.stringify(v).slice(0, 80) : String(v));

/** An index into the array that is the call's first argument. */
function indexOf(what: string) {
  return (result: unknown, args: readonly unknown[]): string | null => {
    const n = (args[0] as readonly unknown[]).length;
    return Number.isInteger(result) && (result as number) >= 0 && (result as number) < n ? null : `returned ${show(result)}, not an index of the ${n} ${what} (0..${n - 1})`;
  };
}

function decision(result: unknown): string | null {
  const d = result as Partial<Decision> | null;
  if (typeof d !== 'object' || d === null) return `returned ${show(result)}, not { priority, quantumNs }`;
  if (!(Number.isSafeInteger(d.priority) && d.priority! >= 0 && d.priority! <= MIN_USER_Q)) return `returned priority ${show(d.priority)}, not a queue 0..${MIN_USER_Q}`;
  if (!(Number.isSafeInteger(d.quantumNs) && d.quantumNs! >= 1)) return `returned quantumNs ${show(d.quantumNs)}, not an integer >= 1`;
  return null;
}

export const DISK_SCHED_KIND: PolicyKind<DiskScheduler> = {
  title: 'disk scheduling policy', directive: 'disk NAME sched=FILE',
  methods: { pick: indexOf('pending requests') },
  fallback: () => DISK_SCHEDULERS.fcfs,
};

export const CACHE_REPLACEMENT_KIND: PolicyKind<CacheReplacement> = {
  title: 'buffer-cache replacement policy', directive: 'fs replacement=FILE',
  methods: { victim: indexOf('free buffers') },
  fallback: () => lruReplacement,
};

export const CPU_SCHED_KIND: PolicyKind<SchedPolicy> = {
  title: 'CPU scheduling policy', directive: 'sched policy=FILE',
  methods: {
    init: decision,
    noQuantum: decision,
    balance: (result) => (Array.isArray(result) && result.every((c) => decision(c) === null && Number.isSafeInteger((c as BalanceChange).endpoint))
      ? null : `returned ${show(result)}, not an array of { endpoint, priority, quantumNs }`),
  },
  optional: ['balance'],
  fallback: () => minixPolicy,
};

const nothing = (): null => null;

/**
 * Page replacement in VM: onMap, onReference and onFree only tell (the
 * built-in clock hears them too, so it can take over mid-run with its ring
 * and bits); chooseVictim must name one of the candidate frames.
 */
export const PAGE_REPLACEMENT_KIND: PolicyKind<ReplacementPolicy> = {
  title: 'page-replacement policy', directive: 'vm replacement=FILE',
  methods: {
    onMap: nothing, onReference: nothing, onFree: nothing,
    chooseVictim: (result, args) => {
      const candidates = args[0] as readonly number[];
      return Number.isInteger(result) && candidates.includes(result as number)
        ? null : `returned ${show(result)}, not one of the ${candidates.length} candidate frames (${candidates.slice(0, 8).join(', ')}${candidates.length > 8 ? ', ...' : ''})`;
    },
  },
  optional: ['onMap', 'onReference', 'onFree'],
  notifications: ['onMap', 'onReference', 'onFree'],
  fallback: (frames) => clockPolicy(frames),
};

/** Every policy kind by the directive key that names it. */
export const POLICY_KINDS = {
  'disk.sched': DISK_SCHED_KIND,
  'fs.replacement': CACHE_REPLACEMENT_KIND,
  'sched.policy': CPU_SCHED_KIND,
  'vm.replacement': PAGE_REPLACEMENT_KIND,
} as const;
