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
