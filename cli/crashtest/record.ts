/*
 * Run a workload and record, in order, every block write that reaches the
 * root disk's image, and where each sync completed.
 *   recordWorkload(script, { seed, scriptPath }) -> Recording
 *   Recording     initial image, block writes (with their virtual times), sync points (write counts),
 *                 console lines (with the write count when printed), the run's end
 *   imageAfter(recording, k)   the image as it would be on disk after write k (a power cut then)
 * A write is cut at block boundaries: a crash point falls between block
 * writes, as the driver's crash-after-writes fault counts them.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { buildSystem } from '../boot/image.js';
import type { BootScript } from '../boot/script.js';

export interface BlockWrite {
  readonly position: number;
  readonly bytes: Uint8Array;
  /** Virtual time at which the write reached the image: a power cut from then until the next write leaves this state. */
  readonly atNs: number;
}

/** A line a user process printed, and how many writes had reached the image by then. */
export interface ConsoleMark {
  readonly proc: string;
  readonly text: string;
  readonly afterWrites: number;
}

export interface Recording {
  readonly disk: string;
  readonly blockSize: number;
  readonly initial: Uint8Array;
  readonly writes: readonly BlockWrite[];
  /** For each completed sync (or fsync): how many writes had reached the image when it returned. */
  readonly syncPoints: readonly number[];
  /** What the processes printed (generated workloads print a marker before each call). */
  readonly console: readonly ConsoleMark[];
  /** Exit statuses of the user processes, and whether the run reached its end. */
  readonly exits: readonly { readonly name: string; readonly status: number }[];
  readonly endNs: number;
  readonly stopReason: string | null;
}

/** Bound on recorded writes: a workload that writes more is cut short with a clear error. */
export const MAX_WRITES = 200_000;

export function recordWorkload(script: BootScript, options: { seed: number; scriptPath: string }): Recording {
  const syncIds = new Set<number>();
  const syncPoints: number[] = [];
  const writes: BlockWrite[] = [];
  const printed: ConsoleMark[] = [];
  const system = buildSystem(script, options, (k) => {
    k.onConsole((proc, text) => {
      if (printed.length < MAX_WRITES) printed.push({ proc, text, afterWrites: writes.length });
    });
    k.trace.trace$.subscribe((r: TraceRecord) => {
      if (r.ev === 'send' && (r.type === 'FS_SYNC' || r.type === 'FS_FSYNC')) syncIds.add(r.id as number);
      else if (r.ev === 'reply' && syncIds.delete(r.re as number)) syncPoints.push(writes.length);
    });
  });
  try {
    const root = rootDisk(script);
    const disk = system.disks.get(root);
    if (disk === undefined) throw Object.assign(new Error(`crashtest: the script has no disk named ${root}`), { userFacing: true });
    const image = disk.image;
    const initial = new Uint8Array(image.sizeBytes);
    image.read(0, initial);
    const bs = disk.blockSize;
    const write = image.write.bind(image);
    image.write = (position: number, from: Uint8Array) => {
      write(position, from);
      // Cut at block boundaries: each piece is one crash point.
      for (let at = 0; at < from.length;) {
        const end = Math.min(from.length, (Math.floor((position + at) / bs) + 1) * bs - position);
        if (writes.length >= MAX_WRITES) throw Object.assign(new Error(`crashtest: the workload wrote more than ${MAX_WRITES} blocks`), { userFacing: true });
        writes.push({ position: position + at, bytes: from.slice(at, end), atNs: system.kernel.nowNs });
        at = end;
      }
    };
    system.kernel.run();
    return {
      disk: root, blockSize: bs, initial, writes, syncPoints, console: printed,
      exits: system.report.exits.map((e) => ({ name: e.name, status: e.status })),
      endNs: system.kernel.nowNs, stopReason: system.kernel.stopReason,
    };
  } finally {
    system.close();
  }
}

export function rootDisk(script: BootScript): string {
  const fs = script.directives.find((d) => d.keyword === 'fs');
  const root = fs?.values.get('root');
  if (typeof root === 'string') return root;
  const disk = script.directives.find((d) => d.keyword === 'disk');
  if (disk === undefined) throw Object.assign(new Error('crashtest: the script has no disk (add `disk NAME create=SIZE`)'), { userFacing: true });
  return disk.positional[0]!;
}

/** Apply writes [from, to) to `image` in place. */
export function applyWrites(image: Uint8Array, writes: readonly BlockWrite[], from: number, to: number): void {
  for (let i = from; i < to; i++) image.set(writes[i]!.bytes, writes[i]!.position);
}

export function imageAfter(rec: Recording, k: number): Uint8Array {
  const image = rec.initial.slice();
  applyWrites(image, rec.writes, 0, k);
  return image;
}
