/*
 * util-linux fsck.minix as the fuzzer's second oracle: its findings after the run, less those the
 * corruption explains.
 *   fsckMinix(path)                      -> finding lines of `fsck.minix -f` (read-only: no -a/-r)
 *   normalize(line)                      a link-count finding keyed by its excess, so a later link
 *                                        elsewhere in the directory does not make it "new"
 *   namedObjects(line)                   the inodes, zones and paths a finding names
 */
import { spawnSync } from 'node:child_process';

/**
 * A guard on the external tool (wall time; the simulation itself never reads the clock). A first
 * timeout is retried with a longer one: on a loaded machine a healthy check can miss 20 s (seed
 * 20261008 was once counted as a destruction that way), while a looping fsck misses both.
 */
const FSCK_TIMEOUTS_MS = [20_000, 120_000] as const;

export function fsckMinix(path: string): { status: number; findings: string[] } {
  let r = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: FSCK_TIMEOUTS_MS[0] });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    r = spawnSync('fsck.minix', ['-f', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: FSCK_TIMEOUTS_MS[1] });
  }
  // util-linux fsck.minix can loop on a corrupt directory tree: a finding like any other.
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return { status: -1, findings: [`fsck.minix did not finish within ${FSCK_TIMEOUTS_MS[1] / 1000} s`] };
  if (r.error !== undefined) throw r.error;
  // fsck.minix prints "bad directory: size < 32" without a newline: split it from the next finding.
  const findings = `${r.stdout}\n${r.stderr}`.replace(/size < 32(?=\S)/g, 'size < 32\n').split('\n').map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Forcing filesystem check'));
  return { status: r.status ?? -1, findings };
}

export function normalize(line: string): string {
  const links = /^Inode (\d+) \(mode = (\d+)\), i_nlinks=(\d+), counted=(\d+)\.$/.exec(line);
  if (links !== null) return `Inode ${links[1]} (mode = ${links[2]}) i_nlinks - counted = ${Number(links[3]) - Number(links[4])}`;
  return line;
}

export function namedObjects(line: string): { inodes: number[]; zones: number[]; paths: string[] } {
  const inodes = [...line.matchAll(/[Ii]node (\d+)/g)].map((m) => Number(m[1]));
  const zones = [...line.matchAll(/(?:Zone|Block|zone|block) (\d+)/g)].map((m) => Number(m[1]));
  const paths = [...line.matchAll(/[`'](\/[^']*)'/g), ...line.matchAll(/^(\/[^:]*): bad directory/g)].map((m) => m[1]!.replace(/\/\.$/, '') || '/');
  return { inodes, zones, paths };
}
