/*
 * The timeline viewer's figures for `mksim bench trace`: a synthetic trace of N messages
 * exported as a timeline (bench/trace-synth.ts, cli/trace/timeline.ts), opened in headless
 * Chromium (Debian's, through playwright-core, a dev dependency loaded only here).
 *   viewerFigures(messages, runs)   -> { firstPaintMs[], lastMessageMs[], heapMB[], buffersMB[] } per run, or a reason it cannot run
 * firstPaintMs: navigation start to the first frame with its chunks and spans all drawn
 * (performance.now in the page); lastMessageMs: from then to End's last message shown;
 * heapMB: the page's JS heap after a collection (CDP Runtime.getHeapUsage, usedSize); buffersMB:
 * its ArrayBuffers' backing stores (backingStorageSize: the loaded chunks and spans).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimelineExport } from '../cli/trace/timeline.js';
import { synthesizeTrace } from './trace-synth.js';

const CHROMIUM = '/usr/bin/chromium';
/** Opening 10 M messages on a loaded machine: generous, but a hang still ends. */
const PAGE_TIMEOUT_MS = 600_000;

export interface ViewerRuns {
  readonly messages: number;
  readonly firstPaintMs: number[];
  readonly lastMessageMs: number[];
  readonly heapMB: number[];
  readonly buffersMB: number[];
}

export async function viewerFigures(messagesWanted: number, runs: number): Promise<ViewerRuns | string> {
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM}`;
  let chromium: typeof import('playwright-core').chromium;
  try {
    // require, not import(): the bundle runs as a compiled script, where import() has no loader.
    ({ chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core'));
  } catch {
    return 'playwright-core (a dev dependency) is not installed';
  }
  const dir = mkdtempSync(join(tmpdir(), 'mksim-bench-viewer-'));
  try {
    const timeline = new TimelineExport(dir);
    const made = synthesizeTrace({ messages: messagesWanted, clients: 12 }, (rec) => timeline.add(rec));
    timeline.finish(`${made.messages} messages`);
    const out: ViewerRuns = { messages: made.messages, firstPaintMs: [], lastMessageMs: [], heapMB: [], buffersMB: [] };
    for (let run = 0; run < runs; run++) {
      // A fresh browser each run: nothing cached from the run before.
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
        await page.goto('file://' + join(dir, 'index.html'), { waitUntil: 'domcontentloaded' });
        // Page expressions as text: this file is compiled for Node, without the DOM's types.
        await page.waitForFunction('(window.mksimTimeline?.state.firstPaintMs ?? 0) > 0', undefined, { timeout: PAGE_TIMEOUT_MS });
        const firstPaintMs = await page.evaluate('window.mksimTimeline.state.firstPaintMs') as number;
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = await cdp.send('Runtime.getHeapUsage');
        const lastMs = await page.evaluate(`(async () => {
          const tl = window.mksimTimeline, started = performance.now();
          tl.goToLast();
          for (let i = 0; i < 6000 && tl.state.selected?.id !== ${made.messages}; i++) await new Promise((r) => setTimeout(r, 10));
          return tl.state.selected?.id === ${made.messages} ? performance.now() - started : -1;
        })()`) as number;
        if (lastMs < 0) throw new Error(`bench trace: the viewer did not reach message #${made.messages}`);
        out.firstPaintMs.push(firstPaintMs);
        out.lastMessageMs.push(lastMs);
        out.heapMB.push(heap.usedSize / 1e6);
        // The chunks' and spans' bytes are ArrayBuffers: outside the JS heap, in its backing stores.
        out.buffersMB.push(((heap as { backingStorageSize?: number }).backingStorageSize ?? 0) / 1e6);
      } finally {
        await browser.close();
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
