/*
 * The timeline viewer (trace export --format timeline -o DIR) in headless Chromium
 * (Debian's chromium, driven by playwright-core): tracks per actor, arrows on a time
 * axis, chunks loaded on demand, and a 2,000,000-message trace whose last message is
 * reached (issue 19 item 3, finding 1). Screenshots go to docs/img/ when UPDATE_SCREENSHOTS=1.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, openOfflinePage } from '../../support/browser.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { synthesizeTrace } from '../../../bench/trace-synth.js';
import { exportTimeline } from '../../../cli/commands/trace.js';
import { CHUNK_ROWS, TimelineExport } from '../../../cli/trace/timeline.js';
import { FIXTURES, tempDir } from './helpers.js';
import { bootNetwork } from './boot-trace.js';

const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', '..', 'docs', 'img') : tempDir();

interface Timeline {
  state: { drawn: unknown[]; selected: { id: number } | null; laneTop: number };
  goToId(id: number): void;
  goToLast(): void;
  meta(): { total: number; lanes: string[]; chunks: unknown[] } | null;
  loadedChunks(): number;
}
const tl = 'window.mksimTimeline';

describe.skipIf(!existsSync(CHROMIUM))('mksim trace export --format timeline (in Chromium)', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ context, page } = await openOfflinePage({ width: 1400, height: 700 }, errors));
  });

  /** The 2 M export's directory (a few hundred MB with its sidecars): removed after the run. */
  const large: string[] = [];
  afterAll(async () => {
    await context?.close();
    for (const dir of large) rmSync(dir, { recursive: true, force: true });
  });

  const settled = (): Promise<unknown> => page.waitForFunction(() => {
    const v = (window as unknown as { mksimTimeline?: Timeline }).mksimTimeline;
    return v !== undefined && v.meta() !== null && document.getElementById('view')!.dataset.loading === '0' && v.state.drawn.length > 0;
  }, undefined, { timeout: 30_000 });

  it('draws the small trace as arrows between actor tracks; a cause link goes there, or says it was filtered out', async () => {
    const dir = tempDir();
    const meta = await exportTimeline(join(FIXTURES, 'small.jsonl'), { format: 'timeline', output: dir });
    expect(meta.total).toBe(60);
    expect(meta.lanes).toEqual(expect.arrayContaining(['clock', 'disk', 'fs', 'alice', 'bob']));
    await page.goto('file://' + join(dir, 'index.html'), { waitUntil: 'domcontentloaded' });
    await settled();
    expect(await page.textContent('#status')).toContain('of 60 messages drawn');
    // DEV_READ #2 was caused by alice's READ #1.
    await page.evaluate(`${tl}.goToId(2)`);
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === '#2 DEV_READ');
    expect(await page.textContent('#details')).toMatch(/from\s*fs\s*to\s*disk/);
    await page.locator('#details a[data-id="1"]').click();
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === '#1 READ');
    expect(await page.textContent('#details')).toContain('nothing: a root');
    await page.screenshot({ path: join(SHOTS, 'trace-timeline-small.png') });

    // Only the DEV_READs exported: the READ that caused one is not in the export, and its link says so.
    const late = tempDir();
    await exportTimeline(join(FIXTURES, 'small.jsonl'), { format: 'timeline', output: late, type: ['DEV_READ'] });
    await page.goto('file://' + join(late, 'index.html'), { waitUntil: 'domcontentloaded' });
    await settled();
    await page.evaluate(`${tl}.goToId(2)`);
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === '#2 DEV_READ');
    await page.locator('#details a[data-id="1"]').click();
    await page.waitForSelector('#chain-note');
    expect(await page.textContent('#chain-note')).toBe('message #1 is not in this export (left out by its filters, or never sent)');
    await page.evaluate(`${tl}.goToId(999999)`);
    await page.waitForSelector('#chain-note');
    expect(await page.textContent('#chain-note')).toContain('#999999 is not in this export');
    expect(errors).toEqual([]);
  });

  it('opens 2,000,000 messages, loads only the chunks in view, reaches the last message, searches and follows a chain', async () => {
    const dir = tempDir();
    // ~280 MB: gone when the test ends, pass or fail.
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const timeline = new TimelineExport(dir);
    // For the search below: the messages naming each block, and the last READ with its reply.
    const byBlock = new Map<number, number[]>();
    let last = { read: 0, block: 0, sentNs: 0, reply: 0, replyNs: 0 };
    const made = synthesizeTrace({ messages: 2_000_000, clients: 12 }, (rec) => {
      timeline.add(rec);
      const block = (rec.msg as { block?: number } | undefined)?.block;
      if (rec.ev === 'send' && typeof block === 'number') {
        byBlock.set(block, [...byBlock.get(block) ?? [], rec.id as number]);
        if (rec.type === 'READ') last = { read: rec.id as number, block, sentNs: rec.t, reply: 0, replyNs: 0 };
      }
      if (rec.ev === 'reply' && rec.re === last.read) last = { ...last, reply: rec.id as number, replyNs: rec.t };
    });
    const wanted = byBlock.get(last.block)!;
    const meta = timeline.finish('2M');
    expect(meta.total).toBe(made.messages);
    expect(meta.chunks.length).toBe(Math.ceil(made.messages / CHUNK_ROWS));
    // No one file holds the trace: the page and its index are small, the chunks bounded.
    expect(statSync(join(dir, 'index.html')).size).toBeLessThan(100_000);
    for (const f of readdirSync(join(dir, 'chunks')).slice(0, 3)) expect(statSync(join(dir, 'chunks', f)).size).toBeLessThan(CHUNK_ROWS * 40 * 1.4 + 100);

    await page.goto('file://' + join(dir, 'index.html'), { waitUntil: 'domcontentloaded' });
    await settled();
    expect(await page.textContent('#status')).toContain('of 2,000,000 messages drawn');
    // 15 actors in 700 px: the lanes past the window are reached by scrolling, names kept at the left.
    await page.locator('#view').focus();
    await page.keyboard.press('End');
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent?.startsWith(`#${id} `) === true, made.messages);
    await settled();
    expect(await page.evaluate(`${tl}.state.selected.id`)).toBe(made.messages);
    expect(await page.evaluate(`${tl}.loadedChunks()`)).toBeLessThanOrEqual(12);
    expect(await page.textContent('#details')).toContain('READ_REPLY');
    // Follow its chain back to the request it answers.
    await page.locator('#details a[data-id]').click();
    await page.waitForFunction(() => /READ$/.test(document.querySelector('#details h3')?.textContent ?? ''));
    await settled();
    await page.screenshot({ path: join(SHOTS, 'trace-timeline-2m.png') });

    // Search the payloads of all 31 chunks: a progress line while it scans, Escape cancels it.
    const query = `block=${last.block}`;
    await page.fill('#search', query);
    await page.press('#search', 'Enter');
    await page.waitForFunction((q) => new RegExp(`^searching "${q}": chunk ([2-9]|\\d\\d) of 31, \\d+ found \\(Esc cancels\\)$`).test(document.getElementById('search-status')!.textContent!), query);
    await page.press('#search', 'Escape');
    expect(await page.textContent('#search-status')).toMatch(new RegExp(`^search for "${query}" cancelled: \\d+ found before$`));
    expect(await page.evaluate('window.mksimSearch.state.done')).toBe(true);
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => (window as unknown as { mksimSearch: { state: { done: boolean } } }).mksimSearch.state.done, undefined, { timeout: 120_000 });
    const found = await page.evaluate('window.mksimSearch.state.results.map((r) => r.id)') as number[];
    expect(found).toEqual(wanted);
    expect(await page.evaluate(`${tl}.loadedChunks()`)).toBeLessThanOrEqual(12);
    // Follow a chain: the last READ of that block, as a result: selected, its send time inside the window.
    const read = last.read;
    expect(found.indexOf(read)).toBeGreaterThan(0);
    await page.evaluate(`window.mksimSearch.show(${found.indexOf(read)})`);
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent === `#${id} READ`, read);
    const [fromNs, toNs] = await page.evaluate(`[${tl}.state.startNs, ${tl}.endNs()]`) as number[];
    expect(fromNs).toBeLessThan(last.sentNs);
    expect(toNs).toBeGreaterThan(last.sentNs);
    expect(await page.evaluate('window.mksimSearch.state.cursor')).toBe(found.indexOf(read));
    await page.waitForSelector('#breakdown');
    // (The synthetic trace's cache always hits: a READ's chain is the READ and its reply.)
    expect(await page.evaluate('window.mksimSearch.breakdown()')).toMatchObject({ id: read, messages: 2, rttNs: last.replyNs - last.sentNs, disk: 0 });
    expect(await page.textContent('#chain-pos')).toBe('1 of 2');
    await page.click('#chain-next');
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent === `#${id} READ_REPLY`, last.reply);
    expect(await page.textContent('#chain-pos')).toBe('2 of 2');
    await page.click('#chain-prev');
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent === `#${id} READ`, read);
    expect(errors).toEqual([]);
  }, 360_000);

  it('a run of two hosts: each host\'s lanes under a header row; ids found on their own host', async () => {
    const { path, records } = bootNetwork();
    const dir = tempDir();
    const meta = await exportTimeline(path, { format: 'timeline', output: dir });
    expect(meta.hosts).toEqual(['server', 'client']);
    expect(meta.lanes).toEqual(expect.arrayContaining(['client/browser', 'server/httpd', 'client/fs', 'server/fs']));
    await page.goto('file://' + join(dir, 'index.html'), { waitUntil: 'domcontentloaded' });
    await settled();
    const rows = await page.evaluate(`${tl}.rows().map((r) => r.host !== undefined ? '#' + r.host : ${tl}.meta().lanes[r.lane])`) as string[];
    // A header per host, then exactly that host's lanes.
    expect(rows.filter((r) => r.startsWith('#'))).toEqual(['#server', '#client']);
    const at = rows.indexOf('#client');
    expect(rows.slice(1, at).every((r) => r.startsWith('server/'))).toBe(true);
    expect(rows.slice(at + 1).every((r) => r.startsWith('client/'))).toBe(true);
    expect(rows.length).toBe(meta.lanes.length + 2);
    // The drawn names: the header, then actors without their host.
    const drawn = (await page.locator('#view').getAttribute('data-rows'))!.split('|');
    expect(drawn[0]).toBe('server');
    expect(drawn.slice(1, 4).every((n) => !n.includes('/'))).toBe(true);
    // Message ids repeat across hosts: #id on host 1 (client) is the client's message.
    const clientSends = records.filter((r) => r.ev === 'send' && r.host === 'client');
    const serverIds = new Set(records.filter((r) => r.ev === 'send' && r.host === 'server').map((r) => r.id));
    const shared = clientSends.find((r) => serverIds.has(r.id) && typeof r.cause === 'number')!;
    await page.evaluate(`${tl}.goToId(${shared.id as number}, 1)`);
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent?.startsWith(`#${id} `) === true, shared.id);
    expect(await page.textContent('#details')).toContain(`from${'client/' + String(shared.src)}`);
    await page.evaluate(`${tl}.goToId(${shared.id as number}, 0)`);
    await page.waitForFunction(() => /from\s*server\//.test(document.getElementById('details')!.textContent ?? ''));
    // Its cause link stays on its host.
    await page.evaluate(`${tl}.goToId(${shared.id as number}, 1)`);
    await page.waitForFunction(() => /from\s*client\//.test(document.getElementById('details')!.textContent ?? ''));
    await page.locator('#details a[data-id]').click();
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent?.startsWith(`#${id} `) === true, shared.cause);
    expect(await page.textContent('#details')).toMatch(/from\s*client\//);
    await page.screenshot({ path: join(SHOTS, 'trace-timeline-hosts.png') });
    expect(errors).toEqual([]);
  });
});
