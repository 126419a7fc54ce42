/*
 * Helpers for the trace tool tests:
 *   FIXTURES                       test/fixtures/traces/
 *   tempTrace(records | text)      write a trace to a fresh temp file, return its path
 *   collectOutput()                an Output that keeps what is written, for the command functions
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceRecord } from '../../../kernel/index.js';
import type { Output } from '../../../cli/trace/output.js';
import { writeTrace } from './fixture-system.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'traces');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mksim-trace-test-'));
}

export function tempTrace(content: readonly TraceRecord[] | string, name = 'trace.jsonl'): string {
  const path = join(tempDir(), name);
  if (typeof content === 'string') writeFileSync(path, content);
  else writeTrace(content, path);
  return path;
}

export function collectOutput(): Output & { text(): string } {
  const parts: string[] = [];
  return {
    closed: false,
    isTTY: false,
    async write(text: string) {
      parts.push(text);
    },
    async close() {},
    text: () => parts.join(''),
  };
}
