/*
 * The kernel: the process table, one simulated CPU, virtual time and the
 * event queue. It runs actors (generators), executes the kernel calls they
 * yield, charges their CPU cost and schedules by priority and quantum.
 *   new Kernel(config)            an empty machine
 *   spawn(options)                put a process in the table and make it runnable
 *   run({ untilNs })              simulate until idle, stopped or the deadline
 *   raiseIrq(dst, bits, cause)    a device interrupt: a notification from HARDWARE
 *   schedule(atNs, fire)          a hardware event at a virtual time
 *   registerKernelCall(name, fn)  a SYSTEM kernel call (sys_fork, sys_exit, ...)
 *   trace                         the TraceBus (kernel.trace.trace$)
 */
import { Op, opName, type ActorGenerator, type KernelCall } from './call.js';
import { ANY, HARDWARE, HARDWARE_SLOT, makeEndpoint, MAX_SLOTS, NONE, slotOf, type Endpoint } from './endpoint.js';
import { EBADCALL, ECALLDENIED, EINVAL, errnoName, OK } from './errno.js';
import { EventQueue, type TimedEvent } from './event-queue.js';
import { awaitReply, BLOCKED, clearEndpoint, clearIpc, doNotify, doReceive, doSend, doSenda, SendHow } from './ipc.js';
import type { Message } from './message.js';
import { mayKernelCall, mayUseOp, type Privileges } from './priv.js';
import { Proc, RTS_NO_PRIV } from './proc.js';
import { Prng } from './random.js';
import { NR_SCHED_QUEUES, RunQueues } from './run-queue.js';
import { summarizePayload, TraceBus, type MessageEv, type TraceRecord } from './trace.js';

export interface KernelConfig {
  /** Seed of the one PRNG. */
  readonly seed: number;
  /** CPU time charged to the caller for each kernel call (send, receive, ...). */
  readonly ipcCostNs: number;
  /** Default scheduling quantum. */
  readonly quantumNs: number;
  /** CPU time of a context switch, charged to the process switched to. */
  readonly contextSwitchNs: number;
}

export const DEFAULT_KERNEL_CONFIG: KernelConfig = {
  seed: 1,
  ipcCostNs: 200,
  quantumNs: 10_000_000,
  contextSwitchNs: 0,
};

/** What a process can reach of the machine besides IPC: its identity, the clock, the PRNG, trace and output. */
export interface ActorContext {
  readonly self: Endpoint;
  readonly name: string;
  readonly kernel: Kernel;
  /** The program's arguments (exec's argv after the program name). */
  readonly args: readonly string[];
  /** Plain data handed over by fork (the part of a parent's memory a child program needs: names of open descriptors). */
  readonly env: Readonly<Record<string, string>>;
  /** Current virtual time (what sys_times would return; free of charge). */
  nowNs(): number;
  /** Endpoint of the live process with this name, or NONE (a boot-image lookup, like MINIX's DS). */
  endpointOf(name: string): Endpoint;
  /** Emit a trace record attributed to this process. */
  trace(ev: string, fields: Record<string, unknown>): void;
  /** Write a line to the console (a zero-latency terminal): a `log` record and the boot command's output. */
  print(text: string): void;
  /**
   * Take the signals the kernel has marked pending for this process (a bit
   * mask, bit n = signal n) with their generation times: the analogue of the
   * signal frame MINIX's sys_sigsend pushes for the process to run on return.
   */
  takeSignals(): PendingSignals | null;
}

export interface PendingSignals {
  readonly mask: number;
  /** Virtual time each pending signal was generated, by signal number. */
  readonly generatedNs: ReadonlyMap<number, number>;
}

export type Program = (ctx: ActorContext) => ActorGenerator<unknown>;

export interface SpawnOptions {
  readonly name: string;
  readonly program: Program;
  readonly priority: number;
  readonly privileges: Privileges;
  readonly quantumNs?: number;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export type KernelCallHandler = (caller: Proc, args: unknown) => unknown;

export type RunOutcome = 'idle' | 'until' | 'stopped';

export class Kernel {
  readonly config: KernelConfig;
  readonly trace = new TraceBus();
  readonly random: Prng;
  readonly events = new EventQueue();
  readonly maxProcs = MAX_SLOTS;
  readonly hardwareEndpoint: Endpoint = HARDWARE;

