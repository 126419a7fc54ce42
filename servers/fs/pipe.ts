/*
 * Pipes, as MINIX's pipe.c: a bounded buffer between a read and a write
 * end, with readers and writers suspended (no reply) until they can go on,
 * and revived (the reply sent) by the call that makes room or data.
 *   makePipe(fs)                        a pipe with one read and one write filp
 *   pipeRead(fs, proc, filp, buffer)    bytes read, 0 at end (no writers), or null: suspended
 *   pipeWrite(fs, proc, filp, buffer)   bytes written, or null: suspended; EPIPE + SIGPIPE with no reader
 *   closePipeEnd(fs, filp)              the last close of an end: wake the other side (EOF, EPIPE)
 *   cancelPipeWait(proc)                take a suspended process off its pipe's queue (signal, exit)
 * A write of at most PIPE_BUF bytes is atomic: it waits until all of it
 * fits. A longer one moves what fits and waits for room for the rest.
 */
import { EAGAIN, EPIPE, NONE, send, senda, type KernelCall } from '../../kernel/index.js';
import { SIGPIPE } from '../pm/protocol.js';
import { FsError } from './errors.js';
import type { Filp } from './filp.js';
import type { Fproc, PipeSuspension } from './fproc.js';
import { fsReply, O_NONBLOCK, O_RDONLY, O_WRONLY, type FsSignal } from './protocol.js';
import type { FsState } from './state.js';
import { copyin, copyout, type UserData } from './uio.js';

/** MINIX's pipe size: seven blocks (its V1 direct zones), 7168 bytes with 1 KiB blocks. */
export const PIPE_BLOCKS = 7;

export class Pipe {
  readonly data: Uint8Array;
  head = 0;
  length = 0;
  readers = 0;
  writers = 0;
  readonly readQ: Fproc[] = [];
  readonly writeQ: Fproc[] = [];
  constructor(readonly id: number, capacityBytes: number, readonly ctimeSec: number) {
    this.data = new Uint8Array(capacityBytes);
  }

  get capacity(): number { return this.data.length; }
}

export function makePipe(fs: FsState, nowSecValue: number): { rd: Filp; wr: Filp } {
  fs.filps.needRoom(2);
  const pipe = new Pipe(fs.nextPipeNr++, PIPE_BLOCKS * fs.sb.blockSize, nowSecValue);
  const rd = fs.filps.alloc(O_RDONLY, null, pipe);
  const wr = fs.filps.alloc(O_WRONLY, null, pipe);
  pipe.readers = 1;
  pipe.writers = 1;
  return { rd, wr };
}

/** Move up to dst.length bytes out of the ring: at most two copies (the ring may wrap). */
function* take(p: Pipe, dst: UserData): Generator<KernelCall, number, any> {
  const n = Math.min(dst.length, p.length);
  const first = Math.min(n, p.capacity - p.head);
  if (first > 0) yield* copyout(dst, 0, p.data, p.head, first);
  if (n > first) yield* copyout(dst, first, p.data, 0, n - first);
  p.head = (p.head + n) % p.capacity;
  p.length -= n;
  return n;
}

/** Put what the atomicity rule allows of s's remaining bytes; true when all are in. */
function* put(p: Pipe, s: PipeSuspension): Generator<KernelCall, boolean, any> {
  const remaining = s.buffer.length - s.done;
  const room = p.capacity - p.length;
  if (remaining <= p.capacity && room < remaining) return false;
  const n = Math.min(room, remaining);
  const tail = (p.head + p.length) % p.capacity;
  const first = Math.min(n, p.capacity - tail);
  if (first > 0) yield* copyin(s.buffer, s.done, p.data, tail, first);
  if (n > first) yield* copyin(s.buffer, s.done + first, p.data, 0, n - first);
  p.length += n;
  s.done += n;
  return s.done === s.buffer.length;
}

/** SIGPIPE for a writer, asynchronously: PM may be waiting on FS (fork, exit) and must not deadlock with it. */
function* sigpipe(fs: FsState, proc: Fproc): Generator<KernelCall, void, any> {
  const pm = fs.ctx?.endpointOf('pm') ?? NONE;
  if (pm === NONE) return;
  const msg: FsSignal = { type: 'FS_SIGNAL', endpoint: proc.endpoint, signal: SIGPIPE };
  yield senda(pm, msg);
}

