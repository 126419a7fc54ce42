/*
 * From boot-script lines to a DiskConfig, so the boot loader maps keys in
 * one place (docs/disk.md lists the mapping).
 *   diskConfigFromLines(disk, faults)   a `disk NAME key=value...` line and the `fault NAME ...` lines naming it
 *   diskFaultFromLine(fault)            one fault line as a DiskFault, or null for a fault that is not the disk's (kill-driver)
 *   ScriptLine                          the parsed line's shape (cli/boot's Directive fits it)
 * Relative paths are the caller's to resolve (against the script's folder).
 */
import type { DiskConfig } from './config.js';
import { fail } from './errors.js';
import type { DiskFault } from './faults.js';
import type { SchedPolicy } from './queue.js';

export type ScriptValue = number | boolean | string | readonly number[];

export interface ScriptLine {
  /** The disk's name (a `disk` line) or the fault's target. */
  readonly positional: readonly string[];
  /** Bare words: the fault kind. */
  readonly words: readonly string[];
  readonly values: ReadonlyMap<string, ScriptValue>;
}

/** Fault kinds handled elsewhere (the reincarnation server, the kernel). */
const NOT_DISK_FAULTS: ReadonlySet<string> = new Set(['kill-driver', 'crash-driver', 'drop-reply']);

export function diskConfigFromLines(disk: ScriptLine, faults: readonly ScriptLine[] = []): DiskConfig {
  const name = disk.positional[0];
  if (name === undefined) fail('disk: a name is required (e.g. disk0)');
  const v = disk.values;
  const config: { -readonly [K in keyof DiskConfig]: DiskConfig[K] } = { name };
  if (v.has('image')) config.image = str(v, 'image', name);
  if (v.has('create')) config.createBytes = int(v, 'create', name);
  if (v.has('size')) config.sizeBytes = int(v, 'size', name);
  if (v.has('block-size')) config.blockSize = int(v, 'block-size', name);
  if (v.has('model')) config.model = str(v, 'model', name);
  if (v.has('sched')) config.sched = str(v, 'sched', name) as SchedPolicy;
  const mine: DiskFault[] = [];
  for (const f of faults) {
    if (f.positional[0] !== name) continue;
    const fault = diskFaultFromLine(f);
    if (fault !== null) mine.push(fault);
  }
  if (mine.length > 0) config.faults = mine;
  return config;
}

export function diskFaultFromLine(line: ScriptLine): DiskFault | null {
  const target = line.positional[0] ?? '?';
  const v = line.values;
  const kind = line.words[0];
  if (kind === undefined) {
    if (v.has('crash-after-writes')) return { kind: 'crash-after-writes', writes: int(v, 'crash-after-writes', target) };
    return fail(`fault ${target}: name a kind (read-error, write-error, torn-write) or crash-after-writes=N`);
  }
  if (NOT_DISK_FAULTS.has(kind)) return null;
  const blocks = v.has('block') ? list(v, 'block', target) : [];
  switch (kind) {
    case 'read-error': case 'write-error':
      return v.has('count') ? { kind, blocks, count: int(v, 'count', target) } : { kind, blocks };
    case 'torn-write': {
      const fault: { kind: 'torn-write'; nth?: number; block?: number } = { kind };
      if (v.has('nth')) fault.nth = int(v, 'nth', target);
      if (blocks.length > 0) fault.block = blocks[0]!;
      return fault;
    }
    default:
      return fail(`fault ${target}: unknown disk fault '${kind}'`);
  }
}

function str(v: ReadonlyMap<string, ScriptValue>, key: string, who: string): string {
  const x = v.get(key);
  if (typeof x !== 'string') fail(`${who}: ${key}= expects a word or path`);
  return x;
}

function int(v: ReadonlyMap<string, ScriptValue>, key: string, who: string): number {
  const x = v.get(key);
  if (typeof x !== 'number') fail(`${who}: ${key}= expects a number`);
  return x;
}

function list(v: ReadonlyMap<string, ScriptValue>, key: string, who: string): number[] {
  const x = v.get(key);
  if (typeof x === 'number') return [x];
  if (!Array.isArray(x)) fail(`${who}: ${key}= expects block numbers separated by commas`);
  return [...(x as readonly number[])];
}
