/*
 * The user-space runtime of one simulated process: what libc is to a MINIX
 * program. It makes system calls (sendrec to a server), runs caught signal
 * handlers when the kernel has marked signals pending, and keeps the
 * process's own bookkeeping (children by name, descriptors by name).
 *   UserProcess.call(server, msg)   a system call: the reply, or -errno
 *   UserProcess.status(server, msg) a system call whose reply status is the result (an iterator object, StatusCall)
 *   takeSendrec(call), replyStatus(reply)   a status call's sendrec yielded by a loop of calls itself
 *   UserProcess.onSignal(sig, fn)   install a handler (program code run in this process)
 *   userProgram(main)               turn a generator over UserProcess into a Program (return = exit)
 *   UserProcess.print(text)         standard output: the console, or the descriptor stdoutFd (a file or
 *                                   pipe after dup2 or `>`), written before the next system call and at exit
 */
import { errnoName } from '../../kernel/errno.js';
import { writeAll } from '../syscalls/fs.js';
import { followedBy } from '../server.js';
import {
  sendrec, work, type ActorContext, type Envelope, type KernelCall, type Message, type PendingSignals, type Program, EINTR,
} from '../../kernel/index.js';

export type SysGen<T> = Generator<KernelCall, T, any>;

const FD_ENV_PREFIX = 'fd:';
/** The environment key naming the descriptor standard output goes to (kept across fork and exec). */
const STDOUT_ENV = 'stdout';
/** Output waiting for the next system call: a bound, past which it is written at once. */
const MAX_PENDING_OUTPUT_BYTES = 64 * 1024;

export type SignalHandler = (proc: UserProcess, signal: number) => SysGen<void>;

export interface SyscallReply extends Message {
  readonly status: number;
  readonly [field: string]: unknown;
}

export class UserProcess {
  readonly ctx: ActorContext;
  /** Children spawned by name (for kill NAME and wait NAME). */
  readonly childrenByName = new Map<string, number>();
  /** Descriptors opened by name in scripts. */
  readonly fdsByName = new Map<string, number>();
  /**
   * Where standard output goes: null for the console (MINIX's tty, where fd 1
   * normally points), else a descriptor (fd 1 after `dup2 X 1` or a `>`).
   */
  stdoutFd: number | null = null;
  /** The last child this process waited for: its name (or pid) and wait status. */
  lastWait: { readonly name: string; readonly status: number } | null = null;
  private readonly handlers = new Map<number, SignalHandler>();
  private delivering = false;
  private pendingOutput: string[] = [];
  private pendingOutputBytes = 0;
  private flushing = false;
  private droppedOutputLines = 0;

  constructor(ctx: ActorContext) {
    this.ctx = ctx;
    // Descriptors stay open across fork; their script names come along in the fork environment.
    for (const [key, value] of Object.entries(ctx.env)) {
      if (key.startsWith(FD_ENV_PREFIX) && /^\d+$/.test(value)) this.fdsByName.set(key.slice(FD_ENV_PREFIX.length), Number(value));
    }
    const stdout = ctx.env[STDOUT_ENV];
    if (stdout !== undefined && /^\d{1,4}$/.test(stdout)) this.stdoutFd = Number(stdout);
  }

