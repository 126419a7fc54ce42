/*
 * The timeline viewer's spans, overview and lanes in headless Chromium (issue 19, timeline
 * items 1-2): a click on a span bar shows that span as the sidecar has it (state, actor,
 * times, on whom; a handling span's request link leads to the request), a drag on the
 * overview zooms to the dragged range, lanes move (buttons, drag) and fold (per lane, per
 * host). Screenshots go to docs/img/ when UPDATE_SCREENSHOTS=1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { exportTimeline } from '../../../cli/commands/trace.js';
import type { TimelineMeta } from '../../../cli/trace/timeline.js';
import { BLOCKED, decodeSpans, HANDLING, type Span } from '../../../cli/trace/timeline-spans.js';
import { CHROMIUM, openOfflinePage } from '../../support/browser.js';
import { bootNetwork } from './boot-trace.js';
import { tempDir } from './helpers.js';

const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', '..', 'docs', 'img') : tempDir();
const tl = 'window.mksimTimeline';

function spansOf(dir: string): Span[] {
  const text = readFileSync(join(dir, 'spans', '000000.js'), 'utf8') + readFileSync(join(dir, 'spans', 'long.js'), 'utf8');
  return [...text.matchAll(/"([A-Za-z0-9+/=]*)"/g)].flatMap((m) => decodeSpans(Buffer.from(m[1]!, 'base64')));
}

/** The viewer's own time format (fmt in timeline-viewer.ts), to read the details panel. */
function fmt(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return (ns / 1e9).toFixed(3) + ' s';
  if (a >= 1e6) return (ns / 1e6).toFixed(3) + ' ms';
  if (a >= 1e3) return (ns / 1e3).toFixed(3) + ' µs';
  return ns.toFixed(0) + ' ns';
}

