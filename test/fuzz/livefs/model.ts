/*
 * What the live-FS fuzzer expects the tree to hold: paths, hard-link identities and contents.
 *   Model                  path -> node (dir, file with an identity, symlink with its target);
 *                          contents per identity, null once a failed call made them uncertain
 *   newModel(), clone(m)   an empty tree (the root), a copy
 *   forget(m, path)        the path and everything under it become unknown (no longer checked)
 *   remove(m, path)        the path and everything under it are gone
 *   parentOf(path), under(path, dir)
 * Nodes carry `tainted`: the corruption touched the object (its inode, zones or indirect blocks),
 * so it is not held to the oracle; and `ino`, the inode an object of the populated image had.
 */

export type Node =
  | { readonly kind: 'dir'; readonly tainted: boolean; readonly ino?: number }
  | { readonly kind: 'file'; readonly id: number; readonly tainted: boolean; readonly ino?: number }
  | { readonly kind: 'symlink'; readonly target: string; readonly tainted: boolean; readonly ino?: number }
  /** Something may be here (a call on touched paths, or a failed one, left it unknown). */
  | { readonly kind: 'unknown'; readonly tainted: true; readonly ino?: number };

export interface Model {
  readonly nodes: Map<string, Node>;
  /** Contents per file identity (hard links share one); null: uncertain, not checked. */
  readonly contents: Map<number, Uint8Array | null>;
  nextId: number;
}

export function newModel(): Model {
  return { nodes: new Map([['/', { kind: 'dir', tainted: false }]]), contents: new Map(), nextId: 1 };
}

export function clone(m: Model): Model {
  return { nodes: new Map(m.nodes), contents: new Map(m.contents), nextId: m.nextId };
}

export const parentOf = (path: string): string => (path.lastIndexOf('/') <= 0 ? '/' : path.slice(0, path.lastIndexOf('/')));
export const under = (path: string, dir: string): boolean => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

export function remove(m: Model, path: string): void {
  for (const p of [...m.nodes.keys()]) if (under(p, path) && p !== '/') m.nodes.delete(p);
}

export function forget(m: Model, path: string): void {
  const ino = m.nodes.get(path)?.ino;
  remove(m, path);
  if (path !== '/') m.nodes.set(path, ino === undefined ? { kind: 'unknown', tainted: true } : { kind: 'unknown', tainted: true, ino });
}

/** Move `from` (and its subtree) to `to`, replacing what `to` named. */
export function move(m: Model, from: string, to: string): void {
  remove(m, to);
  const moved: [string, Node][] = [];
  for (const [p, n] of m.nodes) if (under(p, from)) moved.push([to + p.slice(from.length), n]);
  remove(m, from);
  for (const [p, n] of moved) m.nodes.set(p, n);
}

/** The path is held to the oracle: every directory on it and the node itself untouched. */
export function clean(m: Model, path: string): boolean {
  for (let p = path; ; p = parentOf(p)) {
    const n = m.nodes.get(p);
    if (n === undefined || n.tainted) return false;
    if (p === '/') return true;
  }
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
