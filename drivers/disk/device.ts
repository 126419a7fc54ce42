/*
 * The disk hardware: the mechanism statechart driven by the machine's clock,
 * the data movement, the trace and the completion interrupt.
 *   DiskDevice(hw, disk, stats)   one drive on the machine's Hardware (kernel/hardware.ts, never the
 *                                 kernel); attach(driverEp, name) names the task its interrupts go to (and the `proc` of its records)
 *   start(request)      put one request on the mechanism (it must be idle)
 *   takeCompleted()     the finished request, after its interrupt (the controller's status register)
 *   headCyl, state      where the head is, what the mechanism does
 *   DISK_IRQ_BIT        the interrupt line's bit in the NOTIFY from HARDWARE
 * Each run of disk-contiguous elements is one mechanical operation: seek
 * (with the controller's overhead before the first), rotate, transfer; data
 * moves when the transfer ends, so a power cut leaves exactly what was written.
 * A disk without mechanics (a solid model: every sector on cylinder 0) steps
 * the same machine through its tabulated transitions instead of an xstate
 * actor: the same states and `state` records, without xstate's cost per phase.
 */
import { createActor, type Actor } from 'xstate';
import { EIO, type Endpoint, type Hardware } from '../../kernel/index.js';
import type { OpenDisk } from './config.js';
import type { IoVecElement } from './protocol.js';
import { FaultInjector } from './faults.js';
import { diskMechanismMachine, nextMechanismState, type MechanismEvent, type MechanismState } from './mechanism.js';
import type { Schedulable } from './queue.js';
import type { DiskStats } from './stats.js';
import { cylinderOf, overheadNs, rotationNs, seekNs, transferNs } from './timing.js';
import { moveData, type DmaElement, type MechOp, type TransferIo, type TransferOutcome } from './transfer.js';

/** AT_WINI_IRQ, the IRQ of MINIX's at_wini driver. */
export const DISK_IRQ_BIT = 1 << 14;

export interface DiskRequest extends Schedulable {
  readonly source: Endpoint;
  readonly write: boolean;
  readonly vector: readonly DmaElement[];
  /** The caller's grant and offset for each element (GATHER: the driver copies each element's bytes out to it at completion). */
  readonly grants: readonly IoVecElement[];
  readonly ops: readonly MechOp[];
  /** The request message's id: the cause of the completion interrupt in the trace. */
  readonly causeId: number;
  readonly arrivalNs: number;
  /** The caller's tag (an asynchronous request's), echoed in the reply. */
  readonly id?: number;
  readonly done: number[];
  status: number;
}

export class DiskDevice {
  /** The mechanism's statechart (a rotating disk); null for a solid one, which keeps `plainState` by the table. */
  private readonly machine: Actor<typeof diskMechanismMachine> | null;
  private plainState: MechanismState = 'idle';
  private readonly faults: FaultInjector;
  private driver: Endpoint | null = null;
  /** The driver's process name: the `proc` of this drive's trace records, so `trace --actor disk0` shows them. */
  private driverName: string | null = null;
  private current: DiskRequest | null = null;
  private completed: DiskRequest | null = null;
  private opIndex = 0;
  private startNs = 0;
  private io: TransferIo | null = null;

  constructor(private readonly hw: Hardware, private readonly disk: OpenDisk, private readonly stats: DiskStats) {
    this.faults = new FaultInjector(disk.faults);
    this.machine = disk.model.kind === 'rotating' ? createActor(diskMechanismMachine, { input: { headCyl: 0 } }).start() : null;
  }

  attach(driver: Endpoint, driverName?: string): void {
    this.driver = driver;
    this.driverName = driverName ?? null;
  }

  /** proc and cause (the request message's id) for this drive's trace records. */
  private owner(): { proc?: string; cause?: number } {
    const causeId = this.current?.causeId ?? 0;
    return { ...(this.driverName !== null ? { proc: this.driverName } : {}), ...(causeId > 0 ? { cause: causeId } : {}) };
  }

  get state(): MechanismState {
    return this.machine === null ? this.plainState : this.machine.getSnapshot().value as MechanismState;
  }

  get headCyl(): number {
    return this.machine === null ? 0 : this.machine.getSnapshot().context.headCyl;
  }

  /** Busy from start() until the driver takes the completed request. */
  get busy(): boolean {
    return this.current !== null || this.completed !== null;
  }

  get poweredOff(): boolean {
    return this.state === 'off';
  }