describe.skipIf(!existsSync(CHROMIUM))('timeline viewer: spans, overview, lanes (in Chromium)', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let dir = '';
  let meta: TimelineMeta;

  beforeAll(async () => {
    ({ context, page } = await openOfflinePage({ width: 1400, height: 700 }, errors));
    const path = join(tempDir(), 'fs.jsonl');
    expect(bootScript('examples/fs-tour.boot', { seed: '1', trace: path, traceDetail: 'full' }, () => {}, () => {})).toBe(0);
    dir = tempDir();
    meta = await exportTimeline(path, { format: 'timeline', output: dir });
  });

  afterAll(async () => {
    await context?.close();
  });

  const open = async (d: string): Promise<void> => {
    await page.goto('file://' + join(d, 'index.html'), { waitUntil: 'domcontentloaded' });
    await settled();
  };
  const settled = (): Promise<unknown> => page.waitForFunction(() => {
    const v = (window as unknown as { mksimTimeline?: { meta(): unknown; state: { pending: boolean } } }).mksimTimeline;
    return v !== undefined && v.meta() !== null && !v.state.pending && document.getElementById('view')!.dataset.loading === '0';
  }, undefined, { timeout: 30_000 });
  const view = async (): Promise<[number, number]> => page.evaluate(`[${tl}.state.startNs, ${tl}.endNs()]`) as Promise<[number, number]>;
  const rowNames = async (): Promise<string[]> => (await page.locator('#view').getAttribute('data-rows'))!.split('|');
  /** Click at time tNs on a lane, dy px below its centre line. */
  const clickAt = async (lane: number, tNs: number, dy: number): Promise<void> => {
    const at = await page.evaluate(`${tl}.laneRowY(${lane})`) as { y: number; x: number };
    const [a, b] = await view();
    const box = (await page.locator('#canvas').boundingBox())!;
    const widthPx = box.width - at.x;
    await page.mouse.click(box.x + at.x + (tNs - a) / (b - a) * widthPx, box.y + at.y + dy);
  };

  it('a click on a span bar shows that span: blocked on whom, and a handling span\'s request', async () => {
    await open(dir);
    const spans = spansOf(dir);
    const clock = meta.lanes.indexOf('clock');
    // The clock waiting for its next request: a long blocked span on receive from ANY.
    const blocked = spans.filter((s) => s.lane === clock && s.state === BLOCKED && s.on === 2).sort((p, q) => (q.endNs - q.startNs) - (p.endNs - p.startNs))[0]!;
    expect(meta.peers[blocked.peer]).toBe('ANY');
    const mid = Math.floor((blocked.startNs + blocked.endNs) / 2);
    await page.evaluate(`${tl}.zoomTo(${mid - 2000}, ${mid + 2000})`);
    await settled();
    await clickAt(clock, mid, 6);
    await page.waitForSelector('#details h3.span-title');
    expect(await page.textContent('#details h3')).toBe('blocked on ANY');
    const text = await page.textContent('#details table');
    expect(text).toBe(`actorclockfrom${fmt(blocked.startNs)}to${fmt(blocked.endNs)}for${fmt(blocked.endNs - blocked.startNs)}onreceive from ANY`);

    // fs handling a request: the bar below the state bar; its link goes to the request.
    const fs = meta.lanes.indexOf('fs');
    const handling = spans.filter((s) => s.lane === fs && s.state === HANDLING).sort((p, q) => (q.endNs - q.startNs) - (p.endNs - p.startNs))[0]!;
    await page.evaluate(`${tl}.zoomTo(${handling.startNs - (handling.endNs - handling.startNs) * 0.2}, ${handling.endNs + (handling.endNs - handling.startNs) * 0.2})`);
    await settled();
    // A point on the bar away from every arrow (arrows are picked first).
    const freeT = await page.evaluate(`(() => {
      const S = ${tl}.state, at = ${tl}.laneRowY(${fs}), y = at.y + 11;
      for (const s of S.spansDrawn) {
        if (s.y1 > y || s.y2 < y) continue;
        for (let px = s.x1 + 1; px < s.x2 - 1; px += 2) {
          if (S.drawn.every((d) => { const dx = d.x2 - d.x1, dy = d.y2 - d.y1, l = dx * dx + dy * dy, u = l === 0 ? 0 : Math.max(0, Math.min(1, ((px - d.x1) * dx + (y - d.y1) * dy) / l));
            return (d.x1 + u * dx - px) ** 2 + (d.y1 + u * dy - y) ** 2 > 64; })) return S.startNs + (px - at.x) * S.nsPerPx;
        }
      }
      return null;
    })()`) as number | null;
    expect(freeT).not.toBeNull();
    await clickAt(fs, freeT!, 11);
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === 'handling');
    const shown = await page.textContent('#details table');
    expect(shown).toMatch(/^actorfsfrom/);
    // The bar clicked is one of fs's handling spans, as the sidecar has it.
    const ref = Number(/request#(\d+) from/.exec(shown!)![1]);
    const span = spans.find((s) => s.lane === fs && s.state === HANDLING && s.ref === ref)!;
    expect(shown).toBe(`actorfsfrom${fmt(span.startNs)}to${fmt(span.endNs)}for${fmt(span.endNs - span.startNs)}request#${ref} from ${meta.peers[span.peer]}`);
    // For docs/tracing.md: alice's first requests, with the span just clicked in the details.
    const aliceStart = Math.min(...spans.filter((s) => s.lane === meta.lanes.indexOf('alice')).map((s) => s.startNs));
    await page.evaluate(`${tl}.zoomTo(${aliceStart - 2000}, ${aliceStart + 16000})`);
    await settled();
    await page.screenshot({ path: join(SHOTS, 'trace-timeline-spans.png') });
    await page.locator(`#details a[data-id="${ref}"]`).click();
    await page.waitForFunction((id) => document.querySelector('#details h3')?.textContent?.startsWith(`#${id} `) === true, ref);
    expect(await page.textContent('#details')).toMatch(new RegExp(`from\\s*${meta.peers[span.peer]}\\s*to\\s*fs`));
    expect(errors).toEqual([]);
  });

  it('the overview strip: a drag zooms to the dragged range, a click centres there', async () => {
    await open(dir);
    const box = (await page.locator('#overview').boundingBox())!;
    // The strip maps [0, endNs] onto its width less 8 px each side.
    const timeAt = (px: number): number => (px - 8) / (box.width - 16) * meta.endNs;
    await page.mouse.move(box.x + 300, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 360, box.y + 20, { steps: 4 });
    await page.mouse.move(box.x + 420, box.y + 20, { steps: 4 });
    await page.mouse.up();
    await settled();
    const [a, b] = await view();
    expect(Math.abs(a - timeAt(300))).toBeLessThan(meta.endNs / 1000);
    expect(Math.abs(b - timeAt(420))).toBeLessThan(meta.endNs / 1000);
    // A click centres the same width on the point clicked.
    await page.mouse.click(box.x + 700, box.y + 20);
    await settled();
    const [c, d] = await view();
    expect(d - c).toBeCloseTo(b - a, -1);
    expect(Math.abs((c + d) / 2 - timeAt(700))).toBeLessThan(meta.endNs / 1000);
    // fit: the whole trace again.
    await page.locator('#fit').click();
    await settled();
    const [e, f] = await view();
    expect(e).toBeLessThanOrEqual(0);
    expect(f).toBeGreaterThanOrEqual(meta.endNs);
    expect(errors).toEqual([]);
  });

  it('lanes move with the buttons and by dragging a name, and fold to a thin row', async () => {
    await open(dir);
    const before = await rowNames();
    const fs = meta.lanes.indexOf('fs');
    const at = (await page.evaluate(`${tl}.laneRowY(${fs})`)) as { y: number };
    const box = (await page.locator('#canvas').boundingBox())!;
    await page.mouse.click(box.x + 50, box.y + at.y);
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === 'lane fs');
    await page.locator('button[data-lane-act="up"]').click();
    await settled();
    const i = before.indexOf('fs');
    const up = [...before];
    [up[i - 1], up[i]] = [up[i]!, up[i - 1]!];
    expect(await rowNames()).toEqual(up);
    await page.locator('button[data-lane-act="down"]').click();
    await settled();
    expect(await rowNames()).toEqual(before);
    // Drag alice's name above clock (the first row).
    const alice = meta.lanes.indexOf('alice');
    const from = (await page.evaluate(`${tl}.laneRowY(${alice})`)) as { y: number };
    const to = (await page.evaluate(`${tl}.laneRowY(${meta.lanes.indexOf(before[0]!)})`)) as { y: number };
    await page.mouse.move(box.x + 50, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + 50, box.y + (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(box.x + 50, box.y + to.y - 8, { steps: 5 });
    await page.mouse.up();
    await settled();
    expect(await rowNames()).toEqual(['alice', ...before.filter((n) => n !== 'alice')]);
    // Fold fs: its row shrinks, its name stays; unfold with its button.
    await page.mouse.click(box.x + 8, box.y + ((await page.evaluate(`${tl}.laneRowY(${fs})`)) as { y: number }).y);
    await settled();
    expect(((await page.evaluate(`${tl}.laneRowY(${fs})`)) as { h: number }).h).toBe(14);
    expect(await rowNames()).toContain('fs');
    await page.evaluate(`${tl}.foldLane(${fs})`);
    await settled();
    expect(((await page.evaluate(`${tl}.laneRowY(${fs})`)) as { h: number }).h).toBe(30);
    expect(errors).toEqual([]);
  });

  it('two hosts: a click on a host\'s header folds its lanes into it, and its arrows end there', async () => {
    const { path } = bootNetwork();
    const d = tempDir();
    const m = await exportTimeline(path, { format: 'timeline', output: d });
    await open(d);
    const names = await rowNames();
    expect(names[0]).toBe('server');
    const box = (await page.locator('#canvas').boundingBox())!;
    await page.mouse.click(box.x + 40, box.y + 30 + 15);
    await settled();
    const rows = await page.evaluate(`${tl}.rows().map((r) => r.host !== undefined ? '#' + r.host : ${tl}.meta().lanes[r.lane])`) as string[];
    expect(rows.filter((r) => r.startsWith('server/'))).toEqual([]);
    expect(rows.filter((r) => r.startsWith('client/')).length).toBe(m.lanes.filter((l) => l.startsWith('client/')).length);
    // A server lane's arrows end on the server's header row.
    const header = (await page.evaluate(`${tl}.laneRowY(${m.lanes.indexOf('server/fs')})`)) as { y: number };
    expect(header.y).toBe(30 + 15);
    await page.mouse.click(box.x + 40, box.y + 30 + 15);
    await settled();
    expect((await rowNames()).slice(0, 2)).toEqual(names.slice(0, 2));
    expect(errors).toEqual([]);
  });
});