function* reply(fs: FsState, proc: Fproc, status: number): Generator<KernelCall, void, any> {
  proc.suspended = null;
  fs.ctx?.trace('pipe', { op: 'revive', proc: proc.endpoint, status });
  yield send(proc.endpoint, fsReply(status));
}

/** Serve suspended readers and writers, in arrival order, until neither side can move. */
function* revive(fs: FsState, p: Pipe): Generator<KernelCall, void, any> {
  for (let rounds = 0; rounds < 1 << 16; rounds++) {
    let moved = false;
    while (p.readQ.length > 0 && (p.length > 0 || p.writers === 0)) {
      const r = p.readQ.shift()!;
      const s = r.suspended as PipeSuspension;
      yield* reply(fs, r, yield* take(p, s.buffer));
      moved = true;
    }
    while (p.writeQ.length > 0) {
      const w = p.writeQ[0]!;
      const s = w.suspended as PipeSuspension;
      if (p.readers === 0) {
        p.writeQ.shift();
        yield* sigpipe(fs, w);
        yield* reply(fs, w, -EPIPE);
        continue;
      }
      const before = s.done;
      const complete = yield* put(p, s);
      if (s.done !== before) moved = true;
      if (!complete) break; // the first writer finishes before the next may start
      p.writeQ.shift();
      yield* reply(fs, w, s.done);
    }
    if (!moved) return;
  }
}

export function* pipeRead(fs: FsState, proc: Fproc, filp: Filp, buffer: UserData): Generator<KernelCall, number | null, any> {
  const p = filp.pipe!;
  if (p.length > 0 || buffer.length === 0) {
    const n = yield* take(p, buffer);
    yield* revive(fs, p);
    return n;
  }
  if (p.writers === 0) return 0;
  if (filp.flags & O_NONBLOCK) throw new FsError(EAGAIN, `pipe ${p.id} is empty`);
  proc.suspended = { kind: 'pipe', write: false, filp, buffer, done: 0 };
  p.readQ.push(proc);
  fs.ctx?.trace('pipe', { op: 'suspend', proc: proc.endpoint, pipe: p.id, read: true });
  return null;
}

export function* pipeWrite(fs: FsState, proc: Fproc, filp: Filp, buffer: UserData): Generator<KernelCall, number | null, any> {
  const p = filp.pipe!;
  if (p.readers === 0) {
    yield* sigpipe(fs, proc);
    throw new FsError(EPIPE, `pipe ${p.id} has no reader`);
  }
  const s: PipeSuspension = { kind: 'pipe', write: true, filp, buffer, done: 0 };
  const complete = p.writeQ.length === 0 && (yield* put(p, s));
  yield* revive(fs, p);
  if (complete) return s.done;
  if (filp.flags & O_NONBLOCK) {
    if (s.done > 0) return s.done;
    throw new FsError(EAGAIN, `pipe ${p.id} is full`);
  }
  proc.suspended = s;
  p.writeQ.push(proc);
  fs.ctx?.trace('pipe', { op: 'suspend', proc: proc.endpoint, pipe: p.id, read: false, done: s.done });
  // A large write may have filled the pipe for readers already waiting.
  yield* revive(fs, p);
  return null;
}

export function* closePipeEnd(fs: FsState, filp: Filp): Generator<KernelCall, void, any> {
  const p = filp.pipe!;
  if (filp.flags & O_WRONLY) p.writers--;
  else p.readers--;
  yield* revive(fs, p);
}

/** Off the queue; returns the bytes a write had moved (for the EINTR reply). */
export function cancelPipeWait(proc: Fproc): number {
  const s = proc.suspended;
  if (s === null || s.kind !== 'pipe') return 0;
  const q = s.write ? s.filp.pipe!.writeQ : s.filp.pipe!.readQ;
  const i = q.indexOf(proc);
  if (i >= 0) q.splice(i, 1);
  proc.suspended = null;
  return s.done;
}
