/*
 * What a hardware model reaches of the machine, instead of the kernel object.
 *   Hardware                  a device's view: virtual time, timed events, interrupt lines, power, the trace
 *   KernelTaskAccess          the clock task's view: Hardware, three read-only process facts, the quantum hooks
 *   hardwareOf(kernel)        the Hardware the boot loader hands a device when it builds it
 *   kernelTaskAccessOf(kernel) the KernelTaskAccess it hands the clock task
 * Devices (the disk mechanism, clock-event chips) are not actors: they run
 * in event callbacks. A driver actor gets the device object, never these.
 * mksim simplification: a MINIX driver reaches its device by port I/O and
 * IRQ kernel calls (sys_devio, sys_irqctl) checked against its privileges;
 * here the device model is plain code handed this narrow interface.
 */
import type { Endpoint } from './endpoint.js';
import type { TimedEvent } from './event-queue.js';
import type { Kernel, QuantumClock } from './kernel.js';
import type { TraceRecord } from './trace.js';

export interface Hardware {
  /** Current virtual time, integer ns. */
  readonly nowNs: number;
  /** Is anyone listening to the trace? Check before building a record. */
  readonly traceOn: boolean;
  /** Run `fire` at virtual time atNs (a completion, a clock event). */
  schedule(atNs: number, fire: () => void): TimedEvent;
  cancel(event: TimedEvent): void;
  /** Raise an interrupt: a notification from HARDWARE to the driver, with the line bits. */
  raiseIrq(dst: Endpoint, bits: number, cause?: number): void;
  /** Stop the simulation at the end of the step (a power cut). */
  stop(reason: string): void;
  /** Publish a device record (`disk`, `state`, `tick`, `timer`, `inject`); seq is stamped by the bus. */
  emit(record: TraceRecord): void;
}

/**
 * The clock task is a kernel task in MINIX 3.1 (kernel/clock.c runs in
 * kernel space and reads the process table: bill_ptr, p_user_time). mksim
 * runs it as an actor, so it gets exactly the facts its timers need, read
 * synchronously in its interrupt path: is an endpoint alive, how much CPU
 * time a process has used, and a name for statistics and trace records;
 * and the kernel half of its interrupt handler, which charges the running
 * process's quantum (MINIX 3.1's clock_handler decrements p_ticks_left).
 */
export interface KernelTaskAccess extends Hardware {
  isAlive(ep: Endpoint): boolean;
  /** CPU time used by the live process `ep`, or 0 if it is gone. */
  cpuTimeNs(ep: Endpoint): number;
  /** The process's name (`ep<N>` once it is gone, 'hardware', 'ANY'), as trace records spell it. */
  nameOf(ep: Endpoint): string;
  /** How the clock counts quanta (ticks, or a oneshot event at the quantum's end): Kernel.setQuantumClock. */
  setQuantumClock(clock: QuantumClock | null): void;
  /** A periodic tick charges the running process one tick: Kernel.clockTick. */
  clockTick(): void;
  /** Tickless: the event at the running process's quantum end fired: Kernel.quantumInterrupt. */
  quantumInterrupt(): void;
}

export function hardwareOf(k: Kernel): Hardware {
  return {
    get nowNs() { return k.nowNs; },
    get traceOn() { return k.trace.on; },
    schedule: (atNs, fire) => k.schedule(atNs, fire),
    cancel: (event) => k.cancel(event),
    raiseIrq: (dst, bits, cause) => k.raiseIrq(dst, bits, cause),
    stop: (reason) => k.stop(reason),
    emit: (record) => k.emit(record),
  };
}

export function kernelTaskAccessOf(k: Kernel): KernelTaskAccess {
  const hw = hardwareOf(k);
  return {
    get nowNs() { return k.nowNs; },
    get traceOn() { return k.trace.on; },
    schedule: hw.schedule,
    cancel: hw.cancel,
    raiseIrq: hw.raiseIrq,
    stop: hw.stop,
    emit: hw.emit,
    isAlive: (ep) => k.procOf(ep) !== null,
    cpuTimeNs: (ep) => k.procOf(ep)?.cpuTimeNs ?? 0,
    nameOf: (ep) => k.nameOf(ep),
    setQuantumClock: (clock) => k.setQuantumClock(clock),
    clockTick: () => k.clockTick(),
    quantumInterrupt: () => k.quantumInterrupt(),
  };
}
