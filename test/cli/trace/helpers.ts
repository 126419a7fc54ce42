/*
 * Helpers for the trace tool tests:
 *   FIXTURES                       test/fixtures/traces/
 *   tempTrace(records | text)      write a trace to a fresh temp file, return its path
 *   collectOutput()                an Output that keeps what is written (text() or bytes()), for the command functions
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

export function collectOutput(): Output & { text(): string; bytes(): Buffer } {
  const parts: (string | Uint8Array)[] = [];
  return {
    closed: false,
    isTTY: false,
    async write(chunk: string | Uint8Array) {
      parts.push(chunk);
    },
    async close() {},
    text: () => parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join(''),
    bytes: () => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
  };
}
