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
 *   setQuantumClock(clock)        the clock counts quanta: ticks (periodic) or a oneshot event (tickless)
 *   clockTick(), quantumInterrupt()   the clock's interrupt charging the running process's quantum
 *   schedProc(p, priority, quantumNs) sys_schedule's work (MINIX's sched_proc)
 *   trace                         the TraceBus (kernel.trace.trace$)
 *   onDispatch                    told each process given the CPU (a watchdog's view of who runs)
 *   nextActivityNs()              when it next has work (a run of several hosts: cluster.ts)
 * Runaway guard: at most maxStepsPerInstant steps (actor resumptions and
 * events fired) at one virtual time; more stops the run, since work that costs
 * no virtual time (ipc-cost=0ns, work(0)) would otherwise never reach --until.
 */
import { Op, opName, type ActorGenerator, type KernelCall } from './call.js';
import { CopyPlans } from './copy.js';
import { ANY, HARDWARE, HARDWARE_SLOT, makeEndpoint, MAX_SLOTS, nextGeneration, NONE, NR_SLOTS, slotOf, type Endpoint } from './endpoint.js';
import { EBADCALL, ECALLDENIED, EINVAL, errnoName, OK } from './errno.js';
import { EventQueue, type TimedEvent } from './event-queue.js';
import { DumpRegistry } from './debug.js';
import { clearGrants, GrantTables } from './grant.js';
import { registerGetinfo } from './getinfo.js';
import { Mmu } from './mmu.js';
import { awaitReply, BLOCKED, clearEndpoint, clearIpc, doNotify, doReceive, doSend, doSenda, kernelSend, SendHow } from './ipc.js';
import type { Message } from './message.js';
import { mayKernelCall, mayUseOp, type Privileges } from './priv.js';
import { Proc, RTS_NO_PRIV, RTS_NO_QUANTUM } from './proc.js';
import { Prng, randomSource, type RandomSource } from './random.js';
import { NR_SCHED_QUEUES, RunQueues, TASK_Q } from './run-queue.js';
import { SystemLog } from './syslog.js';
import { TraceBus, type MessageEv, type TraceRecord } from './trace.js';

export interface KernelConfig {
  /** Seed of the one PRNG. */
  readonly seed: number;
  /** CPU time charged to the caller for each kernel call (send, receive, ...). */
  readonly ipcCostNs: number;
  /** Default scheduling quantum. */
  readonly quantumNs: number;
  /** CPU time of a context switch, charged to the process switched to. */
  readonly contextSwitchNs: number;
  /** Steps allowed at one virtual time before the run is stopped as a zero-time loop. */
  readonly maxStepsPerInstant: number;
  /** A safe copy (grant.ts) costs copyFixedNs + copyNsPerKiB per KiB moved, on top of the kernel call. */
  readonly copyFixedNs: number;
  readonly copyNsPerKiB: number;
}

export const DEFAULT_KERNEL_CONFIG: KernelConfig = {
  seed: 1,
  ipcCostNs: 200,
  quantumNs: 10_000_000,
  contextSwitchNs: 0,
  maxStepsPerInstant: 1_000_000,
  // Measured memcpy on the reference host (Uint8Array.set): 37 ns for 64 bytes, 62-65 ns/KiB from 4 KiB up (docs/performance.md).
  copyFixedNs: 40,
  copyNsPerKiB: 64,
};

/**
 * What a process can reach of the machine besides kernel calls: its identity,
 * the clock, the PRNG, trace, log (kernel.log, a SystemLog) and console.
 * Never the Kernel (DESIGN §2, isolation): privileged facts are kernel calls
 * (sys_getinfo, registered by every Kernel: getinfo.ts).
 */
export interface ActorContext {
  readonly self: Endpoint;
  readonly name: string;
  /** The program's arguments (exec's argv after the program name). */
  readonly args: readonly string[];
  /** Plain data handed over by fork (the part of a parent's memory a child program needs: names of open descriptors). */
  readonly env: Readonly<Record<string, string>>;
  /** Current virtual time (what sys_times would return; free of charge). */
  nowNs(): number;
  /** Endpoint of the live process with this name, or NONE (a boot-image lookup, like MINIX's DS). */
  endpointOf(name: string): Endpoint;
  /** Is anyone listening to the trace? Read it before building a record's fields. */
  readonly traceOn: boolean;
  /** Emit a trace record attributed to this process. */
  trace(ev: string, fields: Record<string, unknown>): void;
  /** Id of the message this process is handling (the `cause` of what it sends), 0 if none. */
  readonly causeId: number;
  /** The kernel's one seeded PRNG (draws only). */
  readonly random: RandomSource;
  /** Append an entry to one of the system's logs (the AVC writes `audit`). */
  log(channel: string, text: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Write a line to the console (a zero-latency terminal): a `log` record and the boot command's output. */
  print(text: string): void;
  /**
   * Take the signals the kernel has marked pending for this process (a bit
   * mask, bit n = signal n) with their generation times: the analogue of the
   * signal frame MINIX's sys_sigsend pushes for the process to run on return.
   */
  takeSignals(): PendingSignals | null;
  /**
   * Offer a read-only dump of this actor's own tables to the debugger
   * (`mksim boot --break`; kernel/debug.ts). The function must not change
   * state: it runs while the simulation is paused.
   */
  offerDump(topic: string, dump: (arg: string) => unknown): void;
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

/**
 * How quanta are counted, set by the clock task that drives them. Without
 * one (a bare kernel in tests and benchmarks) the kernel counts each
 * quantum exactly in ns of CPU and expires it with no interrupt.
 *   tick     periodic clock: a quantum is whole ticks, and each tick costs the
 *            running process one (MINIX 3.1's clock_handler and p_ticks_left)
 *   oneshot  tickless clock: quanta are exact ns of CPU, but their end is seen
 *            only through a clock event the kernel asks for while more than
 *            one process is ready (Linux's hrtick). arm() replaces the last request and
 *            touches the device only if the new end is earlier than what it holds
 *            (hrtimer_reprogram) or moves the end the device holds (hrtimer_force_reprogram
 *            on a restart of the first timer); disarm() withdraws the request and leaves the device
 *            as it is (it may fire for nothing, and the clock then programs what is
 *            next, as hrtimer_interrupt does); sync() programs the device for exactly
 *            what is pending now (the CPU goes idle: hrtimer_force_reprogram)
 */
export type QuantumClock =
  | { readonly kind: 'tick'; readonly tickNs: number }
  | { readonly kind: 'oneshot'; arm(atNs: number): void; disarm(): void; sync(): void };

const enum QuantumMode { Exact = 0, Tick = 1, Oneshot = 2 }

/** The message the kernel sends a process's scheduler when its quantum runs out (MINIX's SCHEDULING_NO_QUANTUM). */
export const SCHEDULING_NO_QUANTUM = 'SCHEDULING_NO_QUANTUM';

export type KernelCallHandler = (caller: Proc, args: unknown) => unknown;

export type RunOutcome = 'idle' | 'until' | 'stopped';

/** MINIX's PREEMPTIBLE privilege flag: kernel tasks (queue 0) are never preempted for their quantum. */
function preemptible(p: Proc): boolean {
  return !(p.priority === TASK_Q && p.priv.system);
}

export class Kernel {
  readonly config: KernelConfig;
  /** Its own bus, or its host's view of the run's bus (several hosts: TraceBus.hostView). */
  readonly trace: TraceBus;
  readonly log = new SystemLog();
  readonly random: Prng;
  /** What ActorContext.random hands out: the same PRNG, draws only. */
  private readonly randomView: RandomSource;
  readonly events = new EventQueue();
  /** Per-shape message copiers (copy.ts): every message is copied at the send. */
  readonly copyPlans = new CopyPlans();
  readonly maxProcs = MAX_SLOTS;
  readonly hardwareEndpoint: Endpoint = HARDWARE;
  /** Every process's grant table, and the grant/safecopy kernel calls. */
  readonly grants: GrantTables;
  /** Page tables and physical memory; the vm_* kernel calls (mmu.ts). */
  readonly mmu: Mmu;

  /** Dumps actors offer of their own tables, for the debugger (kernel/debug.ts). */
  readonly dumps = new DumpRegistry();

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
  /** The virtual time the step count belongs to, and the steps taken at it. */
  private instantNs = -1;
  private stepsAtInstant = 0;

  /** Called with each process the CPU switches to (the wall-clock watchdog publishes its name). */
  onDispatch: ((p: Proc) => void) | null = null;
  private quantumMode = QuantumMode.Exact;
  private quantumClock: QuantumClock | null = null;
  private tickNs = 0;
  /** Tickless: the process the quantum event is programmed for (null: none), and its time. */
  private hrtickFor: Proc | null = null;
  private hrtickAtNs = Infinity;
  /** Tickless: a quantum event was withdrawn without reprogramming; the device may still hold it. */
  private hrtickLeftOnDevice = false;

  // Statistics.
  messagesTotal = 0;
  kernelCallsTotal = 0;
  contextSwitchesTotal = 0;
  idleNs = 0;
  /** Quanta that ran out, and the clock interrupts the tickless quantum events cost. */
  quantaExpiredTotal = 0;
  quantumInterruptsTotal = 0;

  constructor(config: Partial<KernelConfig> = {}, trace: TraceBus = new TraceBus()) {
    this.trace = trace;
    this.config = { ...DEFAULT_KERNEL_CONFIG, ...config };
    for (const [k, v] of Object.entries(this.config)) {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`kernel config ${k} must be a non-negative integer, got ${v}`);
    }
    // A quantum of 0 would send a process to proc_no_time before every step it takes.
    if (this.config.quantumNs < 1) throw new RangeError(`kernel config quantumNs must be at least 1 ns, got ${this.config.quantumNs}`);
    if (this.config.maxStepsPerInstant === 0) throw new RangeError('kernel config maxStepsPerInstant must be positive');
    this.random = new Prng(this.config.seed);
    this.grants = new GrantTables(this);
    this.randomView = randomSource(this.random);
    registerGetinfo(this);
    this.mmu = new Mmu(this);
    this.mmu.register();
  }

  // ---- process table -------------------------------------------------------

  spawn(options: SpawnOptions): Proc {
    if (!(options.priority >= 0 && options.priority < NR_SCHED_QUEUES)) throw new RangeError(`priority ${options.priority} outside 0..${NR_SCHED_QUEUES - 1}`);
    if (options.quantumNs !== undefined && !(Number.isSafeInteger(options.quantumNs) && options.quantumNs >= 1)) throw new RangeError(`quantum ${options.quantumNs} ns: must be an integer of at least 1 ns`);
    let slot = -1;
    for (let s = HARDWARE_SLOT + 1; s < NR_SLOTS; s++) {
      if (this.slots[s] === null) { slot = s; break; }
    }
    if (slot < 0) throw new Error('process table full');
    const name = this.uniqueName(options.name);
    // generations[] holds the last generation + 1 (0: the slot was never used).
    const generation = nextGeneration(this.generations[slot]! - 1);
    this.generations[slot] = generation + 1;
    const p = new Proc(slot, makeEndpoint(generation, slot), name, options.privileges, options.priority, options.quantumNs ?? this.config.quantumNs);
    p.ticksLeft = this.ticksOf(p.quantumNs);
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

  /** The context holds closures over the kernel, never a reference an actor could follow to it. */
  private contextFor(p: Proc, args: readonly string[], env: Readonly<Record<string, string>>): ActorContext {
    const k = this;
    return {
      self: p.endpoint,
      name: p.name,
      args,
      env,
      nowNs: () => this.nowNs,
      endpointOf: (name) => this.byName.get(name)?.endpoint ?? NONE,
      // A getter's `this` is the context, hence k.
      get traceOn() { return k.trace.on; },
      trace: (ev, fields) => {
        if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev, proc: p.name, ...fields });
      },
      get causeId() { return p.causeId; },
      random: this.randomView,
      log: (channel, text, fields) => { this.log.write(channel, this.nowNs, text, fields, p.name); },
      print: (text) => this.consoleWrite(p.name, text),
      takeSignals: () => {
        if (p.sigPending === 0) return null;
        const taken: PendingSignals = { mask: p.sigPending, generatedNs: p.sigGeneratedNs };
        p.sigPending = 0;
        p.sigGeneratedNs = new Map();
        return taken;
      },
      offerDump: (topic, dump) => this.dumps.offer(p.name, topic, dump),
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
  replaceProgram(p: Proc, program: Program, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): void {
    clearIpc(this, p);
    p.workLeftNs = 0;
    p.result = undefined;
    clearGrants(this, p);
    p.gen = program(this.contextFor(p, args, env));
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
    // Its grants go with its memory: no one can copy from a dead process.
    clearGrants(this, p);
    p.gen = null;
    this.slots[p.slot] = null;
    if (this.byName.get(p.name) === p) {
      this.byName.delete(p.name);
      this.dumps.drop(p.name);
    }
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
    if (!p.inReadyQueue) p.readySinceNs = this.nowNs;
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

  /**
   * The clock task that drives quanta announces how it counts them (once,
   * at its start). Every process's tick budget is recomputed from its quantum.
   */
  setQuantumClock(clock: QuantumClock | null): void {
    this.quantumClock = clock;
    this.quantumMode = clock === null ? QuantumMode.Exact : clock.kind === 'tick' ? QuantumMode.Tick : QuantumMode.Oneshot;
    this.tickNs = clock?.kind === 'tick' ? clock.tickNs : 0;
    for (const p of this.slots) if (p !== null) p.ticksLeft = this.ticksOf(p.quantumNs);
  }

  /** A quantum in ticks: rounded up, at least one (a 2 ms quantum at HZ=100 is one 10 ms tick, as on MINIX). */
  private ticksOf(quantumNs: number): number {
    return this.tickNs > 0 ? Math.max(1, Math.ceil(quantumNs / this.tickNs)) : 1;
  }

  private renewQuantum(p: Proc): void {
    p.quantumLeftNs = p.quantumNs;
    p.ticksLeft = this.ticksOf(p.quantumNs);
  }

  private quantumUsedUp(p: Proc): boolean {
    return this.quantumMode === QuantumMode.Tick ? p.ticksLeft <= 0 : p.quantumLeftNs <= 0;
  }

  /**
   * A periodic clock interrupt (MINIX 3.1's clock_handler): the process that
   * holds the CPU pays one tick, whatever share of the tick it used. At zero
   * a ready process is out of quantum now; a blocked one when it next runs.
   */
  clockTick(): void {
    const p = this.current;
    if (p === null || !p.alive || this.quantumMode !== QuantumMode.Tick) return;
    p.ticksLeft--;
    if (p.ticksLeft <= 0 && p.inReadyQueue) this.procNoTime(p);
  }

  /** Tickless: the clock event asked for at the running process's quantum end fired (Linux's hrtick). */
  quantumInterrupt(): void {
    const p = this.hrtickFor;
    this.hrtickFor = null;
    this.hrtickAtNs = Infinity;
    this.quantumInterruptsTotal++;
    if (p === null || p !== this.current || !p.alive) return;
    if (p.quantumLeftNs <= 0 && p.inReadyQueue) this.procNoTime(p);
  }

  /**
   * Tickless: keep a clock event at the running process's quantum end while
   * another process is ready (alone, nobody needs it to stop: NO_HZ_IDLE
   * with Linux's hrtick). Tasks are not preemptible and need none.
   */
  private programQuantumEvent(p: Proc): void {
    const clock = this.quantumClock;
    if (clock === null || clock.kind !== 'oneshot') return;
    if (this.runQueues.count <= 1) {
      if (this.hrtickFor !== null) this.cancelQuantumEvent();
      return;
    }
    if (!preemptible(p)) return;
    const atNs = this.nowNs + Math.max(0, p.quantumLeftNs);
    if (this.hrtickFor === p && this.hrtickAtNs === atNs) return;
    this.hrtickFor = p;
    this.hrtickAtNs = atNs;
    clock.arm(atNs);
  }

  /**
   * Withdraw the quantum event, leaving the device as it is: it may fire for
   * nothing, and the clock then programs what is next (hrtimer_interrupt).
   * mksim simplifies here: Linux's hrtick_clear cancels a timer on this CPU,
   * and remove_hrtimer reprograms the device (hrtimer_force_reprogram) when
   * it was the first; Linux leaves the device alone only for a timer removed
   * from another CPU. Here that path is taken for every withdrawal while a
   * process keeps the CPU (two device programmings saved per system call),
   * and the device is brought up to date when the CPU goes idle (run()).
   */
  private cancelQuantumEvent(): void {
    this.hrtickFor = null;
    this.hrtickAtNs = Infinity;
    this.hrtickLeftOnDevice = true;
    if (this.quantumClock?.kind === 'oneshot') this.quantumClock.disarm();
  }

  /** The CPU goes idle: the device is programmed for exactly what is pending (no stale quantum end left to fire). */
  private syncQuantumDevice(): void {
    this.hrtickLeftOnDevice = false;
    if (this.quantumClock?.kind === 'oneshot') this.quantumClock.sync();
  }

  /**
   * Out of quantum (MINIX's proc_no_time). A kernel-scheduled or
   * non-preemptible process gets a fresh quantum and goes behind the others
   * of its priority; any other is held (RTS_NO_QUANTUM) and its scheduler is
   * told by a message sent on its behalf (notify_scheduler), to answer with
   * sys_schedule.
   */
  private procNoTime(p: Proc): void {
    this.quantaExpiredTotal++;
    const scheduler = p.scheduler === NONE || !preemptible(p) ? null : this.procOf(p.scheduler);
    if (scheduler === null) {
      // A scheduler that died leaves its processes to the kernel (MINIX would panic).
      p.scheduler = NONE;
      this.renewQuantum(p);
      const rotated = this.runQueues.rotate(p);
      if (rotated && this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'quantum', proc: p.name });
      return;
    }
    p.rtsFlags |= RTS_NO_QUANTUM;
    this.runQueues.dequeue(p);
    if (this.trace.on) this.emit({ seq: 0, t: this.nowNs, ev: 'quantum', proc: p.name, scheduler: scheduler.name });
    const r = kernelSend(this, p, scheduler, {
      type: SCHEDULING_NO_QUANTUM, endpoint: p.endpoint, priority: p.priority, quantumNs: p.quantumNs, cpuTimeNs: p.cpuTimeNs,
    });
    if (r < 0) {
      // The scheduler's queue is full: the kernel renews the quantum rather than lose the process.
      this.renewQuantum(p);
      p.rtsFlags &= ~RTS_NO_QUANTUM;
      this.makeReady(p);
    }
  }

  /**
   * sys_schedule's work (MINIX's sched_proc): a new priority (-1 keeps it)
   * and quantum (-1 keeps what is left), and the process is ready again at
   * the tail of its queue. The caller has checked the arguments.
   */
  schedProc(p: Proc, priority: number, quantumNs: number, by: Proc): void {
    const fromPriority = p.priority;
    const wasReady = p.inReadyQueue;
    if (wasReady) this.runQueues.dequeue(p);
    if (priority >= 0) p.priority = priority;
    if (quantumNs > 0) {
      p.quantumNs = quantumNs;
      this.renewQuantum(p);
    }
    p.rtsFlags &= ~RTS_NO_QUANTUM;
    if (this.trace.on) {
      this.emit({ seq: 0, t: this.nowNs, ev: 'schedule', proc: p.name, by: by.name, from: fromPriority, priority: p.priority, quantumNs: p.quantumNs });
    }
    this.makeReady(p);
  }

  /** The process holding the CPU (the debugger's view), or null when idle. */
  get runningProc(): Proc | null {
    return this.current;
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

  /**
   * When this kernel next has something to do: now if a process is ready,
   * else its next event (Infinity: nothing). A run of several hosts
   * (cluster.ts) always advances the host that is furthest behind.
   */
  nextActivityNs(): number {
    if (this.stopRequested !== null) return this.nowNs;
    // A CPU that has just run out of work still owes its idle record, at its own now.
    if (this.runQueues.count > 0 || this.current !== null) return this.nowNs;
    return Math.max(this.nowNs, this.events.peekTimeNs());
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
    this.trace.message(this.nowNs, ev, id, src, dst, type, cause, msg, re, async);
  }

  // ---- the CPU --------------------------------------------------------------

  /** Simulate until nothing can happen, the deadline passes, or stop() is called. */
  run(options: { untilNs?: number } = {}): RunOutcome {
    const untilNs = options.untilNs ?? Infinity;
    const events = this.events;
    for (;;) {
      if (this.stopRequested !== null) return 'stopped';
      for (let e = events.popDue(this.nowNs); e !== undefined; e = events.popDue(this.nowNs)) {
        if (!this.countStep(null)) return 'stopped';
        e.fire();
        if (this.stopRequested !== null) return 'stopped';
      }
      if (this.nowNs >= untilNs) return 'until';
      const p = this.runQueues.pick();
      if (p === null) {
        if (this.hrtickLeftOnDevice) this.syncQuantumDevice();
        const nextNs = events.peekTimeNs();
        if (this.hrtickFor !== null) {
          this.cancelQuantumEvent();
          this.syncQuantumDevice();
        }
        if (this.current !== null) {
          // The CPU goes idle: a sched record to nobody, so CPU time per process can be counted.
          if (this.trace.on) this.trace.sched(this.nowNs, this.current.name, null, undefined, false);
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
      const from = this.current;
      // Switched out still ready (its quantum ran out, or a higher priority came): it waits from now.
      const preempted = from !== null && from.alive && from.inReadyQueue;
      if (preempted) from.readySinceNs = this.nowNs;
      if (this.trace.on) {
        this.trace.sched(this.nowNs, from?.name ?? null, p.name, this.nowNs - p.readySinceNs, preempted);
      }
      this.current = p;
      this.onDispatch?.(p);
      this.contextSwitchesTotal++;
      if (this.config.contextSwitchNs > 0) this.charge(p, this.config.contextSwitchNs);
    }
    // MINIX's switch_to_user: a process whose quantum ran out while it was not looked at goes to proc_no_time first.
    if (this.quantumUsedUp(p)) {
      this.procNoTime(p);
      return;
    }
    const clocked = this.quantumMode !== QuantumMode.Exact;
    if (this.quantumMode === QuantumMode.Oneshot) this.programQuantumEvent(p);
    const events = this.events;
    const costNs = this.config.ipcCostNs;
    for (;;) {
      if (p.workLeftNs > 0 && !this.runWork(p, untilNs)) return;
      if (!this.countStep(p)) return;
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
      if (p.quantumLeftNs <= 0 && !clocked) { this.procNoTime(p); return; }
      // Someone else became ready: the running process's quantum end now needs a clock event.
      if (this.hrtickFor !== p && this.quantumMode === QuantumMode.Oneshot && this.runQueues.count > 1) this.programQuantumEvent(p);
      if (this.nowNs >= untilNs || this.stopRequested !== null) return;
      if (events.peekTimeNs() <= this.nowNs) return;
      if (this.runQueues.higherReady(p.priority)) return;
    }
  }

  /**
   * One step (an actor resumed, an event fired) at the current virtual time.
   * False, with the run stopped, when the instant's budget is spent: the
   * steps cost no virtual time, so neither --until nor an idle CPU would end them.
   */
  private countStep(p: Proc | null): boolean {
    if (this.nowNs !== this.instantNs) {
      this.instantNs = this.nowNs;
      this.stepsAtInstant = 0;
    }
    if (++this.stepsAtInstant <= this.config.maxStepsPerInstant) return true;
    this.stop(`zero-time loop: ${this.config.maxStepsPerInstant} steps at virtual time ${this.nowNs} ns without time advancing`
      + (p !== null ? ` (running: ${p.name})` : ' (in device events)'));
    return false;
  }

  /** Charge p CPU time now (context switches, safe copies). */
  charge(p: Proc, ns: number): void {
    this.nowNs += ns;
    p.cpuTimeNs += ns;
    p.quantumLeftNs -= ns;
  }

  /**
   * Spend p's pending work until done or an event (a clocked quantum ends
   * only by one), or, with no clock counting quanta, the quantum's end.
   * True if done and p may go on.
   */
  private runWork(p: Proc, untilNs: number): boolean {
    const exact = this.quantumMode === QuantumMode.Exact;
    let stepNs = exact ? Math.min(p.workLeftNs, Math.max(0, p.quantumLeftNs)) : p.workLeftNs;
    const nextEventNs = this.events.peekTimeNs();
    // Stop at the next event (a clock event may end the quantum) and at the run's deadline.
    const stopNs = Math.min(nextEventNs, untilNs);
    if (stopNs - this.nowNs < stepNs) stepNs = Math.max(0, stopNs - this.nowNs);
    this.charge(p, stepNs);
    p.workLeftNs -= stepNs;
    if (exact && p.quantumLeftNs <= 0) {
      this.procNoTime(p);
      return false;
    }
    if (p.workLeftNs > 0) return false;
    p.result = 0;
    return stopNs > this.nowNs;
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