  start(request: DiskRequest): void {
    if (this.busy || this.poweredOff) throw new Error(`disk ${this.disk.name}: start while ${this.poweredOff ? 'off' : 'busy'}`);
    if (request.ops.length === 0) throw new Error(`disk ${this.disk.name}: a request without mechanical operations`);
    this.current = request;
    this.opIndex = 0;
    this.startNs = this.hw.nowNs;
    this.stats.queueWaitNsTotal += this.startNs - request.arrivalNs;
    let tearLeftBytes = Infinity;
    if (request.write) {
      const first = request.ops[0]!;
      const last = request.ops[request.ops.length - 1]!;
      const lastPart = last.parts[last.parts.length - 1]!;
      const totalBytes = request.ops.reduce((sum, op) => sum + op.parts.reduce((s, p) => s + p.length, 0), 0);
      const tear = this.faults.tearBytes(
        Math.floor(first.parts[0]!.position / this.disk.blockSize),
        Math.floor((lastPart.position + lastPart.length - 1) / this.disk.blockSize),
        totalBytes, this.disk.model.sectorBytes);
      if (tear >= 0) tearLeftBytes = tear;
    }
    this.io = {
      write: request.write, vector: request.vector, done: request.done, image: this.disk.image,
      faults: this.faults, blockSize: this.disk.blockSize, tearLeftBytes,
      onFault: (kind, block) => this.traceFault(kind, block),
    };
    this.runOp();
  }

  takeCompleted(): DiskRequest | null {
    const r = this.completed;
    this.completed = null;
    return r;
  }

  private runOp(): void {
    const k = this.hw;
    const model = this.disk.model;
    const op = this.current!.ops[this.opIndex]!;
    const fromCyl = this.headCyl;
    const toCyl = cylinderOf(model, op.firstSector);
    const ovhNs = this.opIndex === 0 ? overheadNs(model) : 0;
    const sNs = seekNs(model, toCyl - fromCyl);
    const onCylinderNs = k.nowNs + ovhNs + sNs;
    const rNs = rotationNs(model, onCylinderNs, op.firstSector);
    const xNs = transferNs(model, op.sectors);
    const s = this.stats;
    s.opsTotal++;
    s.overheadNsTotal += ovhNs;
    s.seekDistanceCylTotal += Math.abs(toCyl - fromCyl);
    s.seekNsTotal += sNs;
    s.rotationNsTotal += rNs;
    s.transferNsTotal += xNs;
    if (k.traceOn) {
      const bs = this.disk.blockSize;
      const first = op.parts[0]!.position;
      const last = op.parts[op.parts.length - 1]!;
      const block = Math.floor(first / bs);
      k.emit({
        seq: 0, t: k.nowNs, ev: 'disk', device: this.disk.name, op: this.current!.write ? 'write' : 'read',
        block, count: Math.ceil((last.position + last.length) / bs) - block, sector: op.firstSector, sectors: op.sectors,
        fromCyl, toCyl, overheadNs: ovhNs, seekNs: sNs, rotNs: rNs, xferNs: xNs, ...this.owner(),
      });
    }
    this.send({ type: 'SEEK', toCyl });
    k.schedule(onCylinderNs, () => {
      this.send({ type: 'ON_CYLINDER' });
      k.schedule(k.nowNs + rNs, () => {
        this.send({ type: 'SECTOR_REACHED' });
        k.schedule(k.nowNs + xNs, () => this.endOp(op));
      });
    });
  }

  private endOp(op: MechOp): void {
    const outcome: TransferOutcome = moveData(op, this.io!);
    const endCyl = cylinderOf(this.disk.model, op.firstSector + op.sectors - 1);
    if (outcome === 'power-cut') {
      this.send({ type: 'POWER_OFF' });
      this.hw.stop(`power cut: disk ${this.disk.name} after ${this.faults.blockWrites} block writes`);
      return;
    }
    this.send({ type: 'TRANSFER_DONE', endCyl });
    const r = this.current!;
    if (outcome === 'error') r.status = -EIO;
    if (outcome === 'ok' && ++this.opIndex < r.ops.length) {
      this.runOp();
      return;
    }
    this.stats.busyNsTotal += this.hw.nowNs - this.startNs;
    this.current = null;
    this.io = null;
    this.completed = r;
    if (this.driver === null) throw new Error(`disk ${this.disk.name}: no driver attached for the interrupt`);
    this.hw.raiseIrq(this.driver, DISK_IRQ_BIT, r.causeId);
  }

  private send(event: MechanismEvent): void {
    const from = this.state;
    if (this.machine !== null) this.machine.send(event);
    else this.plainState = nextMechanismState(from, event.type);
    const k = this.hw;
    if (k.traceOn) {
      k.emit({ seq: 0, t: k.nowNs, ev: 'state', machine: 'disk', device: this.disk.name, from, to: this.state, event: event.type, headCyl: this.headCyl, ...this.owner() });
    }
  }

  private traceFault(kind: string, block: number): void {
    const k = this.hw;
    // Not `fault`: trace tools read that as an actor's crash.
    if (k.traceOn) k.emit({ seq: 0, t: k.nowNs, ev: 'inject', device: this.disk.name, kind, block });
  }
}
