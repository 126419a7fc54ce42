/*
 * A file writer on the other core: full trace chunks go into a small ring in
 * shared memory and a worker thread writes them to the file descriptor, so
 * the simulation thread never waits for the disk unless the ring is full.
 *   new ChunkWriter(fd)   start the worker for an open descriptor
 *   write(bytes)          queue a copy of bytes (blocks only while every slot is full)
 *   close()               wait until everything queued is written; throws if a write failed
 * The bytes reach the file in the order they were queued: the output is the
 * same as writing them in place.
 */
import { Worker } from 'node:worker_threads';

const SLOTS = 8;
/** Control words: [0] producer count, [1] consumer count, [2] closing, [3] failed, then one length per slot. */
const CTRL_WORDS = 4 + SLOTS;

// Plain JavaScript, so it runs the same from dist/ and under the test runner.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { fd, slotBytes, slots, ctrl, data } = workerData;
const c = new Int32Array(ctrl);
const bytes = new Uint8Array(data);
for (;;) {
  // Closing is read first: the last chunk is published before it is set (see trace-writer-thread.ts).
  const closing = Atomics.load(c, 2) === 1;
  const produced = Atomics.load(c, 0);
  const consumed = Atomics.load(c, 1);
  if (consumed === produced) {
    if (closing) break;
    Atomics.wait(c, 0, produced, 1000);
    continue;
  }
  const slot = consumed % slots;
  const length = Atomics.load(c, 4 + slot);
  const chunk = bytes.subarray(slot * slotBytes, slot * slotBytes + length);
  try {
    for (let off = 0; off < length; ) off += writeSync(fd, chunk, off, length - off);
  } catch (e) {
    Atomics.store(c, 3, 1);
  }
  Atomics.store(c, 1, consumed + 1);
  Atomics.notify(c, 1);
}
Atomics.store(c, 2, 2);
Atomics.notify(c, 2);
`;

export class ChunkWriter {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly slotBytes: number;
  private readonly worker: Worker;
  private produced = 0;

  constructor(fd: number, slotBytes: number) {
    this.slotBytes = slotBytes;
    const ctrl = new SharedArrayBuffer(CTRL_WORDS * 4);
    const data = new SharedArrayBuffer(SLOTS * slotBytes);
    this.ctrl = new Int32Array(ctrl);
    this.data = new Uint8Array(data);
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, slotBytes, slots: SLOTS, ctrl, data } });
    this.worker.unref();
  }

  write(bytes: Uint8Array): void {
    for (let start = 0; start < bytes.length; start += this.slotBytes) {
      const piece = bytes.subarray(start, Math.min(bytes.length, start + this.slotBytes));
      // Wait for a free slot: the worker is at most SLOTS chunks behind.
      for (;;) {
        const consumed = Atomics.load(this.ctrl, 1);
        if (this.produced - consumed < SLOTS) break;
        Atomics.wait(this.ctrl, 1, consumed, 1000);
      }
      const slot = this.produced % SLOTS;
      this.data.set(piece, slot * this.slotBytes);
      Atomics.store(this.ctrl, 4 + slot, piece.length);
      this.produced++;
      Atomics.store(this.ctrl, 0, this.produced);
      Atomics.notify(this.ctrl, 0);
    }
  }

  close(): void {
    Atomics.store(this.ctrl, 2, 1);
    Atomics.notify(this.ctrl, 0);
    while (Atomics.load(this.ctrl, 2) !== 2) Atomics.wait(this.ctrl, 2, 1, 1000);
    void this.worker.terminate();
    if (Atomics.load(this.ctrl, 3) !== 0) throw new Error('writing the trace file failed (disk full?)');
  }
}
