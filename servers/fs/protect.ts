/*
 * Protection, as MINIX's protect.c: Unix permission bits, then the MAC hook.
 *   forbidden(fs, who, ino, access, name?, append?)   yield*: 0, or EACCES: owner/group/other bits, root's override, then macCheck
 *   need(fs, who, ino, access, what, append?)  yield*: throw FsError(EACCES) naming the file when forbidden
 *   (append: a write through O_APPEND, which the policy checks as file:append)
 *   needMac(fs, who, ino, perm, what) yield*: a MAC-only check (setattr, add_name, unlink, ...)
 *   isOwner(fs, who, ino)             yield*: the caller owns the inode or is root with capability:fowner (chmod, utime)
 *   stickyForbids(fs, who, dir, ino)  yield*: a sticky directory keeps others from removing a name
 * Root's overrides are capabilities the policy must grant (capable.ts): dac_read_search, dac_override, fowner.
 * Access bits are R_BIT, W_BIT, X_BIT (4, 2, 1), as in access(2).
 */
import { EACCES, EPERM, type KernelCall } from '../../kernel/index.js';
import { capable } from './capable.js';
import { FsError } from './errors.js';
import type { Inode } from './inode.js';
import { isDir } from './layout.js';
import { macCheck, type MacPerm } from './mac.js';
import type { FsState, Who } from './state.js';

export const R_BIT = 4;
export const W_BIT = 2;
export const X_BIT = 1;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;

function macPerms(ino: Inode, access: number, append: boolean): MacPerm[] {
  const perms: MacPerm[] = [];
  if (access & R_BIT) perms.push('read');
  if (access & W_BIT) perms.push(append ? 'append' : 'write');
  if (access & X_BIT) perms.push(isDir(ino.d.mode) ? 'search' : 'execute');
  return perms;
}

type Gen<T> = Generator<KernelCall, T, any>;

export function* forbidden(fs: FsState, who: Who, ino: Inode, access: number, name?: string, append = false): Gen<number> {
  const mode = ino.d.mode;
  const shift = who.uid === ino.d.uid ? 6 : who.gid === ino.d.gid ? 3 : 0;
  const granted = (mode >> shift) & 7;
  if ((granted & access) !== access && !(yield* dacOverridden(fs, who, mode, access))) return EACCES;
  for (const perm of macPerms(ino, access, append)) {
    const r = yield* macCheck(fs, who, ino, perm, name);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * The superuser's way past the permission bits, as Linux's generic_permission
 * asks it once the bits have refused: a directory is read or searched with
 * dac_read_search, else dac_override; a file is read with dac_read_search,
 * read or written with dac_override, and executed only if some execute bit
 * is set (MINIX and POSIX).
 */
function* dacOverridden(fs: FsState, who: Who, mode: number, access: number): Gen<boolean> {
  if (who.uid !== 0) return false;
  if (isDir(mode)) {
    if ((access & W_BIT) === 0 && (yield* capable(fs, who, 'dac_read_search'))) return true;
    return yield* capable(fs, who, 'dac_override');
  }
  if (access === R_BIT && (yield* capable(fs, who, 'dac_read_search'))) return true;
  if ((access & X_BIT) === 0 || (mode & 0o111) !== 0) return yield* capable(fs, who, 'dac_override');
  return false;
}

const ACCESS_WORDS = ['', 'search', 'write', 'write and search', 'read', 'read and search', 'read and write', 'read, write and search'];

/** The name an audit line shows: the last component of the path quoted in `what` (its directory's for a parent check). */
export function auditName(what: string): string | undefined {
  const m = /'([^']*)'/.exec(what);
  if (m === null) return undefined;
  const parts = m[1]!.split('/').filter((p) => p !== '');
  if (what.includes('parent directory')) parts.pop();
  return parts.at(-1) ?? '/';
}

export function* need(fs: FsState, who: Who, ino: Inode, access: number, what: string, append = false): Gen<void> {
  const r = yield* forbidden(fs, who, ino, access, fs.mac === undefined ? undefined : auditName(what), append);
  if (r !== 0) throw new FsError(r, `${what}: ${ACCESS_WORDS[access] ?? 'access'} permission denied (inode ${ino.nr}, mode ${(ino.d.mode & 0o7777).toString(8)}, owner ${ino.d.uid}:${ino.d.gid}, caller ${who.uid}:${who.gid})`);
}

/** A MAC-only check for operations without a permission bit (setattr, link, rename...). */
export function* needMac(fs: FsState, who: Who, ino: Inode, perm: MacPerm, what: string): Gen<void> {
  if (fs.mac === undefined) return;
  const r = yield* macCheck(fs, who, ino, perm, auditName(what));
  if (r !== 0) throw new FsError(r, `${what}: ${perm} denied by policy (inode ${ino.nr})`);
}

/** Linux's inode_owner_or_capable: the owner, or root with capability:fowner. */
export function* isOwner(fs: FsState, who: Who, ino: Inode): Gen<boolean> {
  return who.uid === ino.d.uid || (yield* capable(fs, who, 'fowner'));
}

/** In a directory with the sticky bit, only the file's owner, the directory's owner or root (fowner: check_sticky) may remove or rename a name. */
export function* stickyForbids(fs: FsState, who: Who, dir: Inode, ino: Inode): Gen<boolean> {
  if ((dir.d.mode & S_ISVTX) === 0 || who.uid === ino.d.uid || who.uid === dir.d.uid) return false;
  return !(yield* capable(fs, who, 'fowner'));
}

export function* needNotSticky(fs: FsState, who: Who, dir: Inode, ino: Inode, what: string): Gen<void> {
  if (yield* stickyForbids(fs, who, dir, ino)) throw new FsError(EPERM, `${what}: sticky directory inode ${dir.nr} protects inode ${ino.nr} (owner ${ino.d.uid})`);
}
