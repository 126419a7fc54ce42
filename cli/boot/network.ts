/*
 * The network of a run of several hosts, from the script's `link` lines.
 *   buildNetwork(script, hosts, prng)  -> Network
 *   Network.summary()                  the links as plain data (the trace header)
 *   Network.entriesFor(host, kernel)   the host's network image entries
 *   Network.attach(hosts)              connect the links once every host's kernel exists
 */
import type { ImageEntry, Kernel, Prng } from '../../kernel/index.js';
import type { BootScript, HostBlock } from './script.js';

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
  attach(hosts: readonly { name: string; kernel: Kernel }[]): void;
}

export const DEFAULT_LINK = { latencyNs: 1_000_000, bitsPerSecond: 100_000_000, loss: 0 } as const;

export function buildNetwork(script: BootScript, _hosts: readonly HostBlock[], _prng: Prng): Network {
  const links: NetworkLink[] = script.directives.filter((d) => d.keyword === 'link').map((d) => ({
    a: d.positional[0]!, b: d.positional[1]!,
    latencyNs: (d.values.get('latency') as number | undefined) ?? DEFAULT_LINK.latencyNs,
    bitsPerSecond: (d.values.get('bandwidth') as number | undefined) ?? DEFAULT_LINK.bitsPerSecond,
    loss: (d.values.get('loss') as number | undefined) ?? DEFAULT_LINK.loss,
  }));
  return {
    summary: () => links.map((l) => ({ a: l.a, b: l.b, latencyNs: l.latencyNs, bitsPerSecond: l.bitsPerSecond, loss: l.loss })),
    entriesFor: () => [],
    attach: () => {},
  };
}