  /** The fork environment that hands this process's descriptor names to a child. */
  forkEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, fd] of this.fdsByName) env[FD_ENV_PREFIX + name] = String(fd);
    if (this.stdoutFd !== null) env[STDOUT_ENV] = String(this.stdoutFd);
    return env;
  }

  get name(): string {
    return this.ctx.name;
  }

  print(text: string): void {
    if (this.stdoutFd === null) {
      this.ctx.print(text);
      return;
    }
    // Printing is not a system call (it cannot yield): the line waits for the process's next one.
    if (this.pendingOutputBytes + text.length + 1 > MAX_PENDING_OUTPUT_BYTES) {
      this.droppedOutputLines++;
      return;
    }
    this.pendingOutput.push(text + '\n');
    this.pendingOutputBytes += text.length + 1;
  }

  /** Write what print() left for standard output; a failure (EPIPE, EBADF) is said on the console. */
  *flushOutput(): SysGen<void> {
    if (this.droppedOutputLines > 0) {
      this.ctx.print(`standard output: ${this.droppedOutputLines} lines lost (more than ${MAX_PENDING_OUTPUT_BYTES} bytes between two system calls)`);
      this.droppedOutputLines = 0;
    }
    if (this.flushing || this.pendingOutput.length === 0) return;
    const text = this.pendingOutput.join('');
    this.pendingOutput = [];
    this.pendingOutputBytes = 0;
    if (this.stdoutFd === null) {
      this.ctx.print(text.slice(0, -1));
      return;
    }
    this.flushing = true;
    try {
      const r = yield* writeAll(this, this.stdoutFd, new TextEncoder().encode(text));
      if (r < 0) this.ctx.print(`standard output (fd ${this.stdoutFd}): ${errnoName(r)}`);
    } finally {
      this.flushing = false;
    }
  }

  /** A system call to a server; runs pending signal handlers before returning. */
  *call(server: string, msg: Message): SysGen<SyscallReply | number> {
    if (this.pendingOutput.length > 0 && !this.flushing) yield* this.flushOutput();
    const ep = this.ctx.endpointOf(server);
    const reply: Envelope | number = yield sendrec(ep, msg);
    // Checked with a plain call: a generator per system call only to find nothing pending is waste.
    const pending = this.takePending();
    if (pending !== null) yield* this.runHandlers(pending);
    return typeof reply === 'number' ? reply : (reply as Envelope<SyscallReply>);
  }

  /**
   * A system call whose reply status is the result (>= 0) or -errno. Not a
   * generator but an iterator object (StatusCall) that does what call() does:
   * made and resumed once per system call, it costs a fraction of a
   * generator's creation and resumption (issue 20).
   */
  status(server: string, msg: Message): SysGen<number> {
    return new StatusCall(this, server, msg);
  }

  /** Spend CPU time; a caught signal interrupts it, runs, and the work goes on. */
  *spin(ns: number): SysGen<void> {
    let left = ns;
    while (left > 0) {
      left = (yield work(left)) as number;
      const pending = this.takePending();
      if (pending !== null) yield* this.runHandlers(pending);
    }
  }

  onSignal(signal: number, handler: SignalHandler | null): void {
    if (handler === null) this.handlers.delete(signal);
    else this.handlers.set(signal, handler);
  }

  /** Run the handlers of the signals the kernel marked pending, lowest number first. */
  *deliverSignals(): SysGen<void> {
    const pending = this.takePending();
    if (pending !== null) yield* this.runHandlers(pending);
  }

  /** The signals to deliver now; none while a handler runs (handlers do not nest; the rest wait for the next return). */
  takePending(): PendingSignals | null {
    return this.delivering ? null : this.ctx.takeSignals();
  }

  /** Run the handlers of these pending signals (after a system call returns: call, status, spin). */
  *runHandlers(pending: PendingSignals): SysGen<void> {
    this.delivering = true;
    try {
      for (let sig = 1; sig < 32; sig++) {
        if ((pending.mask & (1 << sig)) === 0) continue;
        const generated = pending.generatedNs.get(sig) ?? this.ctx.nowNs();
        this.ctx.trace('signal', { op: 'deliver', signal: sig, latencyNs: this.ctx.nowNs() - generated });
        const handler = this.handlers.get(sig);
        if (handler !== undefined) yield* handler(this, sig);
      }
    } finally {
      this.delivering = false;
    }
  }
}

const enum StatusStep { Send, Reply, Handlers, Done }

/**
 * UserProcess.status as a hand-written iterator: sendrec, then the handlers
 * of signals marked pending meanwhile, then the reply's status. What a
 * `function*` would do, step by step (a yield* over it behaves the same).
 */
class StatusCall implements Generator<KernelCall, number, any> {
  private step = StatusStep.Send;
  private result = 0;
  private handlers: SysGen<void> | null = null;

  constructor(private readonly proc: UserProcess, private readonly server: string, private readonly msg: Message) {}

