/*
 * `security.selinux` per inode, kept in a hidden regular file of the root
 * directory, so a V3 image stays clean under `fsck.minix -f` (docs/fs.md).
 *   LABEL_FILE                  the file's name in the root directory (hidden from users)
 *   readLabel(fs, nr)           the stored context of inode nr, or null (unlabelled)
 *   writeLabel(fs, nr, ctx)     store a context (the file is made on first use)
 *   clearLabel(fs, nr)          forget a freed inode's label (its number will be reused)
 * Record n sits at byte n * 128: a u16 length and up to 126 bytes of context.
 * Unlabelled inodes fall in holes and read as zeros (length 0).
 */
import { EINVAL, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { getInode, putInode } from './inode.js';
import { ROOT_INODE, S_IFREG } from './layout.js';
import { newNode } from './open.js';
import { DirOp, searchDir } from './path.js';
import { readFile } from './read.js';
import type { FsState } from './state.js';
import { writeFile } from './write.js';

export const LABEL_FILE = '.security.selinux';
export const LABEL_RECORD_BYTES = 128;
export const LABEL_MAX_BYTES = LABEL_RECORD_BYTES - 2;

/** What the FS remembers of the label file: its inode (0: not looked up, -1: absent) and the records read. */
export interface LabelStore {
  fileNr: number;
  /** Records already read or written, by inode number (null: unlabelled). Bounded by s_ninodes. */
  readonly cache: Map<number, string | null>;
}

export function newLabelStore(): LabelStore {
  return { fileNr: 0, cache: new Map() };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The label file's inode number, or -1 when the image has none yet. */
function* labelFileNr(fs: FsState, store: LabelStore, create: boolean): Generator<KernelCall, number, any> {
  if (store.fileNr > 0 || (store.fileNr < 0 && !create)) return store.fileNr;
  const root = yield* getInode(fs, ROOT_INODE);
  try {
    const nr = yield* searchDir(fs, root, LABEL_FILE, DirOp.LOOK_UP);
    if (nr !== 0) { store.fileNr = nr; return nr; }
    if (!create) { store.fileNr = -1; return -1; }
    // Owned by root, readable by nobody else: only the FS itself reads it.
    const ino = yield* newNode(fs, root, LABEL_FILE, S_IFREG | 0o600, 0, 0, 1);
    store.fileNr = ino.nr;
    yield* putInode(fs, ino);
    fs.ctx?.trace('label', { op: 'create-file', ino: ino.nr });
    return ino.nr;
  } finally {
    yield* putInode(fs, root);
  }
}

export function* readLabel(fs: FsState, store: LabelStore, nr: number): Generator<KernelCall, string | null, any> {
  const known = store.cache.get(nr);
  if (known !== undefined) return known;
  const fileNr = yield* labelFileNr(fs, store, false);
  let label: string | null = null;
  if (fileNr > 0) {
    const file = yield* getInode(fs, fileNr);
    try {
      const rec = new Uint8Array(LABEL_RECORD_BYTES);
      const n = yield* readFile(fs, file, nr * LABEL_RECORD_BYTES, rec);
      const len = n >= 2 ? rec[0]! | (rec[1]! << 8) : 0;
      if (len > LABEL_MAX_BYTES) throw new FsError(EINVAL, `label file inode ${fileNr}: record of inode ${nr} has length ${len} > ${LABEL_MAX_BYTES}`);
      if (len > 0) label = decoder.decode(rec.subarray(2, 2 + len));
    } finally {
      yield* putInode(fs, file);
    }
  }
  store.cache.set(nr, label);
  return label;
}

export function* writeLabel(fs: FsState, store: LabelStore, nr: number, label: string | null): Generator<KernelCall, void, any> {
  const bytes = encoder.encode(label ?? '');
  if (bytes.length > LABEL_MAX_BYTES) throw new FsError(EINVAL, `context of ${bytes.length} bytes exceeds ${LABEL_MAX_BYTES}`);
  if ((yield* readLabel(fs, store, nr)) === label) return;
  const fileNr = yield* labelFileNr(fs, store, label !== null);
  if (fileNr < 0) return; // clearing a label in an image that has none
  const rec = new Uint8Array(LABEL_RECORD_BYTES);
  rec[0] = bytes.length & 0xff;
  rec[1] = bytes.length >> 8;
  rec.set(bytes, 2);
  const file = yield* getInode(fs, fileNr);
  try {
    yield* writeFile(fs, file, nr * LABEL_RECORD_BYTES, rec);
  } finally {
    yield* putInode(fs, file);
  }
  store.cache.set(nr, label);
  fs.ctx?.trace('label', { op: label === null ? 'clear' : 'set', ino: nr, context: label });
}

export function* clearLabel(fs: FsState, store: LabelStore, nr: number): Generator<KernelCall, void, any> {
  yield* writeLabel(fs, store, nr, null);
}
