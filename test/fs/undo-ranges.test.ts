/*
 * The undo log's ranged notes (servers/fs/undo.ts noteRange, cache.ts markDirtyRange, issue 20):
 * a small change keeps only the bytes it touches, yet the note's image is the block before the
 * request whenever it is needed whole: after a second range, a whole-block change, or a write
 * to disk (after which the buffer may be evicted). The end-to-end undo rows are
 * test/servers/fs/undo.test.ts; these check the images byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { Buf } from '../../servers/fs/cache.js';
import { UndoLog } from '../../servers/fs/undo.js';

const BLOCK_BYTES = 4096;

function buffer(blockNr: number): { b: Buf; before: Uint8Array } {
  const data = Uint8Array.from({ length: BLOCK_BYTES }, (_, i) => (i * 7 + blockNr) & 0xff);
  const b = new Buf(0, data);
  b.blockNr = blockNr;
  b.valid = true;
  return { b, before: data.slice() };
}

/** The note's image over its valid bytes equals `before` there; whole when `whole`. */
function expectImage(log: UndoLog, b: Buf, before: Uint8Array, whole: boolean): void {
  const note = log.blocks.get(b.blockNr)!;
  expect(note.image).not.toBeNull();
  if (whole) {
    expect(note.from).toBeLessThan(0);
    expect(Buffer.from(note.image!).equals(Buffer.from(before))).toBe(true);
  } else {
    expect(note.from).toBeGreaterThanOrEqual(0);
    expect(Buffer.from(note.image!.subarray(note.from, note.to)).equals(Buffer.from(before.subarray(note.from, note.to)))).toBe(true);
  }
}

describe('ranged undo notes', () => {
  it('a range keeps its bytes; a change inside it keeps the first image', () => {
    const log = new UndoLog();
    const { b, before } = buffer(10);
    log.noteRange(b, 64, 128);
    b.data.fill(0xee, 64, 128);
    log.noteRange(b, 70, 80); // inside: nothing new to keep
    b.data.fill(0x11, 70, 80);
    expectImage(log, b, before, false);
    expect(log.blocks.get(10)!.from).toBe(64);
  });

  it('a second range elsewhere, a whole-block change, or a write makes the image whole and old', () => {
    for (const then of ['range', 'block', 'written'] as const) {
      const log = new UndoLog();
      const { b, before } = buffer(20);
      log.noteRange(b, 100, 101);
      b.data[100] = 0xff;
      if (then === 'range') { log.noteRange(b, 3000, 3064); b.data.fill(0, 3000, 3064); }
      if (then === 'block') { log.noteBlock(b, true); b.data.fill(0x5a); }
      if (then === 'written') { log.noteWritten(b); b.data.fill(0x33); } // the buffer reused after the write
      expectImage(log, b, before, true);
    }
  });

  it('images from the pool after clear() hold no bytes of an earlier request', () => {
    const log = new UndoLog();
    const first = buffer(30);
    log.noteBlock(first.b, true);
    log.clear();
    const { b, before } = buffer(31);
    log.noteRange(b, 0, 8);
    b.data.fill(9, 0, 8);
    log.noteBlock(b, true);
    expectImage(log, b, before, true);
  });
});