  /** Emit `block` records too (trace detail 'full'); off by default, they are implied by sched records. */
  traceBlocking = false;

  /** Virtual time, integer ns. */
  nowNs = 0;

  private readonly slots: (Proc | null)[] = new Array(MAX_SLOTS).fill(null);
  private readonly generations = new Int32Array(MAX_SLOTS);
  private readonly byName = new Map<string, Proc>();
  private readonly runQueues = new RunQueues();
  private readonly kernelCalls = new Map<string, KernelCallHandler>();
  private readonly exitListeners: ((p: Proc, code: unknown, fault: Error | null) => void)[] = [];
  private readonly consoleListeners: ((proc: string, text: string) => void)[] = [];
  /** Programs by name: what sys_fork and sys_exec can start (the boot image's and the built-ins). */
  readonly programs = new Map<string, Program>();
  private current: Proc | null = null;
  private msgIdCounter = 0;
  private stopRequested: string | null = null;

  // Statistics.
  messagesTotal = 0;
  kernelCallsTotal = 0;
  contextSwitchesTotal = 0;
  idleNs = 0;

  constructor(config: Partial<KernelConfig> = {}) {
    this.config = { ...DEFAULT_KERNEL_CONFIG, ...config };
    for (const [k, v] of Object.entries(this.config)) {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`kernel config ${k} must be a non-negative integer, got ${v}`);
    }
    this.random = new Prng(this.config.seed);
  }

  // ---- process table -------------------------------------------------------

