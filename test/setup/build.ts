/*
 * Vitest global setup: compile once before any test runs, so tests that run
 * the shipped command (dist/cli/main.js) never see a stale or half-written
 * build. `npm test` compiles first and sets MKSIM_BUILT=1 to skip this.
 */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.MKSIM_BUILT === '1') return;
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc failed: the tests need a build');
}
