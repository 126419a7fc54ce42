/*
 * Vitest global setup: type-check and build once before any test runs, so
 * tests that run the shipped command (dist/mksim.cjs) never see a stale or
 * half-written bundle. `npm test` builds first and sets MKSIM_BUILT=1 to
 * skip the type-check; the bundle (under a second, from the sources) is
 * rebuilt anyway, so `npx tsc -p . && MKSIM_BUILT=1 npx vitest run DIR` also
 * tests the current sources.
 */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.MKSIM_BUILT !== '1') {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('tsc failed: the tests need a build');
  }
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('bundling failed: the tests need dist/mksim.cjs');
}
