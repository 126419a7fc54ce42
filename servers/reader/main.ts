/*
 * A raw reader of a block device: what `dd if=/dev/c0d0` is to MINIX, a
 * client of the disk driver that keeps several reads in flight with the
 * driver at once, as libbdev's asynchronous calls do (bdev_read_asyn: the
 * request goes by asynsend, the reply comes back tagged with its bdev_id).
 * So the driver's queue holds up to `depth` requests and its scheduling
 * policy decides their order: the disk-scheduling lab (examples/disk-sched.boot).
 *   readerProgram(config)   the Program of a `reader NAME disk=DISK requests=N depth=D` line
 * The block numbers come from the reader's own PRNG (derived from the boot
 * seed), so every policy is given the same sequence. At the end it prints
 * the head movement, the seek time and the read latencies (virtual time).
 */
import { receive, senda, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { Prng } from '../../kernel/random.js';
import type { DevReply } from '../../drivers/disk/protocol.js';
import { CPF_WRITE, grantDirect, revoke } from '../../lib/grants.js';

export interface ReaderConfig {
  readonly driver: string;
  readonly requests: number;
  /** Reads in flight at once (MINIX: as many bdev_read_asyn calls as the caller makes before waiting). */
  readonly depth: number;
  readonly blockBytes: number;
  readonly seed: number;
}

/** Bounds of a `reader` line (the parser checks them). */
export const MAX_READER_REQUESTS = 100_000;
export const MAX_READER_DEPTH = 64;

type Gen<T> = Generator<KernelCall, T, any>;

const ms = (ns: number): string => (ns / 1e6).toFixed(3);

export function readerProgram(config: ReaderConfig) {
  return function* readerMain(ctx: ActorContext): Gen<void> {
    const driver = ctx.endpointOf(config.driver);
    const size = (yield sendrec(driver, { type: 'DEV_IOCTL', minor: 0, request: 'SIZE' })) as Envelope<DevReply> | number;
    const sizeBytes = typeof size === 'number' ? 0 : Number(size.data?.size ?? 0);
    const blocks = Math.floor(sizeBytes / config.blockBytes);
    if (blocks < 1) { ctx.print(`error: reader: ${config.driver} has no block to read`); return; }
    const prng = new Prng(config.seed);
    const targets = Array.from({ length: config.requests }, () => prng.below(blocks));
    const inFlight = new Map<number, { readonly startNs: number; readonly grant: number }>();
    const latenciesNs: number[] = [];
    let next = 0;
    let failed = 0;
    const issue = function* (): Gen<void> {
      const id = next++;
      const buffer = new Uint8Array(config.blockBytes);
      const grant = yield* grantDirect(driver, buffer, CPF_WRITE);
      inFlight.set(id, { startNs: ctx.nowNs(), grant });
      yield senda(driver, { type: 'DEV_GATHER', minor: 0, id, vector: [{ position: targets[id]! * config.blockBytes, grant, bytes: config.blockBytes }] });
    };
    while (next < config.requests && inFlight.size < config.depth) yield* issue();
    // Bounded: each reply retires one request, and no more than `requests` are ever issued.
    while (inFlight.size > 0) {
      const m = (yield receive(driver)) as Envelope<DevReply> | number;
      if (typeof m === 'number' || m.type !== 'DEV_REPLY' || typeof m.id !== 'number') continue;
      const req = inFlight.get(m.id);
      if (req === undefined) continue;
      inFlight.delete(m.id);
      yield* revoke(req.grant);
      if (m.status < 0) failed++;
      latenciesNs.push(ctx.nowNs() - req.startNs);
      if (next < config.requests) yield* issue();
    }
    const stats = (yield sendrec(driver, { type: 'DEV_IOCTL', minor: 0, request: 'STATISTICS' })) as Envelope<DevReply> | number;
    const data = typeof stats === 'number' ? {} : stats.data ?? {};
    latenciesNs.sort((a, b) => a - b);
    const mean = latenciesNs.reduce((a, b) => a + b, 0) / latenciesNs.length;
    const p95 = latenciesNs[Math.min(latenciesNs.length - 1, Math.floor(latenciesNs.length * 0.95))]!;
    ctx.print(`${config.requests} reads, ${config.depth} in flight: head moved ${data.seekDistanceCyl} cylinders, seeking ${ms(Number(data.seekNs))} ms;`
      + ` latency mean ${ms(mean)} ms, p95 ${ms(p95)} ms, max ${ms(latenciesNs.at(-1)!)} ms${failed > 0 ? `; ${failed} failed` : ''}`);
  };
}
