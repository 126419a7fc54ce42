/*
 * The binary trace records the kernel's thread writes into the shared ring
 * and the writer thread turns into JSON lines (kernel/trace-ring.ts,
 * kernel/trace-writer-thread.ts): one layout, named once.
 *   OP_*, *_WORDS, F_*   op codes, fixed sizes in 8-byte words, flag bits
 *   RING_CTRL_*          the control words of the ring
 * A record is a run of 8-byte words; word 0 holds the op in its low byte
 * (Int32 view index 2w) and an operand in its second Int32 (index 2w+1).
 * Strings (names, types, keys) travel once as OP_STR and then as their id.
 */

/** Define the next string id: operand = byte length of its JSON literal, which follows. */
export const OP_STR = 1;
/**
 * A message record: operand = host id or -1; bits 8-9 of word 0 the kind
 * (0 send, 1 deliver, 2 reply, 3 notify), bits 12+ the F_* flags; words 1-3
 * seq, t, id (float64); word 4 src and dst ids (int32 pair); word 5 type id;
 * word 6 cause; word 7 re. Unless F_DONE, payload ops and OP_END follow.
 */
export const OP_MSG = 2;
/** A payload field with a number value: operand = key id; word 1 the value (float64). */
export const OP_FNUM = 3;
/** A payload field with a string value: operand = key id; word 1 (int32) the string's id. */
export const OP_FSTR = 4;
/** A payload field with a boolean value: operand = key id; bit 8 of word 0 the value. */
export const OP_FBOOL = 5;
/** A payload field's key: operand = key id; its value's JSON follows as OP_RAW. */
export const OP_FKEY = 6;
/** A payload that had a key but no written field: `,"msg":{` alone. */
export const OP_POPEN = 7;
/** The end of a message record: closes the payload if one was opened, then host and `}\n`. */
export const OP_END = 8;
/**
 * A sched record: operand = host id or -1; bits 12+ of word 0 the F_* flags;
 * words 1-2 seq and t; word 3 from and to ids (-1 for null); word 4 waitNs.
 */
export const OP_SCHED = 9;
/** JSON text made by the kernel's thread (other kinds, long or odd values): operand = byte length; the bytes follow. */
export const OP_RAW = 10;

export const MSG_WORDS = 8;
export const SCHED_WORDS = 5;

/** Message flags (bits 12+ of word 0). */
export const F_CAUSE = 1;
export const F_RE = 2;
export const F_ASYNC = 4;
/** No payload: the record ends with this op. */
export const F_DONE = 8;
/** Sched flags. */
export const F_WAIT = 1;
export const F_PREEMPTED = 2;
export const FLAG_SHIFT = 12;
export const EV_SHIFT = 8;

/** Control words: produced slots, consumed slots, closing (1) / closed (2), failed (1 write, 2 encoder), then one word count per slot. */
export const RING_CTRL_PRODUCED = 0;
export const RING_CTRL_CONSUMED = 1;
export const RING_CTRL_CLOSING = 2;
export const RING_CTRL_FAILED = 3;
export const RING_CTRL_WORDS = 4;
