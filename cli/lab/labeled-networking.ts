/*
 * The labeled-networking lab (docs/labs/labeled-networking.md): examples/selinux-browsers.boot
 * enforcing, permissive, and with only the desk permissive (who reached whom, which host
 * denied what); then examples/network.boot over a lossy link, a few seeds per loss rate.
 *   labeledNetworkingLab   the registry entry
 */
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { TH_FIN, TH_SYN } from '../../drivers/net/protocol.js';
import type { TraceRecord } from '../../kernel/index.js';
import { bootScript } from '../commands/boot.js';
import { packagePath } from '../package-root.js';
import { examplePath } from './boot-run.js';
import { fenced, fixed, mdTable } from './markdown.js';
import { lineChart } from './svg.js';
import type { LabSpec } from './types.js';

const BROWSERS = 'examples/selinux-browsers.boot';
const NETWORK = 'examples/network.boot';
/** The loss rates and seeds of the lossy-link sweep. */
const LOSS_RATES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
const SEEDS = [1, 2, 3, 4, 5];
/** Ethernet + IPv4 + TCP headers (drivers/net/protocol.ts frameBytes): a frame's bytes past these are payload. */
const TCP_HEADER_BYTES = 54;
/** The script's one link line, up to its loss= value. */
const LINK_LOSS = /^(link client server .*)loss=[0-9.]+/m;

interface Run {
  readonly exitCode: number;
  /** stdout and stderr as a terminal shows them with 2>&1: in the order they were printed. */
  readonly lines: readonly string[];
  readonly records: readonly TraceRecord[];
}

function boot(path: string, seed: number, sets: readonly string[], text?: string): Run {
  const lines: string[] = [];
  const records: TraceRecord[] = [];
  const push = (l: string): void => { lines.push(l); };
  // Every host's bus publishes on the run's one bus (cli/commands/boot.ts): listen on the first host's only.
  let listening = false;
  const exitCode = bootScript(path, { seed: String(seed), set: [...sets] }, push, push, (kernel) => {
    if (!listening) kernel.trace.trace$.subscribe((r) => records.push(r));
    listening = true;
  }, text);
  // Shown as from the repository's root (`examples/x.boot:46`), wherever the package is.
  const root = packagePath() + sep;
  return { exitCode, lines: lines.map((l) => l.split(root).join('')), records };
}

type Rec = TraceRecord & Record<string, unknown>;
const field = (r: TraceRecord, k: string): unknown => (r as Rec)[k];
const typeOf = (context: unknown): string => String(context).split(':')[2] ?? '';

/** The two browsers and the two servers of selinux-browsers.boot. */
const BROWSER_DOMAINS = [{ name: 'internal', domain: 'internal_browser_t' }, { name: 'external', domain: 'external_browser_t' }];
const SERVERS = [
  { host: 'intranet', addr: '10.0.0.2', types: ['intranet_node_t', 'intranet_httpd_t'] },
  { host: 'internet', addr: '198.51.100.7', types: ['internet_node_t', 'internet_httpd_t'] },
];

export interface PairFigures {
  readonly run: string;
  readonly browser: string;
  readonly server: string;
  /** What the browser got: the page, or the error its connect returned. */
  readonly result: string;
  /** The request the server printed for this browser ('' for none sent), or null if it accepted none. */
  readonly serverSaw: string | null;
  /** AVC denials about this pair: "host: permission × n". */
  readonly denials: string;
}

