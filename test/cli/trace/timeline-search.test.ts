/*
 * Search and navigation in the timeline viewer (issue 19, "Search and navigation"), in headless
 * Chromium on a booted system's trace: search by #id, type, actor, payload text, errors and AVC
 * denials; the causal chain (next/previous, only this chain) and its breakdown against
 * `mksim trace --cause ID`; latency histograms against the JSONL; the view in the URL; export of a selection.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTimeline, viewTrace } from '../../../cli/commands/trace.js';
import type { TraceRecord } from '../../../kernel/index.js';
import { CHROMIUM, openOfflinePage } from '../../support/browser.js';
import { synthesizeTrace } from '../../../bench/trace-synth.js';
import { CHUNK_ROWS, TimelineExport } from '../../../cli/trace/timeline.js';
import { bootNetwork, bootTrace } from './boot-trace.js';
import { collectOutput, tempDir, tempTrace } from './helpers.js';

const POLICY = join(import.meta.dirname, '..', '..', '..', 'examples', 'policy', 'base.conf');
const SCRIPT = `disk disk0 create=2M block-size=1024 model=hp97560
fs root=disk0 cache=16
security policy=${POLICY} mode=enforcing
process init uid=0 context=system_u:system_r:init_t
    write /a.txt "hello"
    sync
    spawn user
    wait user
process user uid=0 context=user_u:user_r:user_t
    setenforce 0
    cat /nosuch
`;

interface Msg { ev: string; id: number; src: string; dst: string; type: string; cause: number | null; re?: number; msg?: Record<string, unknown>; t: number; async?: boolean }
const newMessages = (records: readonly TraceRecord[]): Msg[] => records.filter((r) => r.ev === 'send' || r.ev === 'reply' || r.ev === 'notify') as unknown as Msg[];

/** `mksim trace FILE --cause ID --all --no-wrap`, as lines. */
async function causeLines(path: string, id: number): Promise<string[]> {
  const out = collectOutput();
  await viewTrace(path, { cause: String(id), all: true, wrap: false }, out);
  return out.text().split('\n').filter((l) => l !== '');
}

/** A view line's time (µs with ns decimals) in ns. */
const lineNs = (line: string): number => {
  const [us, frac] = line.trim().split(/\s+/)[0]!.split('.');
  return Number(us) * 1000 + Number(frac);
};

