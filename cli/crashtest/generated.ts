/*
 * Crash-test a generated workload against its model: at every crash point the image, after
 * `fsck --repair`, must hold every file as the last completed persistence point left it, unless a
 * call started since then may have changed it.
 *   crashTestGenerated(workload, { points })  -> GeneratedReport: per point verdict, lost files, time-weighted
 *   formatGenerated(report, verbose), formatGeneratedSummary(reports)
 * A call "may have started" before a power cut after write k when its marker was printed with at
 * most k writes on the disk (conservative: a call that wrote nothing yet is counted as started).
 */
import { createHash } from 'node:crypto';
import { parseBootScript } from '../boot/parse.js';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { classifyImage, type Verdict } from './classify.js';
import { readAllFiles } from './files.js';
import { MARKER, type GeneratedWorkload } from './generate.js';
import { damagedTimeNs, walkCrashPoints } from './points.js';
import { recordWorkload } from './record.js';

export interface GeneratedPoint {
  readonly afterWrites: number;
  readonly verdict: Verdict;
  readonly reason: string | null;
  /** Persisted files that did not read back as persisted (after repair). */
  readonly lost: readonly string[];
}

export interface GeneratedReport {
  readonly seed: number;
  readonly robust: boolean;
  readonly calls: number;
  readonly writesTotal: number;
  readonly persistencePoints: number;
  readonly points: readonly GeneratedPoint[];
  readonly counts: Readonly<Record<Verdict, number>>;
  readonly lostAt: number;
  readonly damagedNs: number;
  readonly endNs: number;
  readonly workloadOk: boolean;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const under = (p: string, d: string): boolean => p === d || p.startsWith(`${d}/`);

export function crashTestGenerated(w: GeneratedWorkload, options: { points: 'all' | number; robust: boolean }): GeneratedReport {
  const path = `generated-${w.seed}.boot`;
  const rec = recordWorkload(parseBootScript(w.script, path), { seed: 1, scriptPath: path });
  // Writes on the disk when call i started (its marker), and when each persistence point returned.
  const startedAt = new Array<number>(w.calls.length).fill(Infinity);
  for (const m of rec.console) {
    if (m.text.startsWith(MARKER)) startedAt[Number(m.text.slice(MARKER.length))] = m.afterWrites;
  }
  const persistCalls = w.calls.flatMap((c, i) => (c.persisted !== null ? [i] : []));
  if (rec.syncPoints.length !== persistCalls.length) {
    throw new Error(`crashtest: ${persistCalls.length} persistence calls but ${rec.syncPoints.length} sync replies`);
  }
  const walked = walkCrashPoints(rec, options.points, (image, k) => {
    let j = -1;
    for (let s = 0; s < rec.syncPoints.length; s++) if (rec.syncPoints[s]! <= k) j = s;
    if (j < 0) return [];
    const since = persistCalls[j]!;
    const changedPaths: string[] = [];
    const changedIds = new Set<number>();
    for (let i = since + 1; i < w.calls.length && startedAt[i]! <= k; i++) {
      for (const c of w.calls[i]!.changes) if ('path' in c) changedPaths.push(c.path); else changedIds.add(c.id);
    }
    const repaired = image.slice();
    const report = checkImage(repaired, { repair: true });
    const files = report.fatal === null ? readAllFiles(repaired) : report.fatal;
    const lost: string[] = [];
    for (const [p, f] of w.calls[since]!.persisted!) {
      if (changedIds.has(f.id) || changedPaths.some((c) => under(p, c))) continue;
      if (typeof files === 'string' || files.get(p) !== f.sha256) lost.push(p);
    }
    return lost;
  }, (lost) => `lost persisted data: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', ...' : ''}`);
  const points: GeneratedPoint[] = walked.points.map(({ afterWrites, verdict, reason, lost }) => ({ afterWrites, verdict, reason, lost }));
  const { counts } = walked;
  const lostAt = walked.lostPoints;
  const atNs = (k: number): number => (k === 0 ? 0 : rec.writes[k - 1]!.atNs);
  return {
    seed: w.seed, robust: options.robust, calls: w.calls.length, writesTotal: rec.writes.length,
    persistencePoints: persistCalls.length, points, counts, lostAt,
    damagedNs: damagedTimeNs([{ afterWrites: 0, verdict: classifyImage(rec.initial).verdict }, ...points], atNs, rec.endNs),
    endNs: rec.endNs, workloadOk: rec.exits.length > 0 && rec.exits.every((e) => e.status === 0),
  };
}

/** For the model's own tests: the sha256 the model records for given contents. */
export const contentHash = sha256;

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);

export function formatGenerated(r: GeneratedReport, verbose: boolean): string[] {
  const lines = [`workload seed ${r.seed} (robust=${r.robust ? 'on' : 'off'}): ${r.calls} calls, ${r.persistencePoints} persistence points, ${r.writesTotal} block writes; `
    + `clean ${r.counts.clean}, repairable ${r.counts.repairable}, damaged ${r.counts.damaged}; persisted data lost at ${r.lostAt}; `
    + `damaged ${pct(r.damagedNs, r.endNs)} of virtual time${r.workloadOk ? '' : ' (warning: the workload itself failed)'}`];
  for (const p of r.points) if (verbose || p.verdict === 'damaged') lines.push(`  after write ${p.afterWrites}: ${p.verdict}${p.reason !== null ? `: ${p.reason}` : ''}`);
  return lines;
}

export function formatGeneratedSummary(reports: readonly GeneratedReport[]): string[] {
  const lines = ['| robust | workloads | block writes | crash points | clean | repairable | damaged | persisted data lost | damaged time |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const robust of [false, true]) {
    const rs = reports.filter((r) => r.robust === robust);
    if (rs.length === 0) continue;
    const sum = (f: (r: GeneratedReport) => number): number => rs.reduce((a, r) => a + f(r), 0);
    const n = sum((r) => r.points.length);
    lines.push(`| ${robust ? 'on' : 'off'} | ${rs.length} | ${sum((r) => r.writesTotal)} | ${n} | ${sum((r) => r.counts.clean)} (${pct(sum((r) => r.counts.clean), n)}) | `
      + `${sum((r) => r.counts.repairable)} (${pct(sum((r) => r.counts.repairable), n)}) | ${sum((r) => r.counts.damaged)} (${pct(sum((r) => r.counts.damaged), n)}) | `
      + `${sum((r) => r.lostAt)} | ${pct(sum((r) => r.damagedNs), sum((r) => r.endNs))} |`);
  }
  return lines;
}
