/*
 * The calls of the live-FS fuzzer's workloads, as boot-script commands, and their effect on the model.
 *   Op                         one call (mkdir, write, append, cat, rm, mv, ln, ln -s, open/writefd/fsync/close, sync, ...)
 *   scriptLine(op)             the boot-script command
 *   applyOp(m, op, ok, fds)    the model after the call: exact when it succeeded on untouched paths;
 *                              what a failed call or a call on touched paths may have changed is forgotten
 *   populateOps(prng), workloadOps(prng, m)   seeded sequences
 * Contents are letters and digits, so a file never contains a line the judge would take for an errno.
 */
import type { Prng } from '../../../kernel/random.js';
import { patternBytes } from '../../../lib/shell/fs-commands.js';
import { clean, clone, concat, forget, move, parentOf, remove, type Model, type Node } from './model.js';

export type Op =
  | { readonly op: 'mkdir' | 'rmdir' | 'cat' | 'ls' | 'stat' | 'rm'; readonly path: string }
  | { readonly op: 'write'; readonly path: string; readonly text: string; readonly bytes: number | null; readonly append: boolean }
  | { readonly op: 'mv' | 'ln'; readonly from: string; readonly to: string }
  | { readonly op: 'symlink'; readonly target: string; readonly path: string }
  | { readonly op: 'open'; readonly name: string; readonly path: string }
  | { readonly op: 'writefd'; readonly name: string; readonly text: string }
  | { readonly op: 'fsync' | 'close'; readonly name: string }
  | { readonly op: 'sync' };

const utf8 = new TextEncoder();

export function scriptLine(op: Op): string {
  switch (op.op) {
    case 'write':
      return `write${op.append ? ' --append' : ''}${op.bytes !== null ? ` --bytes ${op.bytes}` : ''} ${op.path}${op.bytes === null ? ` "${op.text}"` : ''}`;
    case 'mv': return `mv ${op.from} ${op.to}`;
    case 'ln': return `ln ${op.from} ${op.to}`;
    case 'symlink': return `ln -s ${op.target} ${op.path}`;
    case 'open': return `open ${op.name} ${op.path} O_WRONLY|O_CREAT|O_APPEND`;
    case 'writefd': return `writefd ${op.name} "${op.text}"`;
    case 'fsync': case 'close': return `${op.op} ${op.name}`;
    case 'sync': return 'sync';
    default: return `${op.op} ${op.path}`;
  }
}

/** The paths a call names. */
export function operands(op: Op): string[] {
  switch (op.op) {
    case 'mv': case 'ln': return [op.from, op.to];
    case 'symlink': case 'open': return [op.path];
    case 'writefd': case 'fsync': case 'close': case 'sync': return [];
    default: return [op.path];
  }
}

/** The command name a failure line starts with (`NAME: ERRNO`). */
export function commandName(op: Op): string {
  return op.op === 'symlink' ? 'ln' : op.op;
}

const dataOf = (op: { text: string; bytes: number | null }): Uint8Array => (op.bytes !== null ? patternBytes(op.bytes) : utf8.encode(op.text));

/** Descriptors named by `open`: the file identity written through them (null: uncertain). */
export type Fds = Map<string, number | null>;

function newFile(m: Model, path: string, data: Uint8Array): void {
  const id = m.nextId++;
  m.contents.set(id, data);
  m.nodes.set(path, { kind: 'file', id, tainted: false });
}

const fileAt = (m: Model, path: string): Extract<Node, { kind: 'file' }> | undefined => {
  const n = m.nodes.get(path);
  return n?.kind === 'file' ? n : undefined;
};

/** The file at `path` (and under it) now has a name the model does not follow: a write through it is unseen. */
function unknownAlias(m: Model, path: string): void {
  for (const [p, n] of m.nodes) if (n.kind === 'file' && (p === path || p.startsWith(`${path}/`))) m.contents.set(n.id, null);
}

