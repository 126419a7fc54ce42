/*
 * The mandatory access control hook, asked after the Unix permission bits
 * have allowed an operation (SELinux's order: DAC first, then MAC).
 *   macCheck(fs, who, ino, perm)   0 (allowed) or an errno (EACCES)
 *   MacPerm                        the file-class permissions the FS asks about
 * For now every request is allowed: the security engineer replaces the body
 * with a query to the AVC client (lib/avc/) for the inode's label and the
 * caller's context.
 */
import type { Inode } from './inode.js';
import type { FsState, Who } from './state.js';

export type MacPerm =
  | 'read' | 'write' | 'append' | 'execute' | 'search' | 'getattr' | 'setattr'
  | 'create' | 'link' | 'unlink' | 'rename' | 'add_name' | 'remove_name' | 'reparent' | 'rmdir' | 'lock';

export function macCheck(_fs: FsState, _who: Who, _ino: Inode, _perm: MacPerm): number {
  return 0;
}