describe.skipIf(!existsSync(CHROMIUM))('timeline viewer: search and navigation (in Chromium)', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const { path, records } = bootTrace(SCRIPT);
  const messages = newMessages(records);
  let dir: string;
  let url: string;

  beforeAll(async () => {
    ({ context, page } = await openOfflinePage({ width: 1400, height: 800 }, errors));
    dir = tempDir();
    await exportTimeline(path, { format: 'timeline', output: dir });
    url = 'file://' + join(dir, 'index.html');
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (window as unknown as { mksimTimeline: { meta(): unknown } }).mksimTimeline.meta() !== null);
  });

  const large: string[] = [];
  afterAll(async () => {
    await context?.close();
    for (const d of large) rmSync(d, { recursive: true, force: true });
  });

  async function search(text: string): Promise<{ ids: number[]; status: string }> {
    await page.fill('#search', text);
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => (window as unknown as { mksimSearch: { state: { done: boolean } } }).mksimSearch.state.done);
    const ids = await page.evaluate('window.mksimSearch.state.results.map((r) => r.id)') as number[];
    return { ids, status: (await page.textContent('#search-status'))! };
  }
  const selectedId = (): Promise<number | null> => page.evaluate('window.mksimTimeline.state.selected && window.mksimTimeline.state.selected.id') as Promise<number | null>;
  async function waitSelected(id: number): Promise<void> {
    await page.waitForFunction((want) => document.querySelector('#details h3')?.textContent?.startsWith(`#${want} `) === true, id);
  }

  it('finds messages by type, actor, payload text, errors and AVC denials; next and previous select each result', async () => {
    const gathers = messages.filter((m) => m.type === 'DEV_GATHER').map((m) => m.id);
    expect(gathers.length).toBeGreaterThan(1);
    let found = await search('type:DEV_GATHER');
    expect(found.ids).toEqual(gathers);
    // The first result is selected and centred; next and previous walk the list.
    await waitSelected(gathers[0]!);
    await page.click('#search-next');
    await waitSelected(gathers[1]!);
    expect(await page.textContent('#results li.current')).toContain(`#${gathers[1]} DEV_GATHER fs → disk0`);
    await page.click('#search-prev');
    await waitSelected(gathers[0]!);
    await page.click('#search-prev');
    await waitSelected(gathers[gathers.length - 1]!);
    expect(await page.locator('#results li').count()).toBe(gathers.length);

    found = await search('actor:disk0');
    expect(found.ids).toEqual(messages.filter((m) => m.src === 'disk0' || m.dst === 'disk0').map((m) => m.id));

    // Payload text: cat /nosuch's open and the FS's answer name it.
    found = await search('nosuch');
    const withText = messages.filter((m) => JSON.stringify(m.msg ?? {}).toLowerCase().includes('nosuch')).map((m) => m.id);
    expect(withText.length).toBeGreaterThanOrEqual(2);
    expect(found.ids).toEqual(withText);
    // The first result is selected: the status line says which of how many.
    expect(found.status).toBe(`result 1 of ${withText.length} for "nosuch"`);
    // key=value as the text view writes it, a whole value only.
    found = await search('fd=0');
    expect(found.ids).toEqual(messages.filter((m) => m.msg?.fd === 0).map((m) => m.id));

    // Errors: replies with a negative status (EACCES from security, ENOENT from the FS).
    found = await search('is:error');
    const failed = messages.filter((m) => m.ev === 'reply' && typeof m.msg?.status === 'number' && m.msg.status < 0);
    expect(failed.map((m) => m.msg!.status)).toEqual(expect.arrayContaining([-13, -2]));
    expect(found.ids).toEqual(failed.map((m) => m.id));

    // An AVC denial: the message whose handling was denied (security handling SEC_SET_ENFORCE).
    const denial = records.find((r) => r.ev === 'avc' && r.decision === 'denied')!;
    const handled = records.filter((r) => r.ev === 'deliver' && r.dst === denial.proc && r.t <= denial.t).at(-1)!;
    found = await search('is:avc');
    expect(found.ids).toEqual([handled.id]);
    expect(messages.find((m) => m.id === handled.id)!.type).toBe('SEC_SET_ENFORCE');
    // The denial's text is searchable too.
    expect((await search('setenforce')).ids).toContain(handled.id);

    found = await search(`#${gathers[1]}`);
    expect(found.ids).toEqual([gathers[1]]);
    await waitSelected(gathers[1]!);
    expect((await search('nothing-like-this')).status).toBe('no message matches "nothing-like-this"');
    expect(errors).toEqual([]);
  });

  it('follows the causal chain both ways, dims the rest, and breaks a disk request down as trace --cause does', async () => {
    // A request from init that reached the disk: the root of a DEV_GATHER's chain.
    const byId = new Map(messages.map((m) => [m.id, m]));
    // (sync's DEV_SCATTERs: the reads at boot are the FS's own, caused by nothing.)
    const gather = messages.find((m) => m.type.startsWith('DEV_') && m.cause !== null && records.some((r) => r.ev === 'disk' && r.cause === m.id))!;
    let root = gather;
    while (root.cause !== null) root = byId.get(root.cause)!;
    const lines = await causeLines(path, root.id);
    const chainIds = [...new Set(lines.map((l) => /\(#(\d+)/.exec(l)?.[1]).filter((x) => x !== undefined).map(Number))];

    await page.evaluate(`window.mksimTimeline.goToId(${gather.id})`);
    await waitSelected(gather.id);
    await page.waitForFunction(() => document.getElementById('chain-pos') !== null);
    const members = await page.evaluate('window.mksimSearch.chainState.chain.members.map((e) => e.m.id)') as number[];
    expect(await page.evaluate('window.mksimSearch.chainState.chain.rootId')).toBe(root.id);
    expect(members).toEqual(chainIds);
    const at = members.indexOf(gather.id);
    expect(await page.textContent('#chain-pos')).toBe(`${at + 1} of ${members.length}`);
    // Next and previous in the chain (buttons and ] [ keys); a "caused" link goes down.
    await page.click('#chain-next');
    await waitSelected(members[at + 1]!);
    await page.click('#chain-prev');
    await waitSelected(gather.id);
    await page.locator('#view').focus();
    await page.keyboard.press('[');
    await waitSelected(members[at - 1]!);
    await page.keyboard.press(']');
    await waitSelected(gather.id);

    // Only this chain: its messages drawn, the others dimmed.
    await page.check('#chain-only');
    const other = messages.find((m) => !chainIds.includes(m.id))!;
    expect(await page.evaluate(`window.mksimHooks.dimmed({ id: ${other.id}, src: 0 }, -1)`)).toBe(true);
    expect(await page.evaluate(`window.mksimHooks.dimmed({ id: ${gather.id}, src: 0 }, -1)`)).toBe(false);
    await page.uncheck('#chain-only');
    expect(await page.evaluate(`window.mksimHooks.dimmed({ id: ${other.id}, src: 0 }, -1)`)).toBe(false);

    // The breakdown of the root request, against trace --cause ROOT's own lines.
    await page.evaluate(`window.mksimTimeline.goToId(${root.id})`);
    await waitSelected(root.id);
    await page.waitForSelector('#breakdown');
    const b = await page.evaluate('window.mksimSearch.breakdown()') as Record<string, number>;
    const sentNs = new Map<number, number>();
    let queueNs = 0;
    let rttNs: number | null = null;
    const disk = { seekNs: 0, rotNs: 0, xferNs: 0, n: 0 };
    for (const l of lines) {
      const id = Number(/\(#(\d+)/.exec(l)?.[1]);
      if (/ (->|=>|~>|->>) /.test(l)) sentNs.set(id, lineNs(l));
      if (/ <- /.test(l)) queueNs += lineNs(l) - sentNs.get(id)!;
      const rtt = new RegExp(`re #${root.id}, rtt ([\\d.]+) µs`).exec(l);
      if (rtt !== null && rttNs === null) rttNs = Math.round(Number(rtt[1]) * 1000);
      if (l.includes('[disk] ')) {
        disk.n++;
        disk.seekNs += Number(/seekNs=(\d+)/.exec(l)![1]);
        disk.rotNs += Number(/rotNs=(\d+)/.exec(l)![1]);
        disk.xferNs += Number(/xferNs=(\d+)/.exec(l)![1]);
      }
    }
    expect(disk.n).toBeGreaterThan(0);
    expect(b).toMatchObject({ id: root.id, messages: chainIds.length, queueNs, seekNs: disk.seekNs, rotNs: disk.rotNs, xferNs: disk.xferNs, disk: disk.n, rttNs });
    expect(b.cpuNs).toBeGreaterThan(0);
    const table = (await page.textContent('#breakdown'))!;
    expect(table).toContain('disk rotation');
    expect(table).toContain('handler CPU');
    expect(errors).toEqual([]);
  });

  it('shows latency histograms per message type, computed at export, with the counts of the JSONL', async () => {
    // Independently: log2 buckets (0 ns: bucket 0; else floor(log2)+1) of send->delivery and request->reply.
    const bucket = (ns: number): number => (ns === 0 ? 0 : Math.floor(Math.log2(ns)) + 1);
    const want: Record<string, { queue: number[]; rtt: number[] }> = {};
    const add = (type: string, kind: 'queue' | 'rtt', ns: number): void => {
      want[type] ??= { queue: [], rtt: [] };
      const list = want[type]![kind];
      const k = bucket(ns);
      while (list.length <= k) list.push(0);
      list[k]!++;
    };
    const sent = new Map<number, Msg>();
    for (const r of records) {
      const m = r as unknown as Msg;
      if (r.ev === 'send' || r.ev === 'notify' || r.ev === 'reply') sent.set(m.id, m);
      if (r.ev === 'deliver') add(sent.get(m.id)!.type, 'queue', r.t - sent.get(m.id)!.t);
      if (r.ev === 'reply' && typeof m.re === 'number' && sent.get(m.re)?.ev === 'send' && sent.get(m.re)?.async !== true) add(sent.get(m.re)!.type, 'rtt', r.t - sent.get(m.re)!.t);
    }
    const got = await page.evaluate('window.mksimTimeline.meta().search.latency') as typeof want;
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [type, h] of Object.entries(want)) {
      expect(got[type]!.queue, type).toEqual(h.queue);
      expect(got[type]!.rtt, type).toEqual(h.rtt);
    }
    await page.click('#hist-toggle');
    await page.waitForSelector('#histograms h4');
    const fsOpen = want.FS_OPEN!;
    const total = (list: number[]): number => list.reduce((s, v) => s + v, 0);
    const shown = await page.locator('#histograms h4[data-type="FS_OPEN"] + table .total[data-kind="rtt"]').textContent();
    expect(Number(shown)).toBe(total(fsOpen.rtt));
    const fullest = fsOpen.rtt.indexOf(Math.max(...fsOpen.rtt));
    expect(await page.locator(`#histograms h4[data-type="FS_OPEN"] + table tr[data-kind="rtt"][data-bucket="${fullest}"] .num`).textContent()).toBe(String(fsOpen.rtt[fullest]));
    await page.click('#hist-toggle');
    expect(errors).toEqual([]);
  });

  it('keeps the time window, the selection and the search in the URL: a reload restores them', async () => {
    const target = messages.find((m) => m.type === 'FS_WRITEFD')!;
    await search('type:FS_WRITEFD');
    await page.evaluate(`window.mksimTimeline.goToId(${target.id})`);
    await waitSelected(target.id);
    await page.click('#zoom-out');
    await page.waitForFunction(() => /^#t=\d+,\d+&sel=\d+&q=/.test(location.hash) && location.hash.includes('type%3AFS_WRITEFD'));
    await page.waitForTimeout(100);
    const before = await page.evaluate('({ hash: location.hash, start: Math.round(window.mksimTimeline.state.startNs), end: Math.round(window.mksimTimeline.endNs()) })') as { hash: string; start: number; end: number };
    expect(before.hash).toBe(`#t=${before.start},${before.end}&sel=${target.id}&q=type%3AFS_WRITEFD`);

    await page.goto('about:blank');
    await page.goto(url + before.hash, { waitUntil: 'domcontentloaded' });
    await waitSelected(target.id);
    await page.waitForFunction(() => (window as unknown as { mksimSearch: { state: { done: boolean } } }).mksimSearch.state.done);
    const after = await page.evaluate('({ start: Math.round(window.mksimTimeline.state.startNs), end: Math.round(window.mksimTimeline.endNs()), sel: window.mksimTimeline.state.selected.id, q: document.getElementById("search").value, n: window.mksimSearch.state.results.length })') as Record<string, unknown>;
    expect(after).toEqual({ start: before.start, end: before.end, sel: target.id, q: 'type:FS_WRITEFD', n: messages.filter((m) => m.type === 'FS_WRITEFD').length });
    expect(errors).toEqual([]);
  });

  it('exports the visible window or the selected chain as JSONL and Mermaid, and the Perfetto command for its range', async () => {
    const gather = messages.find((m) => m.type.startsWith('DEV_') && m.cause !== null)!;
    await page.evaluate(`window.mksimTimeline.goToId(${gather.id})`);
    await waitSelected(gather.id);
    await page.waitForFunction(() => document.getElementById('chain-pos') !== null);
    const rootId = await page.evaluate('window.mksimSearch.chainState.chain.rootId') as number;

    // The chain as JSONL: a trace the tools read, with the messages trace --cause shows.
    const download = page.waitForEvent('download');
    await page.selectOption('#export-what', 'chain');
    await page.click('#export-jsonl');
    const file = await (await download).path();
    const jsonl = readFileSync(file, 'utf8');
    const exported = jsonl.trim().split('\n').map((l) => JSON.parse(l) as TraceRecord);
    expect(exported[0]).toMatchObject({ seq: 1, ev: 'header', format: 'mksim-trace' });
    expect(exported.map((r) => r.seq)).toEqual(exported.map((_, i) => i + 1));
    const original = await causeLines(path, rootId);
    const again = await causeLines(tempTrace(jsonl), rootId);
    const messageLines = (ls: string[]): string[] => ls.filter((l) => / (->|=>|~>|->>|<-) /.test(l));
    expect(messageLines(again)).toEqual(messageLines(original));
    // Every payload is there as it was.
    for (const r of exported.filter((x) => x.ev === 'send' || x.ev === 'reply')) expect(r.msg).toEqual(messages.find((m) => m.id === r.id)!.msg);

    // Mermaid of the chain: a sequenceDiagram, one arrow per message.
    const mermaid = await page.evaluate(`window.mksimSearch.exportText('mermaid', 'chain')`) as string;
    expect(mermaid.startsWith('sequenceDiagram\n')).toBe(true);
    const arrows = mermaid.split('\n').filter((l) => /^ {4}p\d+(->>|-->>|-\))p\d+: /.test(l));
    expect(arrows.length).toBe(exported.filter((r) => r.ev !== 'header' && r.ev !== 'deliver').length);
    expect(mermaid).toContain('participant p');

    // The visible window: the messages sent in it, and the command line for the same range.
    const windowText = await page.evaluate(`window.mksimSearch.exportText('jsonl', 'window')`) as string;
    const cmd = await page.evaluate(`window.mksimSearch.exportText('perfetto', 'window')`) as string;
    const m = /^mksim trace export boot\.jsonl --format perfetto --from (\d+)ns --to (\d+)ns -o boot-\1-\2\.pftrace$/.exec(cmd);
    expect(m).not.toBeNull();
    const [fromNs, toNs] = [Number(m![1]), Number(m![2])];
    const inWindow = messages.filter((x) => x.t >= fromNs && x.t <= toNs).map((x) => x.id);
    const windowIds = windowText.trim().split('\n').map((l) => JSON.parse(l) as TraceRecord).filter((r) => r.ev !== 'header' && r.ev !== 'deliver').map((r) => r.id);
    expect(inWindow.length).toBeGreaterThan(0);
    expect(windowIds).toEqual(inWindow);
    expect(await page.textContent('#export-note')).toBe(cmd);
    expect(errors).toEqual([]);
  });

  it('a run of two hosts: #id finds that id on each host; a chain stays on its host', async () => {
    const net = bootNetwork();
    const netDir = tempDir();
    await exportTimeline(net.path, { format: 'timeline', output: netDir });
    await page.goto('file://' + join(netDir, 'index.html'), { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (window as unknown as { mksimTimeline: { meta(): unknown } }).mksimTimeline.meta() !== null);
    const sends = newMessages(net.records) as (Msg & { host: string })[];
    const serverIds = new Set(sends.filter((m) => m.host === 'server').map((m) => m.id));
    const shared = sends.find((m) => m.host === 'client' && serverIds.has(m.id) && m.cause !== null)!;
    const found = await search(`#${shared.id}`);
    expect(found.ids).toEqual([shared.id, shared.id]);
    const labels = await page.evaluate('window.mksimSearch.state.results.map((r) => r.text)') as string[];
    expect(labels.map((l) => l.split(' ')[2]!.split('/')[0])).toEqual(['server', 'client']);
    await page.click('#search-next');
    await page.waitForFunction(() => document.getElementById('chain-pos') !== null && /from\s*client\//.test(document.getElementById('details')!.textContent!));
    const members = await page.evaluate('window.mksimSearch.chainState.chain.members.map((e) => window.mksimTimeline.meta().lanes[e.m.src])') as string[];
    expect(members.length).toBeGreaterThan(1);
    expect(members.every((l) => l.startsWith('client/'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a selection too large for Mermaid stops under its 50,000 characters with a note; a window over 4 chunks is refused', async () => {
    const big = tempDir();
    large.push(big);
    const timeline = new TimelineExport(big);
    const made = synthesizeTrace({ messages: 4 * CHUNK_ROWS + 5000, clients: 4 }, (rec) => timeline.add(rec));
    timeline.finish('synth.jsonl');
    await page.goto('file://' + join(big, 'index.html'), { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (window as unknown as { mksimTimeline: { meta(): unknown } }).mksimTimeline.meta() !== null);
    // Opened on the first chunk's span: a window of thousands of messages.
    const mermaid = await page.evaluate(`window.mksimSearch.exportText('mermaid', 'window')`) as string;
    const jsonl = await page.evaluate(`window.mksimSearch.exportText('jsonl', 'window')`) as string;
    const inWindow = jsonl.trim().split('\n').filter((l) => !l.includes('"ev":"header"') && !l.includes('"ev":"deliver"')).length;
    expect(inWindow).toBeGreaterThan(1000);
    expect(mermaid.length).toBeLessThanOrEqual(50_000);
    const arrows = mermaid.split('\n').filter((l) => /^ {4}p\d+(->>|-->>|-\))p\d+: /.test(l)).length;
    const note = /Note over p\d+,p\d+: … (\d+) more not shown \(Mermaid's 50000 character limit\)\n$/.exec(mermaid);
    expect(note).not.toBeNull();
    expect(arrows + Number(note![1])).toBe(inWindow);
    // The whole trace in view: five chunks, more than an export of a window takes.
    await page.locator('#view').focus();
    await page.keyboard.press('0');
    expect(await page.evaluate(`window.mksimSearch.exportText('jsonl', 'window')`)).toBeNull();
    expect(await page.textContent('#export-note')).toBe(`the window holds 5 chunks of ${CHUNK_ROWS} messages: zoom in to at most 4`);
    expect(made.messages).toBe(4 * CHUNK_ROWS + 5000);
    expect(errors).toEqual([]);
  }, 120_000);
});
