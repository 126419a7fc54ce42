/*
 * The debugger's `inode PATH` on an image made by the CLI: an inode the FS
 * has not read yet comes from its block, the directory from the disk; the
 * look reads no block through the cache (its counters do not move).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../../cli/boot/image.js';
import { parseBootScript } from '../../../cli/boot/parse.js';
import { attachDebugger } from '../../../cli/debug/session.js';
import { parseBreak } from '../../../cli/debug/when.js';
import { mksim } from '../../support/mksim.js';

describe('the debugger reads a file\'s inode without touching the FS', () => {
  it('before the FS looked the file up: inode from its block, directory from the disk; the cache counters unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-debug-inode-'));
    const image = join(dir, 'root.img');
    writeFileSync(join(dir, 'hi.txt'), 'hi\n');
    expect(mksim('mkfs', image, '--size', '2M').code).toBe(0);
    expect(mksim('img', 'cp', join(dir, 'hi.txt'), `${image}:/hi.txt`).code).toBe(0);
    const scriptPath = join(dir, 't.boot');
    const script = parseBootScript(`disk disk0 image=${image} model=ramdisk\nfs root=disk0\nprocess init\n    sleep 1ms\n    cat /hi.txt\n`, scriptPath);
    const input = ['cache', 'inode /hi.txt', 'inode /hi.txt/x', 'cache', 'continue'];
    let written = '';
    const lines: string[] = [];
    const system = buildSystem(script, { seed: 1, scriptPath }, (k) => {
      k.onConsole((proc, text) => lines.push(`${proc}: ${text}`));
      attachDebugger(k, [parseBreak('500us')], { input: { readLine: () => input.shift() ?? null }, write: (t) => { written += t; } });
    });
    system.kernel.run();
    system.close();
    expect(lines).toEqual(['init: hi']);
    expect(written).toMatch(/\/hi\.txt: inode 2 \(from the block \d+ \((buffer cache|disk disk0)\)\), served by fs\n {2}mode 0100644 \(regular\) {2}nlinks 1 {2}uid 0 {2}gid 0 {2}size 3 /);
    expect(written).toContain('/hi.txt: not a directory');
    const caches = written.split('\n').filter((l) => l.includes('hits '));
    expect(caches.length).toBe(2);
    expect(caches[0]).toBe(caches[1]);
  });
});
