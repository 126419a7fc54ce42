/*
 * One live-FS fuzz case, end to end, and its verdict.
 *   makeCase(seed)            populate ops, corruption and workload, all from one seed
 *   runCase(c, dir)           populate an image through `mksim boot`, corrupt it, fsck.minix it, run the
 *                             workload through `mksim boot` (disk driver, FS server, a process), judge
 *   Category                  refused | survived-clean | silent-destruction | hang | js-error
 *   writeReproducer(c, dir)   the corrupted image and the workload script, runnable with `mksim boot`
 * The judge: exit 0, 1 or 2 with a clear message and no JS error text; the workload reached its end;
 * every path the corruption did not touch (inode, zones, indirect blocks, each directory on the path)
 * holds what the model says, in what `cat` printed and on the final image; the mount refused the
 * image without writing it, or fsck.minix finds nothing the corruption does not explain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootScript } from '../../../cli/commands/boot.js';
import { exitCodeFor, formatError } from '../../../cli/errors.js';
import { Prng } from '../../../kernel/random.js';
import { corruptImage, touchedBy, type Edit, type Touched } from './corrupt.js';
import { fsckMinix, namedObjects, normalize } from './fsck.js';
import { clean, clone, under, type Model } from './model.js';
import { applyOp, commandName, operands, populateOps, scriptLine, workloadOps, type Fds, type Op } from './ops.js';
import { inodeZones, readBack, walkImage, type Walk } from './walk.js';

export type Category = 'refused' | 'survived-clean' | 'silent-destruction' | 'hang' | 'js-error';
export const CATEGORIES: readonly Category[] = ['refused', 'survived-clean', 'silent-destruction', 'hang', 'js-error'];

export interface Case {
  readonly seed: number;
  readonly populate: readonly Op[];
  readonly model: Model;
  readonly workload: readonly Op[];
  /** Null: derive from the seed; a list: exactly these edits (a minimized reproducer). */
  readonly edits: readonly Edit[] | null;
  readonly cache: number;
}

export interface Verdict {
  readonly category: Category;
  readonly details: readonly string[];
  readonly exitCode: number;
  readonly edits: readonly Edit[];
  readonly output: readonly string[];
}

/** Virtual-time bound of a workload run: a normal run takes a few ms. */
export const UNTIL = '20s';
const JS_ERROR = /TypeError|RangeError|ReferenceError|SyntaxError|internal error|\bat \S+\.[jt]s:\d+|\bundefined\b|\bNaN\b|\[object Object\]/;

export function makeCase(seed: number): Case {
  const prng = new Prng(seed);
  const populate = populateOps(prng.fork());
  const work = prng.fork();
  const length = 10 + work.below(30);
  return { seed, populate: populate.ops, model: populate.model, workload: workloadOps(work, populate.model, length), edits: null, cache: [8, 32, 64][prng.below(3)]! };
}

function script(image: string, create: boolean, cache: number, body: readonly string[]): string {
  return [
    `disk disk0 image=${image}${create ? ' create=512K' : ''} block-size=1024 model=ramdisk`,
    `fs   root=disk0 cache=${cache}`,
    'process init uid=0',
    ...body.map((l) => `    ${l}`),
    '',
  ].join('\n');
}

export function workloadScript(image: string, c: Case): string {
  const body: string[] = [];
  c.workload.forEach((op, k) => body.push(`echo @@${k}`, scriptLine(op)));
  // Always a final sync (outside the calls, so a minimized case keeps it): the judge reads the image.
  body.push('echo @@sync', 'sync', 'echo @@end');
  return script(image, false, c.cache, body);
}

function boot(path: string, trace: string | undefined): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = bootScript(path, { until: UNTIL, trace }, (l) => out.push(l), (l) => err.push(l));
  } catch (e) {
    code = exitCodeFor(e);
    err.push(formatError(e, false));
  }
  return { code, out, err };
}

/** The populated image (cached per seed in `dir`). */
function populated(c: Case, dir: string): Uint8Array {
  const path = join(dir, `base-${c.seed}.img`);
  const scriptPath = join(dir, `populate-${c.seed}.boot`);
  writeFileSync(scriptPath, script(path, true, 64, c.populate.map(scriptLine)));
  const r = boot(scriptPath, undefined);
  if (r.code !== 0) throw new Error(`populating seed ${c.seed} failed (exit ${r.code}): ${[...r.out, ...r.err].join(' | ')}`);
  return new Uint8Array(readFileSync(path));
}

/**
 * The model with `tainted` set on what the corruption touched: the object's inode, zones or indirect
 * blocks; or a new name for it that a touched directory block now holds (a call through that name
 * changes it unseen by the model).
 */
