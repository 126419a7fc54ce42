/*
 * `mksim trace FILE --follow`: records appear as a run writes them, a line written
 * in two pieces is shown once whole, Ctrl-C ends it with exit 0 (issue 19 item 4).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MKSIM } from '../../support/mksim.js';
import { tempDir } from './helpers.js';

const send = (seq: number, id: number, type: string): string =>
  JSON.stringify({ seq, t: seq * 100, ev: 'send', id, src: 'alice', dst: 'fs', type, cause: null }) + '\n';

describe('mksim trace FILE --follow', () => {
  it('shows records as they are appended, waits for a cut line to be finished, exits 0 on SIGINT', async () => {
    const path = join(tempDir(), 'live.jsonl');
    const header = '{"seq":1,"t":0,"ev":"header","format":"mksim-trace","version":1}\n';
    const second = send(3, 2, 'SECOND');
    writeFileSync(path, header + send(2, 1, 'FIRST') + second.slice(0, 20));
    const child = spawn(process.execPath, [MKSIM, 'trace', path, '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const until = async (pred: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!pred()) throw new Error(`timed out waiting for ${what}; stdout so far: ${stdout}; stderr: ${stderr}`);
    };
    await until(() => stdout.includes('FIRST'), 'the first record');
    // The cut line is the writer mid-line: not an error, not shown yet.
    await new Promise((r) => setTimeout(r, 300));
    expect(stdout).not.toContain('SECOND');
    expect(stderr).toBe('');
    appendFileSync(path, second.slice(20));
    await until(() => stdout.includes('SECOND'), 'the finished line');
    appendFileSync(path, send(4, 3, 'THIRD') + send(5, 4, 'FOURTH'));
    await until(() => stdout.includes('FOURTH'), 'the appended records');
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => /FIRST|SECOND|THIRD|FOURTH/.exec(l)?.[0])).toEqual(['FIRST', 'SECOND', 'THIRD', 'FOURTH']);
    expect(stderr).toBe('');
  }, 30_000);
});
