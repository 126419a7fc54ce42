/*
 * The run's temporary directory (test/setup/tmpdir.ts) is in effect in the test workers: scratch files made
 * with tmpdir() go under it and vanish with the run, so no run leaves its files on the machine.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';

describe('test temporary files', () => {
  it('go under one directory per run, inside the machine temp directory kept for caches', () => {
    expect(basename(tmpdir())).toMatch(/^mksim-test-run-/);
    expect(dirname(tmpdir())).toBe(process.env.MKSIM_TEST_CACHE_DIR);
  });
});
