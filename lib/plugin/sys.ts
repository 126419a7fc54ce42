/*
 * The `sys` object a student's program gets: every system call of
 * lib/syscalls/ bound to the calling process (same names, no process
 * argument), plus print, args, spin, name, errnoName and the errno, signal
 * and file-flag constants.
 *   makeSys(proc)     the object (one per process)
 *   Sys               its type; types/mksim-program.d.ts is checked against it (test/lib/plugin)
 *   SYSCALL_NAMES     the bound calls' names, sorted
 * `sys` has no clock and no random numbers: a program that needs either uses
 * a system call (virtual time) so a run stays the same for the same seed.
 */
import * as errno from '../../kernel/errno.js';
import * as signals from '../../kernel/signal.js';
import * as fsCalls from '../syscalls/fs.js';
import * as pmCalls from '../syscalls/pm.js';
import * as securityCalls from '../syscalls/security.js';
import type { SysGen, UserProcess } from '../user/process.js';

/** Exports of lib/syscalls that are not calls of a process (they take no process first). */
const NOT_CALLS: ReadonlySet<string> = new Set(['lendBuffer']);
const MODULES: readonly Readonly<Record<string, unknown>>[] = [fsCalls, pmCalls, securityCalls];

type Bound<F> = F extends (proc: UserProcess, ...args: infer A) => infer R ? (...args: A) => R : never;
type CallsOf<M> = { [K in keyof M as M[K] extends (proc: UserProcess, ...args: never[]) => unknown ? K : never]: Bound<M[K]> };
type NumbersOf<M> = { [K in keyof M as M[K] extends number ? K : never]: number };

/** A signal handler in a student's program: it gets `sys` (never the process's runtime) and the signal. */
export type SysSignalHandler = (sys: Sys, signal: number) => SysGen<void>;

export type SysCalls = Omit<CallsOf<typeof fsCalls> & CallsOf<typeof pmCalls> & CallsOf<typeof securityCalls>, 'sigaction'> & {
  sigaction(signal: number, action: SysSignalHandler | 'ignore' | 'default'): SysGen<number>;
};

export type Sys = SysCalls & NumbersOf<typeof fsCalls> & NumbersOf<typeof signals> & Omit<NumbersOf<typeof errno>, 'OK'> & {
  /** Write a line to the console (prefixed by the process's name). */
  print(text: string): void;
  /** The program's arguments (exec's or spawn's words after the program's name). */
  readonly args: readonly string[];
  /** The process's name. */
  readonly name: string;
  /** Spend CPU time (virtual ns): a CPU-bound stretch of the program. */
  spin(ns: number): SysGen<void>;
  /** ENOENT for -2 (or 2). */
  errnoName(code: number): string;
};

export const SYSCALL_NAMES: readonly string[] = MODULES
  .flatMap((m) => Object.entries(m).filter(([k, v]) => typeof v === 'function' && !NOT_CALLS.has(k)).map(([k]) => k))
  .sort();

export function makeSys(proc: UserProcess): Sys {
  const sys: Record<string, unknown> = {};
  for (const m of [fsCalls, signals, errno] as readonly Readonly<Record<string, unknown>>[]) {
    for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && k !== 'OK') sys[k] = v;
  }
  for (const m of MODULES) {
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'function' || NOT_CALLS.has(k)) continue;
      const call = v as (proc: UserProcess, ...args: unknown[]) => unknown;
      sys[k] = (...args: unknown[]) => call(proc, ...args);
    }
  }
  const self = sys as Sys;
  // A handler gets `sys`, as the program does: the process's runtime stays the library's.
  sys.sigaction = (signal: number, action: SysSignalHandler | 'ignore' | 'default') =>
    pmCalls.sigaction(proc, signal, typeof action === 'function' ? (_p, s) => action(self, s) : action);
  sys.print = (text: string) => proc.print(String(text));
  sys.args = Object.freeze([...proc.ctx.args]);
  sys.name = proc.name;
  sys.spin = (ns: number) => proc.spin(ns);
  sys.errnoName = errno.errnoName;
  return Object.freeze(self);
}
