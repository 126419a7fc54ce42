/*
 * The crash-consistency test: record a workload's writes, then judge a
 * power cut after each chosen write.
 *   crashTest(script, options)  -> CrashReport: per point clean / repairable / damaged, synced data checked
 *   withRobust(script, on)      the same script with `fs robust=on|off`
 *   formatReport(report), formatComparison(reports)   the tables the command prints
 * Synced data: after each completed sync, the files on the image are noted;
 * those that the rest of the run leaves unchanged must read back the same at
 * every later crash point, or the point is damaged ("lost synced data").
 * Time-weighted: a power cut at virtual time t leaves the writes done by t, so crash point k stands
 * for the interval from write k to the next chosen point (the last to the run's end; before the first
 * write, the initial image). damagedNs sums the intervals of damaged points: the fraction of the
 * run's virtual time during which a power cut would have damaged the image.
 */
import type { BootScript, Directive } from '../boot/script.js';
import { classifyImage, type Verdict } from './classify.js';
import { readAllFiles } from './files.js';
import { damagedTimeNs, walkCrashPoints } from './points.js';
import { imageAfter, recordWorkload, type Recording } from './record.js';

export interface CrashPoint {
  /** Writes that reached the image before the power failed. */
  readonly afterWrites: number;
  readonly verdict: Verdict;
  readonly reason: string | null;
  readonly problems: readonly string[];
}

export interface CrashReport {
  readonly robust: boolean;
  readonly writesTotal: number;
  readonly syncPoints: readonly number[];
  readonly points: readonly CrashPoint[];
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Points where a synced, later unchanged file did not read back as synced. */
  readonly syncedDataLost: number;
  /** The workload's own outcome (every user process exit 0?). */
  readonly workloadOk: boolean;
  /** Virtual time during which a power cut would have left a damaged image, and the run's length. */
  readonly damagedNs: number;
  readonly endNs: number;
  /** Virtual time of the first block write, and how long the image spent in each state from then to the end (point k lasting until the next point). */
  readonly firstWriteNs: number;
  readonly verdictNs: Readonly<Record<Verdict, number>>;
}

export function robustOf(script: BootScript): boolean {
  return script.directives.find((d) => d.keyword === 'fs')?.values.get('robust') === true;
}

export function withRobust(script: BootScript, on: boolean): BootScript {
  const fs = script.directives.find((d) => d.keyword === 'fs');
  const replaced: Directive = fs === undefined
    ? { keyword: 'fs', positional: [], words: [], values: new Map([['robust', on]]), keyPos: new Map(), pos: { file: script.file, line: 1, column: 1 } }
    : { ...fs, values: new Map([...fs.values, ['robust', on]]) };
  const directives = fs === undefined ? [...script.directives, replaced] : script.directives.map((d) => (d === fs ? replaced : d));
  return { ...script, directives };
}

/** Files noted at each sync, kept only if the rest of the run leaves them as they were. */
function syncedFiles(rec: Recording): { afterWrites: number; files: Map<string, string> }[] {
  const finalFiles = readAllFiles(imageAfter(rec, rec.writes.length));
  const snapshots = rec.syncPoints.map((s) => ({ afterWrites: s, files: readAllFiles(imageAfter(rec, s)) }));
  const out: { afterWrites: number; files: Map<string, string> }[] = [];
  snapshots.forEach((snap, i) => {
    if (typeof snap.files === 'string') return;
    const kept = new Map<string, string>();
    for (const [path, hash] of snap.files) {
      const later = [...snapshots.slice(i + 1).map((s) => s.files), finalFiles];
      if (later.every((f) => typeof f !== 'string' && f.get(path) === hash)) kept.set(path, hash);
    }
    out.push({ afterWrites: snap.afterWrites, files: kept });
  });
  return out;
}

