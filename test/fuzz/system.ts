/*
 * A booted system for the fuzzers: a script's text, extra programs, a bound
 * on virtual time, and what went wrong.
 *   fuzzBoot(text, programs, untilNs) -> { system, outcome, systemFaults, finished }
 * systemFaults lists `fault` records of system processes (a server or
 * driver that threw): a fuzzer's input must never cause one, except the
 * faults a script injects on purpose (`inject` records mark those).
 */
import { parseBootScript } from '../../cli/boot/parse.js';
import { buildSystem, type BootedSystem } from '../../cli/boot/image.js';
import type { Program, RunOutcome, TraceRecord } from '../../kernel/index.js';

export interface FuzzRun {
  readonly system: BootedSystem;
  readonly outcome: RunOutcome;
  readonly systemFaults: string[];
  /** No user process left (none blocked forever, none cut off by the bound). */
  readonly finished: boolean;
}

export function fuzzBoot(text: string, programs: ReadonlyMap<string, Program>, untilNs: number, scriptPath = '/tmp/fuzz.boot'): FuzzRun {
  const script = parseBootScript(text, scriptPath);
  const systemFaults: string[] = [];
  const system = buildSystem(script, { seed: 1, scriptPath }, (k) => {
    for (const [name, p] of programs) k.programs.set(name, p);
    k.trace.trace$.subscribe((r: TraceRecord) => {
      if (r.ev === 'fault' && typeof r.proc === 'string' && k.procByName(r.proc as string)?.priv.system !== false) {
        systemFaults.push(`${r.proc}: ${String(r.error)}`);
      }
    });
  });
  try {
    const outcome = system.kernel.run({ untilNs });
    return { system, outcome, systemFaults, finished: system.alive().length === 0 && outcome !== 'until' };
  } finally {
    system.close();
  }
}
