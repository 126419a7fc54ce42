/*
 * Vitest global setup: every test's temporary files under one directory per run, removed when the run ends.
 * Tests make their scratch directories with mkdtempSync(join(tmpdir(), ...)); many never removed them, and a
 * shared machine collected 22,000 of them (77 GB) until tests failed with ENOSPC. TMPDIR is set before the
 * workers fork, so they, the mksim processes they start and Chromium inherit it.
 *   MKSIM_TEST_CACHE_DIR   the machine's temp directory, for caches meant to outlive a run (the reference policy's build)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  const dir = mkdtempSync(join(outer, 'mksim-test-run-'));
  process.env.MKSIM_TEST_CACHE_DIR ??= outer;
  process.env.TMPDIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    process.env.TMPDIR = outer;
  };
}
