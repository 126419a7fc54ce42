/*
 * Issue 19 item 7: exports stream in bounded memory. The shipped command runs with
 * a 48 MiB JavaScript heap on a 100,000-message trace (34 MB of JSONL); the old
 * exporter, which held every event to sort them, ran out of heap there.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticTrace } from '../../../bench/trace-synth.js';
import { MKSIM } from '../../support/mksim.js';
import { tempDir } from './helpers.js';

const HEAP_MB = 48;

function run(args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, MKSIM, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('trace export in bounded memory', () => {
  it(`exports 100,000 messages as Chrome JSON, Perfetto protobuf and Mermaid within a ${HEAP_MB} MiB heap`, async () => {
    const dir = tempDir();
    const trace = join(dir, 'big.jsonl');
    const made = writeSyntheticTrace(trace, { messages: 100_000 });
    const [chrome, perfetto, mermaid] = await Promise.all([
      run(['trace', 'export', trace, '--format', 'chrome', '-o', join(dir, 'big.json')]),
      run(['trace', 'export', trace, '--format', 'perfetto', '-o', join(dir, 'big.pftrace')]),
      run(['trace', 'export', trace, '--format', 'mermaid', '-o', join(dir, 'big.mmd')]),
    ]);
    expect(chrome).toEqual({ code: 0, signal: null, stderr: '' });
    expect(perfetto).toEqual({ code: 0, signal: null, stderr: '' });
    expect(mermaid).toEqual({ code: 0, signal: null, stderr: '' });
    // Every message became an arrow (all are delivered), and the JSON is closed.
    const json = readFileSync(join(dir, 'big.json'), 'utf8');
    expect(json.split('"flow_out":true').length - 1).toBe(made.messages);
    expect(json.endsWith('}}\n')).toBe(true);
    expect(statSync(join(dir, 'big.pftrace')).size).toBeLessThan(json.length);
    expect(readFileSync(join(dir, 'big.mmd'), 'utf8')).toMatch(/more not shown/);
  }, 120_000);
});
