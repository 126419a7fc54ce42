/*
 * A student's policy behind a shield: each call runs inside the watch's
 * brackets, its result is checked, and the first exception or bad result
 * is reported once (naming the student's file:line:column) and hands the
 * rest of the run to the built-in fallback. The server that calls the
 * policy never sees the student's exception: the run goes on, and fails.
 *   shieldPolicy(policy, fallback, spec)   an object with the policy's methods, shielded
 *   PolicyMethodSpec                       per method: how to check a result
 */
import { describeThrow } from './errors.js';
import type { ModuleOrigin } from './program.js';
import { watchedCall } from './watch.js';

export interface ShieldSpec {
  /** Method name -> check of its result given its arguments: null if fine, else what is wrong. */
  readonly methods: Readonly<Record<string, (result: unknown, args: readonly unknown[]) => string | null>>;
  readonly origin: ModuleOrigin;
  /** Told once, at the first fault: a line for the user (the run then counts as failed). */
  readonly onFault: (message: string) => void;
}

export function shieldPolicy<T extends object>(policy: T, fallback: T, spec: ShieldSpec): T {
  let faulted = false;
  const shielded: Record<string, unknown> = { ...(fallback as Record<string, unknown>), ...(policy as Record<string, unknown>) };
  const { origin } = spec;
  for (const [name, check] of Object.entries(spec.methods)) {
    const own = (policy as Record<string, unknown>)[name];
    const backup = (fallback as Record<string, unknown>)[name];
    if (typeof own !== 'function') continue;
    shielded[name] = (...args: unknown[]) => {
      if (faulted) return typeof backup === 'function' ? (backup as (...a: unknown[]) => unknown).apply(fallback, args) : undefined;
      let result: unknown;
      let problem: string | null;
      try {
        result = watchedCall(origin.watch, origin.fileId, () => (own as (...a: unknown[]) => unknown).apply(policy, args));
        problem = check(result, args);
        if (problem !== null) problem = `${origin.shown}: ${name}() ${problem}`;
      } catch (err) {
        problem = `${name}() threw: ${describeThrow(err, origin.code, origin.display, origin.debug)}`;
      }
      if (problem === null) return result;
      faulted = true;
      spec.onFault(`${problem}; the built-in ${(fallback as { name?: string }).name ?? 'default'} takes over`);
      return typeof backup === 'function' ? (backup as (...a: unknown[]) => unknown).apply(fallback, args) : undefined;
    };
  }
  return shielded as T;
}