export function applyOp(m: Model, op: Op, ok: boolean, fds: Fds): void {
  switch (op.op) {
    case 'cat': case 'ls': case 'stat': case 'sync': case 'fsync':
      return;
    case 'mkdir':
      if (ok && clean(m, parentOf(op.path))) m.nodes.set(op.path, { kind: 'dir', tainted: false });
      else if (ok || !m.nodes.has(op.path)) forget(m, op.path);
      return;
    case 'rmdir': case 'rm':
      if (ok && clean(m, parentOf(op.path))) remove(m, op.path);
      else if (ok) forget(m, op.path);
      return;
    case 'write': {
      const f = fileAt(m, op.path);
      const data = dataOf(op);
      if (f !== undefined) {
        if (!ok || !clean(m, op.path)) { m.contents.set(f.id, null); if (ok) forget(m, op.path); return; }
        const old = m.contents.get(f.id);
        m.contents.set(f.id, op.append ? (old == null ? null : concat(old, data)) : data);
      } else if (ok && clean(m, parentOf(op.path)) && !m.nodes.has(op.path)) {
        newFile(m, op.path, data);
      } else {
        forget(m, op.path);
      }
      return;
    }
    case 'mv': {
      if (!ok) return;
      const to = m.nodes.get(op.to);
      if (clean(m, op.from) && clean(m, parentOf(op.to)) && (to === undefined || clean(m, op.to))) move(m, op.from, op.to);
      else { unknownAlias(m, op.from); forget(m, op.from); forget(m, op.to); }
      return;
    }
    case 'ln': {
      if (!ok) return;
      const from = m.nodes.get(op.from);
      if (from !== undefined && clean(m, op.from) && clean(m, parentOf(op.to)) && !m.nodes.has(op.to)) m.nodes.set(op.to, from);
      else { unknownAlias(m, op.from); forget(m, op.to); }
      return;
    }
    case 'symlink':
      if (ok && clean(m, parentOf(op.path)) && !m.nodes.has(op.path)) m.nodes.set(op.path, { kind: 'symlink', target: op.target, tainted: false });
      else if (ok) forget(m, op.path);
      return;
    case 'open': {
      if (!ok) { fds.delete(op.name); return; }
      const f = fileAt(m, op.path);
      if (f !== undefined && clean(m, op.path)) fds.set(op.name, f.id);
      else if (f !== undefined) { m.contents.set(f.id, null); fds.set(op.name, null); }
      else if (clean(m, parentOf(op.path)) && !m.nodes.has(op.path)) { newFile(m, op.path, new Uint8Array(0)); fds.set(op.name, fileAt(m, op.path)!.id); }
      else { forget(m, op.path); fds.set(op.name, null); }
      return;
    }
    case 'writefd': {
      const id = fds.get(op.name);
      if (id === undefined || id === null) return;
      const old = m.contents.get(id);
      m.contents.set(id, ok && old != null ? concat(old, utf8.encode(op.text)) : null);
      return;
    }
    case 'close':
      if (ok) fds.delete(op.name);
      return;
  }
}

// ---- generation ---------------------------------------------------------------

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function text(prng: Prng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[prng.below(ALPHABET.length)];
  return s;
}

const pick = <T>(prng: Prng, xs: readonly T[]): T => xs[prng.below(xs.length)]!;

function paths(m: Model, kind: Node['kind']): string[] {
  return [...m.nodes].filter(([, n]) => n.kind === kind).map(([p]) => p);
}

const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** A file's contents as calls: one write, or open + writefd chunks for a file past the direct zones. */
function fileOps(prng: Prng, path: string, length: number, fd: string): Op[] {
  if (length <= 2000) return [{ op: 'write', path, text: text(prng, length), bytes: null, append: false }];
  const ops: Op[] = [{ op: 'open', name: fd, path }];
  for (let left = length; left > 0; left -= 1000) ops.push({ op: 'writefd', name: fd, text: text(prng, Math.min(1000, left)) });
  ops.push({ op: 'close', name: fd });
  return ops;
}

/** Apply as if every call succeeded: the plan the generator picks paths from. */
function plan(m: Model, ops: Op[], fds: Fds, op: Op): void {
  ops.push(op);
  applyOp(m, op, true, fds);
}

