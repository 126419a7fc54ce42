/*
 * The filp table, as MINIX's filedes.c: open files, each with a position and
 * flags, shared by every descriptor that refers to it (after dup and fork).
 *   Filp                     flags (access mode, O_APPEND, O_NONBLOCK), position, the inode or the pipe, count,
 *                            and with MAC what the open checked against (Linux's file_security_struct)
 *   FilpTable.alloc(...)     a fresh filp with count 1; ENFILE when all NR_FILPS are in use (needRoom: check first)
 *   FilpTable.free(filp)     return it to the table (its count reached 0)
 *   mayRead(f), mayWrite(f)  the access mode allows it
 */
import { ENFILE } from '../../kernel/index.js';
import { FsError } from './errors.js';
import type { Inode } from './inode.js';
import type { Pipe } from './pipe.js';
import { O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY } from './protocol.js';

/** Open files in the whole system (MINIX's NR_FILPS). */
export const NR_FILPS = 512;

export class Filp {
  /** Descriptors (in any process) that refer to this filp. */
  count = 1;
  pos = 0;
  /** MAC (mac.ts macFileOpened): the opener's context, the inode's label and the AVC generation at open; null: none. */
  sec: { sid: string; isid: string; pseqno: number } | null = null;
  /** A socket descriptor: INET's socket id (socket.ts); -1: not a socket. */
  sock = -1;
  constructor(public flags: number, readonly ino: Inode | null, readonly pipe: Pipe | null) {}
}

export const mayRead = (f: Filp): boolean => (f.flags & O_ACCMODE) === O_RDONLY || (f.flags & O_ACCMODE) === O_RDWR;
export const mayWrite = (f: Filp): boolean => (f.flags & O_ACCMODE) === O_WRONLY || (f.flags & O_ACCMODE) === O_RDWR;

export class FilpTable {
  private inUse = 0;
  constructor(readonly slots = NR_FILPS) {}

  get used(): number {
    return this.inUse;
  }

  /** ENFILE unless n more filps fit: a call checks before it changes anything. */
  needRoom(n: number): void {
    if (this.inUse + n > this.slots) throw new FsError(ENFILE, `filp table full: all ${this.slots} open files in use`);
  }

  alloc(flags: number, ino: Inode | null, pipe: Pipe | null): Filp {
    this.needRoom(1);
    this.inUse++;
    return new Filp(flags, ino, pipe);
  }

  free(f: Filp): void {
    if (f.count !== 0) throw new Error(`filp freed with count ${f.count}`);
    if (this.inUse <= 0) throw new Error('filp table: freed more than allocated');
    this.inUse--;
  }
}
