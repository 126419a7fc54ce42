/*
 * The network of a run of several hosts, from the script's `link` lines:
 * a card per linked host, the links between cards, and on each linked host
 * a network driver (eth0) and an INET server in its system image.
 *   buildNetwork(script, hosts, prng)  -> Network
 *   Network.summary()                  the links as plain data (the trace header)
 *   Network.entriesFor(host, kernel)   the host's eth0 and inet image entries (none without a link)
 *   Network.attach()                   join the cards once every host's kernel exists
 *   withRamDisk(host)                  a linked host without a disk gets a 1 MiB RAM disk and an FS
 * Each link draws its losses from its own stream, forked in script order from
 * the run's PRNG, so adding a host does not change another link's losses.
 */
import { hardwareOf, systemPrivileges, type ImageEntry, type Kernel, type Prng } from '../../kernel/index.js';
import { netDriver } from '../../drivers/net/main.js';
import { Link, Nic } from '../../drivers/net/wire.js';
import { inetServer } from '../../servers/inet/main.js';
import type { BootScript, Directive, HostBlock } from './script.js';

export interface NetworkLink {
  readonly a: string;
  readonly b: string;
  readonly latencyNs: number;
  readonly bitsPerSecond: number;
  readonly loss: number;
}

export interface Network {
  summary(): Record<string, unknown>[];
  entriesFor(host: HostBlock, kernel: Kernel): ImageEntry[];
  attach(): void;
  /** The shortest link latency (Infinity: no links): how far one host may run ahead of the others. */
  readonly lookaheadNs: number;
  /** Each linked host's card (after the build), for statistics. */
  readonly cards: ReadonlyMap<string, Nic>;
}

export const DEFAULT_LINK = { latencyNs: 1_000_000, bitsPerSecond: 100_000_000, loss: 0 } as const;
/** INET's and the driver's scheduling queues (MINIX: drivers above servers). */
const DRIVER_PRIORITY = 1;
const INET_PRIORITY = 4;

export function buildNetwork(script: BootScript, prng: Prng): Network {
  const links: NetworkLink[] = script.directives.filter((d) => d.keyword === 'link').map((d) => ({
    a: d.positional[0]!, b: d.positional[1]!,
    latencyNs: (d.values.get('latency') as number | undefined) ?? DEFAULT_LINK.latencyNs,
    bitsPerSecond: (d.values.get('bandwidth') as number | undefined) ?? DEFAULT_LINK.bitsPerSecond,
    loss: (d.values.get('loss') as number | undefined) ?? DEFAULT_LINK.loss,
  }));
  const streams = links.map(() => prng.fork());
  const cards = new Map<string, Nic>();
  return {
    cards,
    lookaheadNs: links.reduce((min, l) => Math.min(min, l.latencyNs), Infinity),
    summary: () => links.map((l) => ({ a: l.a, b: l.b, latencyNs: l.latencyNs, bitsPerSecond: l.bitsPerSecond, loss: l.loss })),
    entriesFor(host, kernel) {
      if (!links.some((l) => l.a === host.name || l.b === host.name)) return [];
      const nic = new Nic(host.name, host.addr, hardwareOf(kernel));
      cards.set(host.name, nic);
      return [
        { name: 'eth0', priority: DRIVER_PRIORITY, privileges: systemPrivileges(), program: netDriver(nic) },
        { name: 'inet', priority: INET_PRIORITY, privileges: systemPrivileges(), program: inetServer({ addr: host.addr, driver: 'eth0' }) },
      ];
    },
    attach() {
      links.forEach((l, i) => new Link(cards.get(l.a)!, cards.get(l.b)!, l, streams[i]!));
    },
  };
}

/** Sockets are descriptors of the FS: a linked host with no disk gets a RAM disk for one. */
export function withRamDisk(host: HostBlock, linked: boolean): BootScript {
  const s = host.script;
  if (!linked || s.directives.some((d) => d.keyword === 'disk' || d.keyword === 'fs')) return s;
  const disk: Directive = {
    keyword: 'disk', positional: ['disk0'], words: [], values: new Map<string, number | string>([['create', 1 << 20], ['model', 'ramdisk']]),
    keyPos: new Map(), pos: host.pos,
  };
  return { ...s, directives: [...s.directives, disk] };
}
