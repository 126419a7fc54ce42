/*
 * A student's policy behind a shield: each call runs inside the watch's
 * brackets, its result is checked, and the first exception or bad result
 * is reported once (naming the student's file:line:column) and hands the
 * rest of the run to the built-in fallback. The server that calls the
 * policy never sees the student's exception: the run goes on, and fails.
 *   shieldPolicy(policy, fallback, spec)   an object with the policy's methods, shielded
 *   ShieldSpec                             per method: how to check a result; which methods only notify
 * Notifications (VM's onMap, onFree) also go to the fallback all along, so
 * a built-in with state can take over in the middle of a run.
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
  /**
   * Methods that only tell the policy what happened (VM's onMap, onFree): the
   * fallback hears every one from the start, so a built-in that keeps state
   * (a FIFO queue, a clock hand) takes over knowing what it must.
   */
  readonly notifications?: readonly string[];
}

export function shieldPolicy<T extends object>(policy: T, fallback: T, spec: ShieldSpec): T {
  let faulted = false;
  // The student's own members only: a method it leaves out (an optional one) stays out, not the fallback's.
  const shielded: Record<string, unknown> = { ...(policy as Record<string, unknown>) };
  const { origin } = spec;
  const notifications = new Set(spec.notifications ?? []);
  for (const [name, check] of Object.entries(spec.methods)) {
    const own = (policy as Record<string, unknown>)[name];
    const backup = (fallback as Record<string, unknown>)[name];
    const told = notifications.has(name);
    if (typeof own !== 'function' && !told) continue;
    shielded[name] = (...args: unknown[]) => {
      // A notification reaches the fallback first, whether or not the student's policy has the method.
      const heard = told && typeof backup === 'function' ? (backup as (...a: unknown[]) => unknown).apply(fallback, args) : undefined;
      if (told && (faulted || typeof own !== 'function')) return heard;
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
      if (told) return heard;
      return typeof backup === 'function' ? (backup as (...a: unknown[]) => unknown).apply(fallback, args) : undefined;
    };
  }
  return shielded as T;
}