function pairs(runName: string, run: Run): PairFigures[] {
  const out: PairFigures[] = [];
  const avc = run.records.filter((r) => r.ev === 'avc' && field(r, 'decision') === 'denied');
  for (const b of BROWSER_DOMAINS) {
    for (const s of SERVERS) {
      const own = (b.name === 'internal') === (s.host === 'intranet');
      const failure = run.lines.find((l) => l.startsWith(`desk/${b.name}: expectation failed`));
      const page = run.lines.find((l) => l.startsWith(`desk/${b.name}: 200 OK`));
      // A crossed pair is the script's `expect EACCES connect`: no failure line means connect returned EACCES.
      const result = own ? (page !== undefined ? '200 OK' : 'no page')
        : (failure !== undefined ? /got (\S+)$/.exec(failure)?.[1] ?? failure : 'EACCES');
      const served = run.lines.find((l) => l.startsWith(`${s.host}/httpd:`) && l.endsWith(`:${b.domain}`));
      const serverSaw = served === undefined ? null : served.slice(`${s.host}/httpd: `.length, served.lastIndexOf(' from ')).trim();
      const counts = new Map<string, number>();
      for (const r of avc) {
        const types = [typeOf(field(r, 'scontext')), typeOf(field(r, 'tcontext'))];
        if (!types.includes(b.domain) || !s.types.some((t) => types.includes(t))) continue;
        const key = `${String(field(r, 'host'))}: ${(field(r, 'perms') as string[]).join(' ')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const denials = [...counts].map(([k, n]) => `${k} × ${n}`).join(', ') || 'none';
      out.push({ run: runName, browser: b.domain, server: s.host, result, serverSaw, denials });
    }
  }
  return out;
}

export interface WireFigures {
  readonly run: string;
  readonly exitCode: number;
  /** SYNs the desk put on the wire (sent or lost) to each server, init's QUIT connections included. */
  readonly synsToIntranet: number;
  readonly synsToInternet: number;
  /** AVC denials each host logged. */
  readonly denialsDesk: number;
  readonly denialsIntranet: number;
  readonly denialsInternet: number;
  readonly virtualMs: string;
}

function wire(runName: string, run: Run): WireFigures {
  const transmitted = (r: TraceRecord): boolean => r.ev === 'net' && (r.op === 'send' || r.op === 'drop');
  const syns = (addr: string): number => run.records.filter((r) => transmitted(r) && field(r, 'host') === 'desk'
    && field(r, 'dst') === addr && field(r, 'flags') === TH_SYN).length;
  const denials = (host: string): number => run.records.filter((r) => r.ev === 'avc' && field(r, 'decision') === 'denied' && field(r, 'host') === host).length;
  return {
    run: runName, exitCode: run.exitCode, synsToIntranet: syns('10.0.0.2'), synsToInternet: syns('198.51.100.7'),
    denialsDesk: denials('desk'), denialsIntranet: denials('intranet'), denialsInternet: denials('internet'),
    virtualMs: /, ([0-9.]+) ms virtual time/.exec(run.lines.at(-1) ?? '')?.[1] ?? '?',
  };
}

export interface LossFigures {
  readonly loss: number;
  readonly seed: number;
  readonly exitCode: number;
  /** Frames put on the link (delivered or lost), by both hosts. */
  readonly framesSent: number;
  readonly framesLost: number;
  /** Transmissions of a SYN, FIN or data segment already sent once (same ends, sequence number and length). */
  readonly retransmissions: number;
  /** Distinct payload bytes the client's card received from the server: the page, once. */
  readonly pageBytes: number;
  /** The summary line's virtual time: when the last process exited. */
  readonly virtualMs: number;
}

function lossRun(loss: number, seed: number): LossFigures {
  const path = examplePath('network.boot');
  // `--set` names directives, not a link between two hosts: the lab edits the link line's loss= instead.
  const original = readFileSync(path, 'utf8');
  if (!LINK_LOSS.test(original)) throw new Error(`${NETWORK}: its link line has no loss= to change`);
  const text = original.replace(LINK_LOSS, `$1loss=${loss}`);
  const run = boot(path, seed, [], text);
  const sent = run.records.filter((r) => r.ev === 'net' && (r.op === 'send' || (r.op === 'drop' && field(r, 'why') === 'loss')));
  const seen = new Set<string>();
  let retransmissions = 0;
  for (const r of sent) {
    const flags = Number(field(r, 'flags'));
    if (Number(field(r, 'bytes')) === TCP_HEADER_BYTES && (flags & (TH_SYN | TH_FIN)) === 0) continue;
    const key = ['src', 'sport', 'dst', 'dport', 'seqNr', 'bytes'].map((k) => String(field(r, k))).join(' ') + ` ${flags & (TH_SYN | TH_FIN)}`;
    if (seen.has(key)) retransmissions++;
    else seen.add(key);
  }
  const page = new Map<number, number>();
  for (const r of run.records) {
    if (r.ev === 'net' && r.op === 'deliver' && field(r, 'host') === 'client') page.set(Number(field(r, 'seqNr')), Number(field(r, 'bytes')) - TCP_HEADER_BYTES);
  }
  return {
    loss, seed, exitCode: run.exitCode, framesSent: sent.length,
    framesLost: run.records.filter((r) => r.ev === 'net' && r.op === 'drop' && field(r, 'why') === 'loss').length,
    retransmissions, pageBytes: [...page.values()].reduce((a, b) => a + b, 0),
    virtualMs: Number(/, ([0-9.]+) ms virtual time/.exec(run.lines.at(-1) ?? '')?.[1] ?? NaN),
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export const labeledNetworkingLab: LabSpec = {
  name: 'labeled-networking',
  title: 'SELinux labeled networking across hosts, and a lossy link',
  doc: 'labeled-networking.md',
  plotDescription: 'TCP retransmissions vs link loss rate (network.boot, 5 seeds)',
  run() {
    const path = examplePath('selinux-browsers.boot');
    const enforcing = boot(path, 1, []);
    const permissive = boot(path, 1, ['security.mode=permissive']);
    const deskOnly = boot(path, 1, ['desk.security.mode=permissive']);
    const runs: [string, Run][] = [['enforcing', enforcing], ['permissive', permissive], ['desk permissive', deskOnly]];
    const pairFigures = runs.flatMap(([n, r]) => pairs(n, r));
    const wireFigures = runs.map(([n, r]) => wire(n, r));
    const pairsTable = mdTable(
      [{ title: 'run' }, { title: 'browser' }, { title: 'server' }, { title: "browser's result" }, { title: 'server saw' }, { title: 'AVC denials (host: permission × n)' }],
      pairFigures.map((p) => [p.run, p.browser, p.server, p.result, p.serverSaw === null ? '-' : p.serverSaw === '' ? '(empty request)' : `\`${p.serverSaw}\``, p.denials]),
    );
    const wireTable = mdTable(
      [{ title: 'run' }, { title: 'exit', align: 'right' }, { title: 'SYNs to intranet', align: 'right' }, { title: 'SYNs to internet', align: 'right' },
        { title: 'denials: desk', align: 'right' }, { title: 'intranet', align: 'right' }, { title: 'internet', align: 'right' }, { title: 'virtual ms', align: 'right' }],
      wireFigures.map((w) => [w.run, w.exitCode, w.synsToIntranet, w.synsToInternet, w.denialsDesk, w.denialsIntranet, w.denialsInternet, w.virtualMs]),
    );
    const lossFigures = LOSS_RATES.flatMap((loss) => SEEDS.map((seed) => lossRun(loss, seed)));
    const byLoss = LOSS_RATES.map((loss) => lossFigures.filter((f) => f.loss === loss));
    const lossTable = mdTable(
      [{ title: 'loss', align: 'right' }, { title: 'runs exit 0', align: 'right' }, { title: 'page bytes (min-max)', align: 'right' },
        { title: 'frames sent (mean)', align: 'right' }, { title: 'frames lost (mean)', align: 'right' }, { title: 'retransmissions (mean)', align: 'right' },
        { title: 'retransmissions (max)', align: 'right' }, { title: 'done at ms (mean)', align: 'right' }, { title: 'done at ms (max)', align: 'right' }],
      byLoss.map((fs) => {
        const bytes = fs.map((f) => f.pageBytes);
        return [fixed(fs[0]!.loss, 1), `${fs.filter((f) => f.exitCode === 0).length}/${fs.length}`, `${Math.min(...bytes)}-${Math.max(...bytes)}`,
          fixed(mean(fs.map((f) => f.framesSent)), 1), fixed(mean(fs.map((f) => f.framesLost)), 1),
          fixed(mean(fs.map((f) => f.retransmissions)), 1), Math.max(...fs.map((f) => f.retransmissions)),
          fixed(mean(fs.map((f) => f.virtualMs)), 1), fixed(Math.max(...fs.map((f) => f.virtualMs)), 1)];
      }),
    );
    const plot = lineChart({
      title: 'network.boot: TCP retransmissions vs link loss', xLabel: 'loss rate (fraction of frames lost)', yLabel: 'retransmitted segments',
      series: [
        ...SEEDS.map((seed) => ({ label: `seed ${seed}`, points: lossFigures.filter((f) => f.seed === seed).map((f) => [f.loss, f.retransmissions] as const) })),
        { label: 'mean', points: byLoss.map((fs) => [fs[0]!.loss, mean(fs.map((f) => f.retransmissions))] as const) },
      ],
    });
    return {
      sections: [
        { name: 'enforcing', title: 'Enforcing', text: fenced([`$ mksim boot ${BROWSERS}`, ...enforcing.lines]) },
        { name: 'permissive', title: 'Permissive everywhere', text: fenced([`$ mksim boot ${BROWSERS} --set security.mode=permissive`, ...permissive.lines]) },
        { name: 'pairs', title: 'Who reached whom, and who denied it', text: pairsTable },
        { name: 'wire', title: 'On the wire and in the logs, per run', text: wireTable },
        { name: 'lossy-link', title: `${NETWORK} over a lossy link (seeds ${SEEDS.join(', ')})`, text: lossTable },
      ],
      data: { pairs: pairFigures, wire: wireFigures, loss: lossFigures },
      plot,
    };
  },
};