  spawn(options: SpawnOptions): Proc {
    if (!(options.priority >= 0 && options.priority < NR_SCHED_QUEUES)) throw new RangeError(`priority ${options.priority} outside 0..${NR_SCHED_QUEUES - 1}`);
    let slot = -1;
    for (let s = HARDWARE_SLOT + 1; s < MAX_SLOTS; s++) {
      if (this.slots[s] === null) { slot = s; break; }
    }
    if (slot < 0) throw new Error('process table full');
    const name = this.uniqueName(options.name);
    const generation = ++this.generations[slot]!;
    const p = new Proc(slot, makeEndpoint(generation - 1, slot), name, options.privileges, options.priority, options.quantumNs ?? this.config.quantumNs);
    this.slots[slot] = p;
    this.byName.set(name, p);
    const ctx = this.contextFor(p, options.args ?? [], options.env ?? {});
    p.gen = options.program(ctx);
    if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'spawn', proc: name, endpoint: p.endpoint, priority: p.priority });
    this.makeReady(p);
    return p;
  }

  private uniqueName(base: string): string {
    if (!this.byName.has(base)) return base;
    for (let n = 2; ; n++) if (!this.byName.has(`${base}.${n}`)) return `${base}.${n}`;
  }

  private contextFor(p: Proc, args: readonly string[], env: Readonly<Record<string, string>>): ActorContext {
    return {
      self: p.endpoint,
      name: p.name,
      kernel: this,
      args,
      env,
      nowNs: () => this.nowNs,
      endpointOf: (name) => this.byName.get(name)?.endpoint ?? NONE,
      trace: (ev, fields) => {
        if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev, proc: p.name, ...fields });
      },
      print: (text) => this.consoleWrite(p.name, text),
      takeSignals: () => {
        if (p.sigPending === 0) return null;
        const taken: PendingSignals = { mask: p.sigPending, generatedNs: p.sigGeneratedNs };
        p.sigPending = 0;
        p.sigGeneratedNs = new Map();
        return taken;
      },
    };
  }

  /** Console output of a process: a `log` record, and every console listener (the boot command prints it). */
  consoleWrite(proc: string, text: string): void {
    if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'log', proc, text });
    for (const listener of this.consoleListeners) listener(proc, text);
  }

  onConsole(listener: (proc: string, text: string) => void): void {
    this.consoleListeners.push(listener);
  }

  /**
   * Replace a process's program (exec): the old generator is dropped, the call
   * it was blocked in abandoned (clearIpc; MINIX do_exec unsets RTS_RECEIVING:
   * exec has no reply), and the new program starts when the process next runs.
   * Notifications and senda messages already pending for it stay, as in MINIX.
   */
  replaceProgram(p: Proc, program: Program, args: readonly string[] = []): void {
    clearIpc(this, p);
    p.workLeftNs = 0;
    p.result = undefined;
    p.gen = program(this.contextFor(p, args, {}));
    this.makeReady(p);
  }

  /**
   * Mark a signal pending (sys_sigsend). A process spending CPU in work() is
   * interrupted: its work call returns the ns it had left, so its runtime can
   * run the handler and go on.
   */
  markSignal(p: Proc, signal: number): void {
    if (!p.sigGeneratedNs.has(signal)) p.sigGeneratedNs.set(signal, this.nowNs);
    p.sigPending |= 1 << signal;
    if (p.workLeftNs > 0) {
      p.result = p.workLeftNs;
      p.workLeftNs = 0;
    }
  }

  /** The live process with this endpoint (generation must match), or null. */
  procOf(ep: Endpoint): Proc | null {
    if (!(ep >= 0) || ep === ANY || ep === NONE) return null;
    const p = this.slots[slotOf(ep)] ?? null;
    return p !== null && p.endpoint === ep && p.alive ? p : null;
  }

  procByName(name: string): Proc | null {
    return this.byName.get(name) ?? null;
  }

  endpointOfSlot(slot: number): Endpoint {
    if (slot === HARDWARE_SLOT) return HARDWARE;
    return this.slots[slot]?.endpoint ?? makeEndpoint(Math.max(0, this.generations[slot]! - 1), slot);
  }

  nameOfSlot(slot: number): string {
    if (slot === HARDWARE_SLOT) return 'hardware';
    return this.slots[slot]?.name ?? `slot${slot}`;
  }

  nameOf(ep: Endpoint): string {
    if (ep === ANY) return 'ANY';
    if (ep === HARDWARE) return 'hardware';
    return this.procOf(ep)?.name ?? `ep${ep}`;
  }

  /** Live processes in slot order. */
  processes(): Proc[] {
    return this.slots.filter((p): p is Proc => p !== null && p.alive);
  }

  onExit(listener: (p: Proc, code: unknown, fault: Error | null) => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Remove a process. Its IPC state, and every other process's references to
   * it, are cleared by clearEndpoint (ipc.ts, MINIX clear_endpoint): callers
   * blocked on it fail with EDEADSRCDST; nothing here touches IPC state.
   */
  destroy(p: Proc, code: unknown = 0, fault: Error | null = null): void {
    if (!p.alive) return;
    p.alive = false;
    p.exitCode = typeof code === 'number' ? code : 0;
    this.runQueues.dequeue(p);
    clearEndpoint(this, p);
    p.gen = null;
    this.slots[p.slot] = null;
    if (this.byName.get(p.name) === p) this.byName.delete(p.name);
    // `current` keeps naming the exited process: the next sched record says who had the CPU.
    if (this.trace.on) {
      this.emit(fault
        ? { seq: 0, t: this.nowNs, ev: 'fault', proc: p.name, error: fault.message }
        : { seq: 0, t: this.nowNs, ev: 'exit', proc: p.name, code: p.exitCode });
    }
    for (const listener of this.exitListeners) listener(p, code, fault);
  }

  // ---- scheduling ------------------------------------------------------------

  makeReady(p: Proc): void {
    if (p.rtsFlags !== 0 || !p.alive) return;
    this.runQueues.enqueue(p);
  }

  /** The caller stops being runnable until an IPC partner or the kernel readies it. */
  block(p: Proc, on: 'send' | 'receive', peer: string): void {
    this.runQueues.dequeue(p);
    if (this.traceBlocking && this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'block', proc: p.name, on, peer });
  }

  /** Hold a process off the CPU (not started, stopped); clear with resume(). */
  suspend(p: Proc, flag = RTS_NO_PRIV): void {
    p.rtsFlags |= flag;
    this.runQueues.dequeue(p);
  }

  resume(p: Proc, flag = RTS_NO_PRIV): void {
    p.rtsFlags &= ~flag;
    this.makeReady(p);
  }

  /** Ready queues by priority (process names), for tests and statistics. */
  readyQueues(): string[][] {
    return this.runQueues.snapshot();
  }

  // ---- hardware ---------------------------------------------------------------

  /** Run `fire` at virtual time atNs (devices: completion, clock events). */
  schedule(atNs: number, fire: () => void): TimedEvent {
    if (atNs < this.nowNs) throw new RangeError(`cannot schedule in the past: ${atNs} < ${this.nowNs}`);
    return this.events.schedule(atNs, fire);
  }

  cancel(event: TimedEvent): void {
    this.events.cancel(event);
  }

  /** A device interrupt: a notification from HARDWARE with the line bits, preempting lower priorities. */
  raiseIrq(dst: Endpoint, bits: number, cause = 0): void {
    if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'irq', dst: this.nameOf(dst), bits });
    doNotify(this, null, dst, bits, cause);
  }

  /** Stop the simulation at the end of the current step (a power cut, a fatal fault). */
  stop(reason: string): void {
    this.stopRequested = reason;
  }

  get stopReason(): string | null {
    return this.stopRequested;
  }

  // ---- kernel calls --------------------------------------------------------------

  registerKernelCall(name: string, handler: KernelCallHandler): void {
    if (this.kernelCalls.has(name)) throw new Error(`kernel call ${name} registered twice`);
    this.kernelCalls.set(name, handler);
  }

  nextMsgId(): number {
    this.messagesTotal++;
    return ++this.msgIdCounter;
  }

  /** Record a failed call and return its negated errno. */
  callError(caller: Proc, call: string, errno: number, peer: Endpoint): number {
    if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'error', proc: caller.name, call, err: errnoName(errno), peer: this.nameOf(peer) });
    return -errno;
  }

  // ---- trace --------------------------------------------------------------

  emit(record: TraceRecord): void {
    this.trace.emit(record);
  }

  traceMessage(ev: MessageEv, id: number, src: string, dst: string, type: string, cause: number, msg?: Message | { bits: number }, re = 0, async = false): void {
    // One object shape for every message record (absent fields are undefined, which
    // JSON leaves out), so the sinks' property reads stay monomorphic.
    const rec: TraceRecord = {
      seq: 0, t: this.nowNs, ev, id, src, dst, type, cause: cause === 0 ? null : cause,
      re: re !== 0 ? re : undefined,
      async: async ? true : undefined,
      msg: msg === undefined ? undefined : 'type' in msg ? summarizePayload(msg) : msg,
    };
    this.trace.emit(rec);
  }

  // ---- the CPU --------------------------------------------------------------

  /** Simulate until nothing can happen, the deadline passes, or stop() is called. */
  run(options: { untilNs?: number } = {}): RunOutcome {
    const untilNs = options.untilNs ?? Infinity;
    const events = this.events;
    for (;;) {
      if (this.stopRequested !== null) return 'stopped';
      for (let e = events.popDue(this.nowNs); e !== undefined; e = events.popDue(this.nowNs)) {
        e.fire();
        if (this.stopRequested !== null) return 'stopped';
      }
      if (this.nowNs >= untilNs) return 'until';
      const p = this.runQueues.pick();
      if (p === null) {
        const nextNs = events.peekTimeNs();
        if (this.current !== null) {
          // The CPU goes idle: a sched record to nobody, so CPU time per process can be counted.
          if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'sched', from: this.current.name, to: null });
          this.current = null;
        }
        if (nextNs === Infinity) return 'idle';
        const toNs = Math.min(nextNs, untilNs);
        this.idleNs += toNs - this.nowNs;
        this.nowNs = toNs;
        continue;
      }
      this.dispatch(p, untilNs);
    }
  }

  /** Run p until it blocks, exits, is preempted, or an event falls due. */
  private dispatch(p: Proc, untilNs: number): void {
    if (p !== this.current) {
      if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'sched', from: this.current?.name ?? null, to: p.name });
      this.current = p;
      this.contextSwitchesTotal++;
      if (this.config.contextSwitchNs > 0) this.charge(p, this.config.contextSwitchNs);
    }
    const events = this.events;
    const costNs = this.config.ipcCostNs;
    for (;;) {
      if (p.workLeftNs > 0 && !this.runWork(p)) return;
      let step: IteratorResult<KernelCall, unknown>;
      try {
        const value = p.result;
        p.result = undefined;
        step = p.gen!.next(value);
      } catch (err) {
        this.destroy(p, -1, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (step.done) {
        this.destroy(p, step.value);
        return;
      }
      const call = step.value;
      const outcome = typeof call === 'object' && call !== null ? this.execute(p, call) : this.callError(p, 'yield', EBADCALL, NONE);
      if (outcome !== BLOCKED) p.result = outcome;
      if (!p.alive) return;
      if (call?.op !== Op.Work) {
        this.kernelCallsTotal++;
        this.nowNs += costNs;
        p.cpuTimeNs += costNs;
        p.quantumLeftNs -= costNs;
      }
      if (!p.inReadyQueue) return;
      if (p.quantumLeftNs <= 0) { this.expireQuantum(p); return; }
      if (this.nowNs >= untilNs || this.stopRequested !== null) return;
      if (events.peekTimeNs() <= this.nowNs) return;
      if (this.runQueues.higherReady(p.priority)) return;
    }
  }

  private charge(p: Proc, ns: number): void {
    this.nowNs += ns;
    p.cpuTimeNs += ns;
    p.quantumLeftNs -= ns;
  }

  /** Spend p's pending work until done, an event, or the quantum's end. True if done and p may go on. */
  private runWork(p: Proc): boolean {
    let stepNs = Math.min(p.workLeftNs, Math.max(0, p.quantumLeftNs));
    const nextEventNs = this.events.peekTimeNs();
    if (nextEventNs - this.nowNs < stepNs) stepNs = Math.max(0, nextEventNs - this.nowNs);
    this.charge(p, stepNs);
    p.workLeftNs -= stepNs;
    if (p.quantumLeftNs <= 0) {
      this.expireQuantum(p);
      return false;
    }
    if (p.workLeftNs > 0) return false;
    p.result = 0;
    return nextEventNs > this.nowNs;
  }

  /** Round robin: a fresh quantum, and behind the others of its priority. */
  private expireQuantum(p: Proc): void {
    p.quantumLeftNs = p.quantumNs;
    const rotated = this.runQueues.rotate(p);
    if (rotated && this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'quantum', proc: p.name });
  }

  private execute(p: Proc, call: KernelCall): unknown {
    if (!mayUseOp(p.priv, call.op)) return this.callError(p, opName[call.op] ?? 'call', ECALLDENIED, NONE);
    switch (call.op) {
      case Op.Sendrec: {
        const r = doSend(this, p, call.dst, call.msg, SendHow.Sendrec);
        if (r !== OK && r !== BLOCKED) return r;
        return awaitReply(this, p, call.dst);
      }
      case Op.Receive:
        return doReceive(this, p, call.src);
      case Op.Send:
        return doSend(this, p, call.dst, call.msg, SendHow.Send);
      case Op.Sendnb:
        return doSend(this, p, call.dst, call.msg, SendHow.Sendnb);
      case Op.Notify:
        return doNotify(this, p, call.dst, call.bits);
      case Op.Senda:
        return doSenda(this, p, call.dst, call.msg);
      case Op.Work:
        // Resumes with 0 when done, or with the ns left if a signal interrupted it.
        if (!Number.isSafeInteger(call.ns) || call.ns < 0) return this.callError(p, 'work', EINVAL, NONE);
        p.workLeftNs = call.ns;
        // Not blocking: runWork spends the time and sets the result.
        return call.ns === 0 ? 0 : undefined;
      case Op.KernelCall: {
        const handler = this.kernelCalls.get(call.name);
        if (handler === undefined) return this.callError(p, call.name, EBADCALL, NONE);
        if (!mayKernelCall(p.priv, call.name)) return this.callError(p, call.name, ECALLDENIED, NONE);
        if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'kcall', proc: p.name, call: call.name });
        return handler(p, call.args);
      }
      default:
        return this.callError(p, 'unknown', EBADCALL, NONE);
    }
  }
}

