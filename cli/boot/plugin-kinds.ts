/*
 * The kinds of students' code a boot script can load, one table entry each:
 * what the module's default export must be, and (for a policy) the methods
 * the shield checks and the built-in that takes over when the student's
 * code throws or answers nonsense.
 *   PROGRAM_KIND                  `program NAME FILE`
 *   POLICY_KINDS                  `disk sched=`, `fs replacement=`, `sched policy=` (and, with VM, `vm replacement=`)
 *   loadPolicy(loader, kind, file, at, onFault)   the student's policy behind its shield
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
  /** The built-in a faulty student policy falls back to. */
  readonly fallback: T;
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
  loader: PluginLoader, kind: PolicyKind<T>, file: string, at: SourcePosition, onFault: (message: string) => void,
): T {
  const { value, origin } = loader.load(policyKind(kind), file, at);
  return shieldPolicy(value, kind.fallback, { methods: kind.methods, origin, onFault });
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
  fallback: DISK_SCHEDULERS.fcfs,
};

export const CACHE_REPLACEMENT_KIND: PolicyKind<CacheReplacement> = {
  title: 'buffer-cache replacement policy', directive: 'fs replacement=FILE',
  methods: { victim: indexOf('free buffers') },
  fallback: lruReplacement,
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
  fallback: minixPolicy,
};

/**
 * Every policy kind by the directive key that names it. The VM server's
 * page replacement (`vm replacement=FILE`) is one more entry here.
 */
export const POLICY_KINDS = {
  'disk.sched': DISK_SCHED_KIND,
  'fs.replacement': CACHE_REPLACEMENT_KIND,
  'sched.policy': CPU_SCHED_KIND,
} as const;
