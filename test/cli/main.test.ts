import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mksim } from '../support/mksim.js';



describe('the mksim command', () => {

  it('--version prints the version and exits 0', () => {
    const r = mksim('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists the subcommands', () => {
    const r = mksim('--help');
    expect(r.code).toBe(0);
    for (const c of ['boot', 'bench']) expect(r.stdout).toContain(c);
  });

  it('an unknown subcommand or option is bad usage: exit 2', () => {
    expect(mksim('frobnicate').code).toBe(2);
    expect(mksim('boot', '--no-such-option').code).toBe(2);
    expect(mksim('boot', 'examples/hello.boot', '--seed', 'abc').code).toBe(2);
  });

  it('a malformed script exits 2 with file:line:column and a caret, and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-cli-'));
    const path = join(dir, 'bad.boot');
    writeFileSync(path, 'cpu quantum=10ms\nprocess init\n    spn 1ms\n');
    const r = mksim('boot', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:3:5: unknown command 'spn' (did you mean 'spin'?)`);
    expect(r.stderr).toContain('    ^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing script exits 2 naming it', () => {
    const r = mksim('boot', '/no/such/file.boot');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read boot script /no/such/file.boot: ENOENT');
  });

  it('boot with no script runs the built-in default, examples/hello.boot', () => {
    const r = mksim('boot');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('init: hello, world');
  });
});