  next(value?: unknown): IteratorResult<KernelCall, number> {
    switch (this.step) {
      case StatusStep.Send:
        this.step = StatusStep.Reply;
        return { value: sendrec(this.proc.ctx.endpointOf(this.server), this.msg), done: false };
      case StatusStep.Reply: {
        this.result = replyStatus(value as Envelope | number);
        const pending = this.proc.takePending();
        if (pending === null) return this.finish();
        this.handlers = this.proc.runHandlers(pending);
        this.step = StatusStep.Handlers;
        return this.resumeHandlers(undefined);
      }
      case StatusStep.Handlers:
        return this.resumeHandlers(value);
      default:
        return { value: undefined as never, done: true };
    }
  }

  throw(err: unknown): IteratorResult<KernelCall, number> {
    if (this.step === StatusStep.Handlers) {
      const r = this.handlers!.throw(err);
      return r.done === true ? this.finish() : r;
    }
    this.step = StatusStep.Done;
    throw err;
  }

  return(value: number): IteratorResult<KernelCall, number> {
    if (this.step === StatusStep.Handlers) this.handlers!.return();
    this.step = StatusStep.Done;
    return { value, done: true };
  }

  [Symbol.iterator](): Generator<KernelCall, number, any> {
    return this;
  }

  /** The sendrec of a call not yet resumed, taken from it (see takeSendrec); null once it has started. */
  take(): KernelCall | null {
    if (this.step !== StatusStep.Send) return null;
    this.step = StatusStep.Done;
    return sendrec(this.proc.ctx.endpointOf(this.server), this.msg);
  }

  private resumeHandlers(value: unknown): IteratorResult<KernelCall, number> {
    const r = this.handlers!.next(value);
    return r.done === true ? this.finish() : r;
  }

  private finish(): IteratorResult<KernelCall, number> {
    this.step = StatusStep.Done;
    this.handlers = null;
    return { value: this.result, done: true };
  }
}

/**
 * A loop that runs many system calls (a script's `repeat`) may yield a
 * status call's sendrec itself rather than resume the call's iterator twice:
 * the sendrec if `call` is a status call not yet resumed (it is then used
 * up), else null. The caller gives the reply to replyStatus and runs the
 * pending signals' handlers (takePending, runHandlers), as the call would.
 */
export function takeSendrec(call: SysGen<number>): KernelCall | null {
  return call instanceof StatusCall ? call.take() : null;
}

/** A status call's result from its sendrec's reply: the reply's status, or the kernel's -errno. */
export function replyStatus(reply: Envelope | number): number {
  return typeof reply === 'number' ? reply : (reply as Envelope<SyscallReply>).status;
}

export type UserMain = (proc: UserProcess) => SysGen<number | void>;

/** Exit code of a program that threw: as if killed by SIGSEGV. */
export const CRASH_EXIT_CODE = 139;

/**
 * A program that runs `main` in a UserProcess and exits through the process
 * manager when it returns. `main`'s generator is the program's own (followedBy,
 * not a frame that delegates to it): its system calls are resumed through one
 * generator fewer (issue 20).
 */
export function userProgram(main: UserMain): Program {
  return (ctx: ActorContext): SysGen<void> => {
    let proc: UserProcess | null = null;
    return followedBy(
      () => main(proc = new UserProcess(ctx)),
      (code) => exitProgram(proc!, code ?? 0),
      (err) => {
        ctx.trace('fault', { error: err instanceof Error ? err.message : String(err) });
        proc ??= new UserProcess(ctx);
        proc.print(`crashed: ${err instanceof Error ? err.message : String(err)}`);
        return exitProgram(proc, CRASH_EXIT_CODE);
      },
    );
  };
}

function* exitProgram(proc: UserProcess, code: number): SysGen<void> {
  // exit(3) flushes stdio's buffers before _exit.
  yield* proc.flushOutput();
  yield* proc.status('pm', { type: 'PM_EXIT', status: code });
  // Not reached: the process manager removes the process.
}

export { EINTR };