function taint(m: Model, w: Walk, t: Touched, corrupted: Walk | string): Model {
  const out = clone(m);
  const renamed = new Set<number>();
  if (typeof corrupted !== 'string') {
    const touchedDir = (d: number): boolean => t.inodes.has(d) || (corrupted.dirZones.get(d) ?? []).some((z) => t.zones.has(z));
    for (const info of corrupted.paths.values()) {
      if (info.dirs.some(touchedDir) && w.paths.get(info.path)?.ino !== info.ino) renamed.add(info.ino);
    }
  }
  for (const [path, node] of m.nodes) {
    const info = w.paths.get(path);
    if (info === undefined) throw new Error(`populate: ${path} is not on the image`);
    const tainted = t.superblock || t.inodes.has(info.ino) || renamed.has(info.ino) || [...info.zones, ...info.indirect].some((z) => t.zones.has(z));
    out.nodes.set(path, { ...node, tainted, ino: info.ino });
  }
  return out;
}

const utf8 = new TextDecoder();

/** `tamper` changes the image after the run, before the judge reads it: the oracle's own tests use it. */
export function runCase(c: Case, dir: string, tamper?: (image: Uint8Array, before: Walk) => void): Verdict {
  const base = populated(c, dir);
  const w0 = walkImage(base);
  if (typeof w0 === 'string') throw new Error(`populate: ${w0}`);
  const prng = new Prng(c.seed ^ 0x5eed);
  const corrupted = c.edits === null ? corruptImage(base, w0, prng) : (() => {
    const image = base.slice();
    for (const e of c.edits!) image.set(e.bytes, e.offset);
    return { image, edits: [...c.edits!], touched: touchedBy(c.edits!, w0.sb) };
  })();
  const { image, edits, touched } = corrupted;
  const imagePath = join(dir, `case-${c.seed}.img`);
  writeFileSync(imagePath, image);
  writeFileSync(join(dir, `case-${c.seed}.corrupt.img`), image);
  const before = new Set(fsckMinix(imagePath).findings.map(normalize));
  const scriptPath = join(dir, `case-${c.seed}.boot`);
  const tracePath = join(dir, `case-${c.seed}.trace`);
  writeFileSync(scriptPath, workloadScript(imagePath, c));
  const run = boot(scriptPath, tracePath);
  const output = [...run.out, ...run.err];
  const details: string[] = [];
  const verdict = (category: Category): Verdict => ({ category, details, exitCode: run.code, edits, output });

  // 1. Exit code, messages, JS error text, faults of system processes.
  const trace = readFileSync(tracePath, 'utf8').split('\n');
  const faults = trace.filter((l) => l.includes('"ev":"fault"'));
  const mountError = trace.find((l) => l.includes('"call":"mount"'));
  for (const f of faults) details.push(`fault: ${f.slice(0, 300)}`);
  for (const l of output) if (JS_ERROR.test(l)) details.push(`JS error text: ${l.slice(0, 300)}`);
  if (![0, 1, 2].includes(run.code)) details.push(`exit code ${run.code}`);
  if (run.code !== 0 && !run.err.some((l) => l.startsWith('mksim: '))) details.push(`exit ${run.code} without a message`);
  if (details.length > 0) return verdict('js-error');
  if (!run.out.includes('init: @@end') || run.err.some((l) => /still blocked|simulation stopped/.test(l))) {
    details.push(`did not reach the end of the workload within ${UNTIL}: ${run.err.join(' | ').slice(0, 300)}`);
    return verdict('hang');
  }

  // 2. Refused: the image must be untouched.
  const after = new Uint8Array(readFileSync(imagePath));
  if (tamper !== undefined) { tamper(after, w0); writeFileSync(imagePath, after); }
  if (mountError !== undefined) {
    if (Buffer.compare(after, image) !== 0) { details.push('the mount was refused but the image changed'); return verdict('silent-destruction'); }
    details.push(JSON.parse(mountError).message as string);
    return verdict('refused');
  }

  // 3. The model, replayed with each call's outcome; what cat printed.
  const w1 = walkImage(image);
  const m = taint(c.model, w0, touched, w1);
  const fds: Fds = new Map();
  const lines = new Map<number, string[]>();
  let current = -1;
  for (const l of run.out) {
    const marker = /^init: @@(\d+)$/.exec(l);
    if (marker !== null) { current = Number(marker[1]); lines.set(current, []); } else if (l === 'init: @@sync' || l === 'init: @@end') current = -1;
    else if (current >= 0) lines.get(current)!.push(l);
  }
  // Objects a call reached through touched paths: what fsck says about them is the corruption's doing.
  const reached = new Set<number>();
  let intoTouched = false;
  c.workload.forEach((op, k) => {
    const names = operands(op);
    if (names.some((p) => !clean(m, p) && m.nodes.has(p)) || names.some((p) => !m.nodes.has(p) && !clean(m, p.slice(0, Math.max(1, p.lastIndexOf('/')))))) {
      intoTouched = true;
      for (const [p, n] of m.nodes) if (n.ino !== undefined && names.some((q) => under(p, q))) reached.add(n.ino);
    }
    const printed = lines.get(k) ?? [];
    const failure = printed.find((l) => l.startsWith(`init: ${commandName(op)}: E`));
    const ok = failure === undefined;
    if (op.op === 'cat' && ok && clean(m, op.path)) {
      const node = m.nodes.get(op.path)!;
      const want = node.kind === 'file' ? m.contents.get(node.id) : undefined;
      const got = printed.map((l) => l.replace(/^init: /, '')).join('\n');
      if (want != null && got !== utf8.decode(want)) details.push(`op ${k} cat ${op.path}: read ${got.length} bytes, expected ${want.length} (untouched)`);
    }
    applyOp(m, op, ok, fds);
  });

  // 4. Every untouched path on the final image (if the final sync put it there).
  const finalSync = run.out.slice(run.out.indexOf('init: @@sync'));
  if (!finalSync.some((l) => l.startsWith('init: sync: E'))) for (const [path, node] of m.nodes) {
    if (path === '/' || !clean(m, path)) continue;
    const got = readBack(after, path);
    if (typeof got === 'string') { details.push(`untouched ${path} lost: ${got}`); continue; }
    if (node.kind === 'dir') { if (got.kind !== 'dir') details.push(`untouched directory ${path} is now a ${got.kind}`); continue; }
    const want = node.kind === 'file' ? m.contents.get(node.id) : new TextEncoder().encode(node.target);
    if (want === null || want === undefined) continue;
    if (got.kind !== node.kind) details.push(`untouched ${node.kind} ${path} is now a ${got.kind}`);
    else if (Buffer.compare(got.bytes, want) !== 0) details.push(`untouched ${node.kind} ${path}: ${got.bytes.length} bytes differ from the expected ${want.length}`);
  }

  // 5. fsck.minix: nothing the corruption does not explain.
  const w2 = walkImage(after);
  const inodes = new Set([...touched.inodes, ...touched.imapBits, ...reached]);
  for (const [path, info] of w0.paths) {
    const node = c.model.nodes.get(path);
    const now = typeof w1 === 'string' ? undefined : w1.paths.get(path);
    if (node === undefined || !clean(taint(c.model, w0, touched, w1), path) || now?.ino !== info.ino) inodes.add(info.ino);
    if (now !== undefined && now.ino !== info.ino) inodes.add(now.ino);
  }
  // What the corrupted image names through a touched inode or directory block (an entry or a zone
  // pointer now naming another object) is the corruption's doing too.
  if (typeof w1 !== 'string') {
    const touchedDir = (d: number): boolean => inodes.has(d) || (w1.dirZones.get(d) ?? []).some((z) => touched.zones.has(z));
    for (const info of w1.paths.values()) if (inodes.has(info.ino) || info.dirs.some(touchedDir)) inodes.add(info.ino);
  }
  const zones = new Set([...touched.zones, ...touched.zmapZones]);
  for (const ino of inodes) for (const z of [...inodeZones(image, ino), ...inodeZones(after, ino)]) zones.add(z);
  for (const info of w0.paths.values()) if (inodes.has(info.ino)) for (const z of [...info.zones, ...info.indirect]) zones.add(z);
  const explained = (line: string): boolean => {
    if (touched.superblock || before.has(normalize(line))) return true;
    // A leak (marked used, used by nothing) may come of a call that went through a touched directory.
    if (intoTouched && /not used, marked used in the bitmap|marked in use, no file uses it/.test(line)) return true;
    const named = namedObjects(line);
    // A link count under a directory met twice: fsck counted that subtree more than once.
    if (/i_nlinks=/.test(line) && [w1, w2].some((w) => typeof w !== 'string' && w.dirsMetTwice.size > 0
      && [...w.paths.values()].some((i) => named.inodes.includes(i.ino) && (w.dirsMetTwice.has(i.ino) || i.dirs.some((d) => w.dirsMetTwice.has(d)))))) return true;
    if (named.inodes.some((i) => inodes.has(i)) || named.zones.some((z) => zones.has(z))) return true;
    return named.paths.some((p) => {
      if (typeof w2 === 'string') return true;
      for (let q = p; ; q = q.slice(0, Math.max(1, q.lastIndexOf('/')))) {
        const info = w2.paths.get(q);
        if (info !== undefined && inodes.has(info.ino)) return true;
        if (q === '/') return false;
      }
    });
  };
  for (const f of fsckMinix(imagePath).findings) if (!explained(f)) details.push(`fsck.minix: ${f}`);
  return verdict(details.length > 0 ? 'silent-destruction' : 'survived-clean');
}

export function writeReproducer(c: Case, v: Verdict, dir: string, name: string): string {
  const image = join(dir, `${name}.img`);
  const scriptPath = join(dir, `${name}.boot`);
  writeFileSync(image, readFileSync(join(dir, `case-${c.seed}.corrupt.img`)));
  writeFileSync(scriptPath, `# live-FS fuzz seed ${c.seed}: ${v.category}\n${v.edits.map((e) => `# corrupt: ${e.what}`).join('\n')}\n${workloadScript(image, c)}`);
  return scriptPath;
}
