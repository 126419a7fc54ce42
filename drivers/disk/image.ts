/*
 * Image back ends: the bytes behind the disk.
 *   DiskImage                  sizeBytes, read(position, into), write(position, from), close()
 *   memoryImage(bytesOrSize)   an image in a Uint8Array (given, or zeroed of a size), its pages touched at open
 *   openFileImage(path, readOnly)   an existing image file (one mkfs.minix made, say), read and written in place;
 *                              readOnly opens it O_RDONLY, so no write can reach it
 *   createFileImage(path, sizeBytes)  a fresh zeroed file of that size, then as openFileImage
 * File writes are synchronous pwrite calls in request order, so when the
 * simulation stops (a power cut) the file holds exactly what was written.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { fail } from './errors.js';

export interface DiskImage {
  readonly sizeBytes: number;
  /** A description for messages: the path, or "memory". */
  readonly where: string;
  /** Opened read-only: write() must not be called (the driver refuses writes with EROFS). */
  readonly readOnly?: boolean;
  /** Copy image bytes at position into `into` (the caller keeps within sizeBytes). */
  read(position: number, into: Uint8Array): void;
  write(position: number, from: Uint8Array): void;
  close(): void;
}

/** The host's page size, at least: one write in each makes the page resident. */
const TOUCH_STRIDE_BYTES = 4096;

export function memoryImage(bytesOrSize: Uint8Array | number): DiskImage {
  const bytes = typeof bytesOrSize === 'number' ? new Uint8Array(checkSize(bytesOrSize, 'memory')) : bytesOrSize;
  // A RAM disk's memory is resident: write each page once now (the same byte back), so the first
  // writes of a run do not pay the host's page faults (7% of the fs benchmark, docs/performance.md).
  for (let i = 0; i < bytes.length; i += TOUCH_STRIDE_BYTES) bytes[i] = bytes[i]!;
  return {
    sizeBytes: bytes.length,
    where: 'memory',
    read(position, into) { into.set(bytes.subarray(position, position + into.length)); },
    write(position, from) { bytes.set(from, position); },
    close() {},
  };
}

export function openFileImage(path: string, readOnly = false): DiskImage {
  let fd: number;
  try {
    fd = openSync(path, readOnly ? 'r' : 'r+');
  } catch (err) {
    return fail(`cannot open disk image ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    fail(`disk image ${path} is not a regular file`);
  }
  return fileImage(fd, path, stat.size, readOnly);
}

export function createFileImage(path: string, sizeBytes: number): DiskImage {
  checkSize(sizeBytes, path);
  let fd: number;
  try {
    fd = openSync(path, 'w+');
  } catch (err) {
    return fail(`cannot create disk image ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  ftruncateSync(fd, sizeBytes);
  return fileImage(fd, path, sizeBytes);
}

function fileImage(fd: number, path: string, sizeBytes: number, readOnly = false): DiskImage {
  let open = true;
  return {
    sizeBytes,
    where: path,
    readOnly,
    read(position, into) {
      // readSync may return fewer bytes than asked; loop until the buffer is full.
      for (let got = 0; got < into.length; ) {
        const n = readSync(fd, into, got, into.length - got, position + got);
        if (n === 0) throw new Error(`disk image ${path} shrank under the simulator at byte ${position + got}`);
        got += n;
      }
    },
    write(position, from) {
      if (readOnly) throw new Error(`disk image ${path} is open read-only: a write reached it`);
      for (let put = 0; put < from.length; ) put += writeSync(fd, from, put, from.length - put, position + put);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

function checkSize(sizeBytes: number, where: string): number {
  if (!(Number.isSafeInteger(sizeBytes) && sizeBytes > 0)) fail(`disk image ${where}: size must be a positive integer number of bytes, got ${sizeBytes}`);
  return sizeBytes;
}
