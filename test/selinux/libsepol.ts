/*
 * Real SELinux tools for the language tests: checkpolicy compiles a
 * policy.conf, libsepol decides (audit2why's analyze, one Python process
 * for a whole batch), sesearch lists rules.
 *   toolsMissing()                  null, or why the tests must skip
 *   checkpolicy(text, dir, name)    { ok, bin, stderr } (test/servers/security/realtools.ts)
 *   libsepolDecide(jobs)            per query: 0 allowed, 2 no rule, 3 boolean, 4 constraint, 6 RBAC (audit2why's codes)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpolicy, realToolsMissing } from '../servers/security/realtools.js';

export { checkpolicy };

const PYTHON = '/usr/bin/python3';
const DECIDE = join(dirname(fileURLToPath(import.meta.url)), 'libsepol-decide.py');

export const ALLOWED = 0;
export const CONSTRAINT = 4;

export function toolsMissing(): string | null {
  const missing = realToolsMissing();
  if (missing !== null) return missing;
  if (spawnSync(PYTHON, ['-c', 'import selinux.audit2why']).status !== 0) return 'python3 selinux.audit2why missing (apt-get install -y python3-selinux)';
  return null;
}

export interface DecideJob { bin: string; queries: [string, string, string, string][] }

export function libsepolDecide(jobs: DecideJob[]): number[][] {
  if (jobs.length === 0) return [];
  const out = execFileSync(PYTHON, [DECIDE], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as number[][];
}
