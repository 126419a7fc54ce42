/*
 * Helpers for the reliability tests: boot a script given as text, run it to
 * the end, and look at what came out.
 *   runBoot(text, { seed, trace })  -> { system, outcome, records, output, exits }
 *   imageBytes(system, disk)         the disk's image as it is now
 *   userOutput(run)                  console lines, without RS's own reports
 *   finished(run)                    the workload ran to its end (idle, or stopped because every user process exited)
 */
import { parseBootScript } from '../../../cli/boot/parse.js';
import { buildSystem, type BootedSystem } from '../../../cli/boot/image.js';
import type { RunOutcome, TraceRecord } from '../../../kernel/index.js';

export interface BootRunResult {
  readonly system: BootedSystem;
  readonly outcome: RunOutcome;
  readonly records: TraceRecord[];
  readonly output: string[];
}

export function runBoot(text: string, options: { seed?: number; trace?: boolean; untilNs?: number; scriptPath?: string } = {}): BootRunResult {
  const scriptPath = options.scriptPath ?? '/tmp/test.boot';
  const script = parseBootScript(text, scriptPath);
  const records: TraceRecord[] = [];
  const system = buildSystem(script, { seed: options.seed ?? 1, scriptPath }, (k) => {
    if (options.trace === true) k.trace.trace$.subscribe((r) => records.push(r));
  });
  const outcome = system.kernel.run(options.untilNs !== undefined ? { untilNs: options.untilNs } : {});
  system.close();
  return { system, outcome, records, output: system.report.output };
}

export function imageBytes(system: BootedSystem, disk = 'disk0'): Uint8Array {
  const image = system.disks.get(disk)!.image;
  const bytes = new Uint8Array(image.sizeBytes);
  image.read(0, bytes);
  return bytes;
}

export function userOutput(run: BootRunResult): string[] {
  return run.output.filter((l) => !l.startsWith('rs: '));
}

/** Requests the FS sent to a driver, from a traced run. */
export function driverRequests(records: readonly TraceRecord[], disk = 'disk0'): number {
  return records.filter((r) => r.ev === 'deliver' && r.dst === disk && typeof r.type === 'string' && (r.type as string).startsWith('DEV_')).length;
}

export function finished(run: BootRunResult): boolean {
  if (run.outcome === 'idle') return true;
  return run.outcome === 'stopped' && !/power cut/.test(run.system.kernel.stopReason ?? '');
}
