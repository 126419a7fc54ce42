/*
 * The hardware of a network: each host's network card and the links
 * between cards (System/161's hub161 joining sys161 machines, reduced to
 * point-to-point links). Devices, not actors: they run in event callbacks.
 *   Nic(host, addr, hw)       a host's card: transmit(frame), take() the next received frame
 *   Nic.bind(ep)              the driver that gets the receive interrupt
 *   Link(a, b, spec, prng)    a full-duplex link: latency, bandwidth (one frame at a time each way), seeded loss
 * Trace records `net` (op send, drop, deliver) show the wire: sends and
 * drops on the sender's host, deliveries on the receiver's.
 */
import type { Endpoint, Hardware, Prng } from '../../kernel/index.js';
import { frameBytes, ipText, type Frame } from './protocol.js';

/** Frames a card holds for its driver; more are dropped (a full receive ring). */
export const RX_RING_FRAMES = 256;
/** Frames waiting for the wire in each direction; more are dropped (a full transmit queue). */
export const TX_QUEUE_FRAMES = 1024;

export interface LinkSpec {
  readonly latencyNs: number;
  readonly bitsPerSecond: number;
  readonly loss: number;
}

export class Nic {
  private readonly rx: Frame[] = [];
  private driver: Endpoint = -1;
  readonly links: Link[] = [];
  framesSent = 0;
  framesReceived = 0;
  framesDropped = 0;

  constructor(readonly host: string, readonly addr: number, readonly hw: Hardware) {}

  bind(driver: Endpoint): void {
    this.driver = driver;
  }

  /** Put a frame on the link that reaches its destination (no routing: a neighbour or nothing). */
  transmit(frame: Frame): void {
    const link = this.links.find((l) => l.peerOf(this).addr === frame.dst);
    if (link === undefined) {
      this.framesDropped++;
      this.record('drop', frame, null, 'no route');
      return;
    }
    link.carry(this, frame);
  }

  /** The next received frame, or undefined. */
  take(): Frame | undefined {
    return this.rx.shift();
  }

  /** The wire hands over a frame: into the ring, and an interrupt for the driver. */
  arrive(frame: Frame, link: Link): void {
    if (this.rx.length >= RX_RING_FRAMES || this.driver < 0) {
      this.framesDropped++;
      this.record('drop', frame, link, 'receive ring full');
      return;
    }
    this.framesReceived++;
    this.rx.push(frame);
    this.record('deliver', frame, link, null);
    this.hw.raiseIrq(this.driver, 1);
  }

  record(op: 'send' | 'drop' | 'deliver', f: Frame, link: Link | null, why: string | null): void {
    if (!this.hw.traceOn) return;
    this.hw.emit({
      seq: 0, t: this.hw.nowNs, ev: 'net', op, link: link?.name ?? null, src: ipText(f.src), dst: ipText(f.dst), proto: f.proto,
      sport: f.sport, dport: f.dport, seqNr: f.seq, ackNr: f.ack, flags: f.flags, bytes: frameBytes(f),
      ...(why !== null ? { why } : {}),
    });
  }
}

export class Link {
  readonly name: string;
  /** When each direction's transmitter is next free (a->b, b->a), and frames queued for it. */
  private readonly freeAtNs = [0, 0];
  private readonly queued = [0, 0];

  constructor(readonly a: Nic, readonly b: Nic, readonly spec: LinkSpec, private readonly prng: Prng) {
    this.name = `${a.host}-${b.host}`;
    a.links.push(this);
    b.links.push(this);
  }

  peerOf(nic: Nic): Nic {
    return nic === this.a ? this.b : this.a;
  }

  /**
   * Serialise the frame after the ones before it (bandwidth), lose it with
   * probability `loss` (one draw a frame, from the link's own stream), and
   * hand it to the other card a latency after its last bit left.
   */
  carry(from: Nic, frame: Frame): void {
    const dir = from === this.a ? 0 : 1;
    const to = this.peerOf(from);
    const nowNs = from.hw.nowNs;
    if (this.queued[dir]! >= TX_QUEUE_FRAMES) {
      from.framesDropped++;
      from.record('drop', frame, this, 'transmit queue full');
      return;
    }
    const txNs = Math.ceil((frameBytes(frame) * 8 * 1e9) / this.spec.bitsPerSecond);
    const startNs = Math.max(nowNs, this.freeAtNs[dir]!);
    const doneNs = startNs + txNs;
    this.freeAtNs[dir] = doneNs;
    from.framesSent++;
    const lost = this.spec.loss > 0 && this.prng.fraction() < this.spec.loss;
    from.record(lost ? 'drop' : 'send', frame, this, lost ? 'loss' : null);
    this.queued[dir]!++;
    from.hw.schedule(doneNs, () => { this.queued[dir]!--; });
    if (lost) return;
    // The receiver may have run a kernel call past the arrival (cluster.ts): it gets the frame at its now.
    const arriveNs = Math.max(doneNs + this.spec.latencyNs, to.hw.nowNs);
    to.hw.schedule(arriveNs, () => to.arrive(frame, this));
  }
}