export function crashTest(script: BootScript, options: { seed: number; scriptPath: string; points: 'all' | number }): CrashReport {
  const rec = recordWorkload(script, options);
  const synced = syncedFiles(rec);
  const walked = walkCrashPoints(rec, options.points, (image, k) => {
    const due = synced.filter((s) => s.afterWrites <= k && s.files.size > 0);
    if (due.length === 0) return [];
    const files = readAllFiles(image);
    return due.flatMap((s) => [...s.files].filter(([path, hash]) => typeof files === 'string' || files.get(path) !== hash).map(([path]) => path));
  }, (lost) => `lost synced data: ${[...new Set(lost)].slice(0, 5).join(', ')}`);
  const points: CrashPoint[] = walked.points.map(({ afterWrites, verdict, reason, problems }) => ({ afterWrites, verdict, reason, problems }));
  const { counts } = walked;
  const syncedDataLost = walked.lostPoints;
  const initial = classifyImage(rec.initial).verdict;
  const atNs = (k: number): number => (k === 0 ? 0 : rec.writes[k - 1]!.atNs);
  const timeline = [{ afterWrites: 0, verdict: initial }, ...points];
  const verdictNs: Record<Verdict, number> = { clean: 0, repairable: 0, damaged: 0 };
  points.forEach((p, i) => {
    const next = points[i + 1];
    verdictNs[p.verdict] += (next === undefined ? rec.endNs : atNs(next.afterWrites)) - atNs(p.afterWrites);
  });
  return {
    firstWriteNs: points.length === 0 ? rec.endNs : atNs(points[0]!.afterWrites), verdictNs,
    robust: robustOf(script), writesTotal: rec.writes.length, syncPoints: rec.syncPoints, points, counts, syncedDataLost,
    workloadOk: rec.exits.length > 0 && rec.exits.every((e) => e.status === 0),
    damagedNs: damagedTimeNs(timeline, atNs, rec.endNs), endNs: rec.endNs,
  };
}

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
const ms = (ns: number): string => (ns / 1e6).toFixed(3);

export function formatTime(r: { damagedNs: number; endNs: number }): string {
  return `damaged ${pct(r.damagedNs, r.endNs)} of virtual time (${ms(r.damagedNs)} of ${ms(r.endNs)} ms)`;
}

export function formatReport(r: CrashReport, verbose: boolean): string[] {
  const lines: string[] = [];
  lines.push(`robust=${r.robust ? 'on' : 'off'}: ${r.writesTotal} block writes, syncs after writes ${r.syncPoints.join(', ') || '(none)'}; ${r.points.length} crash points`);
  for (const p of r.points) {
    if (!verbose && p.verdict !== 'damaged') continue;
    const detail = p.verdict === 'damaged' ? `: ${p.reason}` : p.verdict === 'repairable' ? `: ${p.problems.length} leak${p.problems.length === 1 ? '' : 's'} (${p.problems[0]})` : '';
    lines.push(`  after write ${p.afterWrites}: ${p.verdict}${detail}`);
  }
  const n = r.points.length;
  lines.push(`  clean ${r.counts.clean} (${pct(r.counts.clean, n)}), repairable ${r.counts.repairable} (${pct(r.counts.repairable, n)}), damaged ${r.counts.damaged} (${pct(r.counts.damaged, n)}); synced data lost at ${r.syncedDataLost} point${r.syncedDataLost === 1 ? '' : 's'}`);
  lines.push(`  time-weighted: ${formatTime(r)}`);
  return lines;
}

export function formatComparison(reports: readonly CrashReport[]): string[] {
  const lines = ['| robust | block writes | crash points | clean | repairable | damaged | synced data lost | damaged time |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of reports) {
    const n = r.points.length;
    lines.push(`| ${r.robust ? 'on' : 'off'} | ${r.writesTotal} | ${n} | ${r.counts.clean} (${pct(r.counts.clean, n)}) | ${r.counts.repairable} (${pct(r.counts.repairable, n)}) | ${r.counts.damaged} (${pct(r.counts.damaged, n)}) | ${r.syncedDataLost} | ${pct(r.damagedNs, r.endNs)} |`);
  }
  return lines;
}