export function populateOps(prng: Prng): { ops: Op[]; model: Model } {
  const m = clone(EMPTY);
  const fds: Fds = new Map();
  const ops: Op[] = [];
  const dirs = 2 + prng.below(4);
  for (let i = 0; i < dirs; i++) plan(m, ops, fds, { op: 'mkdir', path: join(pick(prng, paths(m, 'dir')), `d${i}`) });
  const files = 5 + prng.below(8);
  for (let i = 0; i < files; i++) {
    const r = prng.below(10);
    const length = r < 7 ? prng.below(900) : r < 9 ? 1000 + prng.below(1000) : 8000 + prng.below(14000);
    for (const op of fileOps(prng, join(pick(prng, paths(m, 'dir')), `f${i}`), length, 'p')) plan(m, ops, fds, op);
  }
  if (prng.below(4) === 0) {
    // A directory of more than one block (16 entries per 1 KiB block).
    const dir = join(pick(prng, paths(m, 'dir')), 'many');
    plan(m, ops, fds, { op: 'mkdir', path: dir });
    for (let i = 0, n = 17 + prng.below(16); i < n; i++) plan(m, ops, fds, { op: 'write', path: join(dir, `m${i}`), text: text(prng, prng.below(60)), bytes: null, append: false });
  }
  for (let i = 0, n = 1 + prng.below(2); i < n; i++) plan(m, ops, fds, { op: 'ln', from: pick(prng, paths(m, 'file')), to: join(pick(prng, paths(m, 'dir')), `h${i}`) });
  for (let i = 0, n = prng.below(3); i < n; i++) plan(m, ops, fds, { op: 'symlink', target: pick(prng, paths(m, 'file')), path: join(pick(prng, paths(m, 'dir')), `s${i}`) });
  plan(m, ops, fds, { op: 'sync' });
  return { ops, model: m };
}

const EMPTY: Model = { nodes: new Map([['/', { kind: 'dir', tainted: false }]]), contents: new Map(), nextId: 1 };

/** A random sequence of calls over what the model holds (and some names it does not). */
export function workloadOps(prng: Prng, start: Model, length: number): Op[] {
  const m = clone(start);
  const fds: Fds = new Map();
  const ops: Op[] = [];
  const anyPath = (): string => {
    const r = prng.below(10);
    const all = [...m.nodes.keys()].filter((p) => p !== '/');
    if (r < 8 && all.length > 0) return pick(prng, all);
    return join(pick(prng, paths(m, 'dir')), `x${prng.below(1000)}`);
  };
  const newPath = (): string => join(pick(prng, paths(m, 'dir')), `w${ops.length}`);
  const filePath = (): string => {
    const files = paths(m, 'file');
    return files.length > 0 && prng.below(4) !== 0 ? pick(prng, files) : newPath();
  };
  while (ops.length < length) {
    const r = prng.below(100);
    if (r < 14) plan(m, ops, fds, { op: 'cat', path: anyPath() });
    else if (r < 18) plan(m, ops, fds, { op: 'ls', path: pick(prng, paths(m, 'dir')) });
    else if (r < 22) plan(m, ops, fds, { op: 'stat', path: anyPath() });
    else if (r < 34) {
      const big = prng.below(5) === 0;
      plan(m, ops, fds, { op: 'write', path: filePath(), text: big ? '' : text(prng, prng.below(1500)), bytes: big ? 2000 + prng.below(12000) : null, append: false });
    } else if (r < 42) plan(m, ops, fds, { op: 'write', path: filePath(), text: text(prng, 1 + prng.below(1200)), bytes: null, append: true });
    else if (r < 48) plan(m, ops, fds, { op: 'mkdir', path: newPath() });
    else if (r < 51) plan(m, ops, fds, { op: 'rmdir', path: pick(prng, paths(m, 'dir').filter((p) => p !== '/').concat(newPath())) });
    else if (r < 59) plan(m, ops, fds, { op: 'rm', path: anyPath() });
    else if (r < 67) plan(m, ops, fds, { op: 'mv', from: anyPath(), to: prng.below(3) === 0 ? anyPath() : newPath() });
    else if (r < 72) plan(m, ops, fds, { op: 'ln', from: filePath(), to: newPath() });
    else if (r < 75) plan(m, ops, fds, { op: 'symlink', target: anyPath(), path: newPath() });
    else if (r < 88) {
      const name = `fd${ops.length}`;
      plan(m, ops, fds, { op: 'open', name, path: filePath() });
      for (let i = 0, n = 1 + prng.below(3); i < n; i++) plan(m, ops, fds, { op: 'writefd', name, text: text(prng, 1 + prng.below(900)) });
      if (prng.below(2) === 0) plan(m, ops, fds, { op: 'fsync', name });
      plan(m, ops, fds, { op: 'close', name });
    } else plan(m, ops, fds, { op: 'sync' });
  }
  return ops;
}
