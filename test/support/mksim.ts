/*
 * Run the shipped command (dist/mksim.cjs, which `bin` points at: the bundle's launcher, built
 * by the global setup) as a user would, and collect its exit code and output.
 *   mksim(...args) -> { code, stdout, stderr }
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const MKSIM = join(process.cwd(), 'dist', 'mksim.cjs');

export function mksim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MKSIM, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
