/*
 * The binary trace records the kernel's thread writes into the shared ring
 * and the writer thread turns into JSON lines (kernel/trace-ring.ts,
 * kernel/trace-writer-thread.ts): one layout, named once.
 *   OP_*       op codes;  S_*  the slots of a record shape
 *   RING_CTRL_*   the control words of the ring
 * A record is a run of 8-byte words; word 0 holds the op in its low byte
 * (Int32 view index 2w) and an operand in its second Int32 (index 2w+1).
 * A message or sched record is a shape (its constant JSON text, defined once
 * with OP_SHAPE) and the values of the shape's slots: the writer copies the
 * constant text and writes only the numbers (issue 20).
 */

/** Define the next string id: operand = byte length of its JSON literal, which follows. */
export const OP_STR = 1;
/**
 * Define shape `operand`: word 1 (int32) the byte length of its description
 * (UTF-8 JSON `{"segs":[text...],"slots":[S_*...]}`: the record's text is
 * segs[0] slot 0 segs[1] slot 1 ... segs[n]), whose bytes follow from word 2.
 */
export const OP_SHAPE = 2;
/**
 * A record of shape `operand`; bits 8+ of word 0 the record's length in
 * words (this word included); one word per slot follows, in order, but an
 * S_JSON slot: its byte length (int32), then its bytes from the next word.
 */
export const OP_REC = 3;
/** JSON text made by the kernel's thread (other kinds, long or odd values): operand = byte length; the bytes follow. */
export const OP_RAW = 10;

/** Slots: seq, t and a message's id (float64, non-negative integers the writer caches); cause and re (integers). */
export const S_SEQ = 0;
export const S_T = 1;
export const S_ID = 2;
export const S_INT = 3;
/** A number as ByteWriter.value writes it (float64). */
export const S_NUM = 4;
/** A string by its id (int32; OP_STR defined it). */
export const S_STR = 5;
/** JSON text made on the kernel's thread, inline. */
export const S_JSON = 6;

/** Bits 8+ of an OP_REC head word: the record's length in words. */
export const LEN_SHIFT = 8;

/** Control words: produced slots, consumed slots, closing (1) / closed (2), failed (1 write, 2 encoder), then one word count per slot. */
export const RING_CTRL_PRODUCED = 0;
export const RING_CTRL_CONSUMED = 1;
export const RING_CTRL_CLOSING = 2;
export const RING_CTRL_FAILED = 3;
export const RING_CTRL_WORDS = 4;
