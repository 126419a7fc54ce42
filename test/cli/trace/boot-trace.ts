/*
 * A real booted system's trace for the trace tool tests:
 *   bootTrace(scriptText, seed)   boot the script in this process -> path of its JSONL trace
 *   bootNetwork()                 examples/network.boot (two hosts) booted with --trace -> its path and records
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import type { TraceRecord } from '../../../kernel/index.js';
import { writeTrace } from './fixture-system.js';
import { tempDir } from './helpers.js';

export function bootTrace(text: string, seed = 1): { path: string; records: TraceRecord[] } {
  const scriptPath = join(tempDir(), 'test.boot');
  const script = parseBootScript(text, scriptPath);
  const records: TraceRecord[] = [];
  const system = buildSystem(script, { seed, scriptPath }, (k) => {
    k.trace.trace$.subscribe((r) => records.push(r));
  });
  system.kernel.run({});
  system.close();
  const path = join(tempDir(), 'boot.jsonl');
  writeTrace(records, path);
  return { path, records };
}

/** The boot command itself, as `mksim boot examples/network.boot --trace FILE` runs it. */
export function bootNetwork(): { path: string; records: TraceRecord[] } {
  const path = join(tempDir(), 'net.jsonl');
  expect(bootScript('examples/network.boot', { seed: '1', trace: path }, () => {}, () => {})).toBe(0);
  return { path, records: readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceRecord) };
}
