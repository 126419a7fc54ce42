/*
 * Generated crash-consistency workloads (mksim crashtest --generate): deterministic, valid, judged
 * against their model at every crash point; the judge sees a lost file; the time weighting.
 */
import { describe, expect, it } from 'vitest';
import { generateWorkload } from '../../../cli/crashtest/generate.js';
import { crashTestGenerated } from '../../../cli/crashtest/generated.js';
import { damagedTimeNs } from '../../../cli/crashtest/points.js';
import { runCrashtest } from '../../../cli/commands/crashtest.js';

describe('generated crash workloads', () => {
  it('the same seed gives the same workload; each has writes, renames or links, and persistence points', () => {
    expect(generateWorkload(7, false).script).toBe(generateWorkload(7, false).script);
    expect(generateWorkload(7, false).script).not.toBe(generateWorkload(8, false).script);
    for (let seed = 1; seed <= 20; seed++) {
      const w = generateWorkload(seed, false);
      expect(w.calls.length).toBeGreaterThanOrEqual(15);
      expect(w.script).toMatch(/^ {4}(write|open) /m);
    }
    const all = Array.from({ length: 20 }, (_, i) => generateWorkload(i + 1, false).script).join('\n');
    for (const cmd of ['mkdir', 'write --append', 'mv', 'ln', 'rm', 'fsync', 'sync', 'writefd']) expect(all).toContain(`    ${cmd} `.trimEnd());
  });

  it('loses nothing persisted at any crash point, robust off and on, and every workload runs to exit 0', () => {
    for (const seed of [1, 2, 3, 4]) {
      for (const robust of [false, true]) {
        const r = crashTestGenerated(generateWorkload(seed, robust), { points: 'all', robust });
        expect(r.workloadOk, `seed ${seed}`).toBe(true);
        expect(r.points).toHaveLength(r.writesTotal);
        expect(r.persistencePoints).toBeGreaterThan(0);
        expect(r.lostAt, `seed ${seed} robust=${robust}: ${r.points.find((p) => p.lost.length > 0)?.reason}`).toBe(0);
        expect(r.damagedNs).toBeLessThanOrEqual(r.endNs);
      }
    }
  });

  it('sees a persisted file that does not read back as persisted', () => {
    const w = generateWorkload(2, false);
    // The last persistence point, and a file no later call changes: held to it until the end.
    const i = w.calls.findLastIndex((c) => c.persisted !== null && c.persisted.size > 0);
    const later = w.calls.slice(i + 1).flatMap((c) => c.changes);
    const [path, f] = [...w.calls[i]!.persisted!].find(([p, f]) => !later.some((c) => ('id' in c ? c.id === f.id : p.startsWith(c.path))))!;
    const persisted = new Map(w.calls[i]!.persisted!);
    persisted.set(path, { ...f, sha256: '0'.repeat(64) });
    const calls = w.calls.map((c, j) => (j === i ? { ...c, persisted } : c));
    const r = crashTestGenerated({ ...w, calls }, { points: 'all', robust: false });
    expect(r.lostAt).toBeGreaterThan(0);
    expect(r.points.find((p) => p.lost.length > 0)!.reason).toContain(path);
  });

  it('weights each crash point by the virtual time until the next write', () => {
    const at = (k: number): number => [0, 10, 30, 60][k]!;
    const points = [{ afterWrites: 0, verdict: 'clean' as const }, { afterWrites: 1, verdict: 'damaged' as const }, { afterWrites: 2, verdict: 'clean' as const }, { afterWrites: 3, verdict: 'damaged' as const }];
    // Point 1 holds from 10 to 30 ns, point 3 from 60 to the end (100): 60 ns of 100.
    expect(damagedTimeNs(points, at, 100)).toBe(60);
  });

  it('mksim crashtest --generate prints one line per workload and the table; bad usage is refused', () => {
    const lines: string[] = [];
    expect(runCrashtest(undefined, { generate: '2', seed: '5', points: '10' }, (l) => lines.push(l))).toBe(0);
    expect(lines.filter((l) => l.startsWith('workload seed '))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('| off | 2 |'))).toBe(true);
    expect(() => runCrashtest(undefined, {}, () => {})).toThrow(/--generate/);
    expect(() => runCrashtest('examples/crash.boot', { generate: '2' }, () => {})).toThrow(/not both/);
    expect(() => runCrashtest(undefined, { generate: 'x' }, () => {})).toThrow(/--generate must be/);
  });
});
