/*
 * The boot loader: put a system image into a fresh kernel, as MINIX's boot
 * image table lists the tasks and servers started before anything else.
 *   SystemImage            { header fields, entries in start order }
 *   loadImage(k, image)    emit the trace header (seq 1), then spawn every entry
 * The header carries the format version, the script, the seed and the
 * configuration, so a trace says how to reproduce itself.
 */
import type { Kernel, Program } from './kernel.js';
import type { Privileges } from './priv.js';
import type { Proc } from './proc.js';
import { TRACE_FORMAT_VERSION } from './trace.js';

export interface ImageEntry {
  readonly name: string;
  readonly program: Program;
  readonly priority: number;
  readonly privileges: Privileges;
  readonly quantumNs?: number;
}

export interface SystemImage {
  readonly script: string;
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly entries: readonly ImageEntry[];
}

/** header false: a second host of a run, whose header the first host wrote. */
export function loadImage(k: Kernel, image: SystemImage, header = true): Proc[] {
  if (header && k.trace.on) {
    k.emit({
      seq: 0, t: k.nowNs, ev: 'header', format: 'mksim-trace', version: TRACE_FORMAT_VERSION,
      script: image.script, seed: image.seed, config: image.config,
    });
  }
  return image.entries.map((e) => k.spawn(e));
}
