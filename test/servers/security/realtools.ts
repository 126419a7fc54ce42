/*
 * The real SELinux tools for differential tests: checkpolicy (compile a
 * policy.conf) and setools (sesearch's queries, batched in one Python
 * process by sesearch-batch.py; the sesearch CLI itself for spot checks).
 *   realToolsMissing()              null, or why the tests must skip
 *   checkpolicy(text, dir, name)    { ok, bin, stderr }
 *   sesearchBatch(jobs)             effective allow perms and type transitions per (s, t, c)
 *   sesearchCli(bin, s, t, c)       the union of perms in `sesearch -A -s S -t T -c C` output
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const BATCH = join(dirname(fileURLToPath(import.meta.url)), 'sesearch-batch.py');

export function realToolsMissing(): string | null {
  for (const tool of ['checkpolicy', 'sesearch']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} not installed (apt-get install -y checkpolicy setools)`;
  }
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import setools']).status !== 0) return 'python3 setools module missing (apt-get install -y setools)';
  return null;
}

export function checkpolicy(text: string, dir: string, name: string): { ok: boolean; bin: string; stderr: string } {
  const conf = join(dir, `${name}.conf`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(conf, text);
  const r = spawnSync('checkpolicy', ['-o', bin, conf], { encoding: 'utf8' });
  return { ok: r.status === 0, bin, stderr: `${r.stdout}${r.stderr}` };
}

export interface BatchJob { bin: string; types: string[]; classes: string[] }
export interface BatchResult { allow: Record<string, string[]>; trans: Record<string, string> }

export function sesearchBatch(jobs: BatchJob[]): BatchResult[] {
  if (jobs.length === 0) return [];
  const out = execFileSync(PYTHON, [BATCH], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as BatchResult[];
}

/** sesearch 4.4 prints one rule a line: `allow S T:C perm;` or `allow S T:C { p q };`. */
export function sesearchCli(bin: string, s: string, t: string, c: string): string[] {
  const out = execFileSync('sesearch', ['-A', '-s', s, '-t', t, '-c', c, bin], { encoding: 'utf8' });
  const perms = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^allow \S+ \S+:(\S+) (?:\{ ([^}]*) \}|(\S+));$/.exec(line.trim());
    if (m === null || m[1] !== c) continue;
    for (const p of (m[2] ?? m[3]!).split(/\s+/)) if (p !== '') perms.add(p);
  }
  return [...perms].sort();
}
