/*
 * What a crash at one point leaves behind, in fsck's terms.
 *   classifyImage(image)  -> { verdict: clean | repairable | damaged, problems, reason }
 *   isLeak(problem)       a problem `fsck --repair` fixes without losing anything: a block or inode
 *                         marked used that nothing uses, a link count above the links found
 * Everything else is damage: a block owned twice, a block in use but marked
 * free (it would be handed out again), an entry naming a free inode, a link
 * count below the links found (the inode would be freed while named), a
 * broken directory. Lost synced data is judged by the caller (run.ts).
 */
import { checkImage } from '../../servers/fs/tools/fsck.js';

export type Verdict = 'clean' | 'repairable' | 'damaged';

export interface PointVerdict {
  readonly verdict: Verdict;
  /** fsck's findings (capped by fsck). */
  readonly problems: readonly string[];
  /** Why it is damaged: the first damaging problem, or null. */
  readonly reason: string | null;
}

export function isLeak(problem: string): boolean {
  if (/^zone \d+ is marked used but no file uses it$/.test(problem)) return true;
  if (/is marked used but no directory refers to it$/.test(problem)) return true;
  const links = /^inode \d+: i_nlinks is (\d+), counted (\d+)$/.exec(problem);
  return links !== null && Number(links[1]) > Number(links[2]);
}

export function classifyImage(image: Uint8Array): PointVerdict {
  const report = checkImage(image);
  if (report.fatal !== null) return { verdict: 'damaged', problems: [report.fatal], reason: report.fatal };
  if (report.problems.length === 0) return { verdict: 'clean', problems: [], reason: null };
  const damaging = report.problems.find((p) => !isLeak(p) && !p.startsWith('... and'));
  if (damaging !== undefined) return { verdict: 'damaged', problems: report.problems, reason: damaging };
  // Leaks only: --repair must leave it clean, or it was not as harmless as it looked.
  const copy = image.slice();
  checkImage(copy, { repair: true });
  const after = checkImage(copy);
  if (after.fatal !== null || after.problems.length > 0) {
    return { verdict: 'damaged', problems: report.problems, reason: `still not clean after repair: ${after.fatal ?? after.problems[0]}` };
  }
  return { verdict: 'repairable', problems: report.problems, reason: null };
}
