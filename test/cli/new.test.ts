/*
 * `mksim new`: each starting file, written into a folder outside the
 * repository, loads and runs as it is through the boot-script line the
 * command prints; an existing file is never overwritten.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MKSIM } from '../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-new-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mksimIn(...args: string[]) {
  const r = spawnSync(process.execPath, [MKSIM, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const WORKLOAD = ['process init', '    write --bytes 30000 /data', '    cat /data', '    spawn worker', '    wait worker', 'process worker', '    spin 30ms', ''];

describe('mksim new', () => {
  it('a program: written, loaded by the printed line, run by spawn', () => {
    const made = mksimIn('new', 'program', 'hello-world');
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('wrote hello-world.ts; load it in a boot script with:\n    program hello-world hello-world.ts\n');
    writeFileSync(join(dir, 'p.boot'), ['disk disk0 create=4M', 'program hello-world hello-world.ts', 'process init', '    spawn hello-world', '    wait hello-world', ''].join('\n'));
    const r = mksimIn('boot', 'p.boot');
    expect(r.stderr).toMatch(/^mksim: 2 processes exited/m);
    expect(r.stdout).toBe('hello-world: hello from hello-world\n');
    expect(r.code).toBe(0);
  });

  it.each([['disk', 'mydisk'], ['cache', 'mycache'], ['cpu', 'mycpu']])('a %s policy: written, loaded by the printed line, runs a workload', (kind, name) => {
    const made = mksimIn('new', 'policy', kind, name);
    expect(made.code).toBe(0);
    const line = made.stdout.split('\n')[1]!.trim();
    expect(line).toContain(`${name}.ts`);
    const script = [...(kind === 'disk' ? [line] : ['disk disk0 create=16M']), ...(kind === 'disk' ? [] : [line]), ...WORKLOAD].join('\n');
    writeFileSync(join(dir, `${kind}.boot`), script);
    const r = mksimIn('boot', `${kind}.boot`);
    expect(r.stderr).not.toMatch(/system error/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, `${name}.ts`), 'utf8')).toMatch(/docs\/extending\.md/);
  });

  it('a page-replacement policy: written, loaded by the printed line, chooses victims (LFU: the hot pages stay)', () => {
    const made = mksimIn('new', 'policy', 'page', 'mypage');
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('wrote mypage.ts; load it in a boot script with:\n    vm frames=16 replacement=mypage.ts\n');
    // Pages 0..3 are used 4 times each, then 20 others stream through: LFU keeps 0..3 (no second fault); clock does not.
    const script = (policy: string) => [`vm frames=16 replacement=${policy}`, 'process init', '    brk 128K', '    repeat 4 ref 0 1 2 3',
      '    ref 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 0 1 2 3', '    vmstat', ''].join('\n');
    writeFileSync(join(dir, 'page.boot'), script('mypage.ts'));
    const r = mksimIn('boot', 'page.boot');
    expect(r.stderr).not.toMatch(/system error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^init: vmstat: faults=24 evictions=8 /);
    writeFileSync(join(dir, 'page-clock.boot'), script('clock'));
    expect(mksimIn('boot', 'page-clock.boot').stdout).toMatch(/^init: vmstat: faults=28 /);
  });

  it('never overwrites a file, and refuses an unknown kind', () => {
    expect(mksimIn('new', 'program', 'hello-world').code).toBe(1);
    const bad = mksimIn('new', 'policy', 'paging', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/policy kind must be one of disk, cache, cpu, page/);
  });
});
