/*
 * Export a trace as one self-contained HTML viewer (no network): the data as
 * JSON inside the page, the viewer's script and style inline.
 *   HtmlExport       add(rec) for each record, then page(title)
 *   ViewerData       what the page embeds: lanes, types, messages as rows, events, disk and cache series
 * The viewer itself (SVG sequence diagram, zoom and pan, filters, payload and
 * causal chain, plots) is cli/trace/html-viewer.ts.
 */
import type { TraceRecord } from '../../kernel/index.js';
import { extraFields, formatFields } from './format.js';
import { CACHE_WINDOW, HitWindow } from './hit-window.js';
import { hostOf, isMessage, isNewMessage, onHost } from './records.js';
import { isAvcCacheRecord } from './stats.js';
import { VIEWER_CSS, VIEWER_SCRIPT } from './html-viewer.js';

/** Message kinds in a row's `kind` column. */
export const KIND_SEND = 0;
export const KIND_NOTIFY = 1;
export const KIND_REPLY = 2;
export const KIND_ASYNC = 3;

/** One message: [tSendNs, tDeliverNs or -1, srcLane, dstLane, typeIndex, id, cause or -1, re or -1, kind, payload or null]. */
export type MessageRow = [number, number, number, number, number, number, number, number, number, unknown];
/** A non-message record worth a mark on its lane: [tNs, lane, ev, text]. */
export type EventRow = [number, number, string, string];

export interface ViewerData {
  readonly header: Record<string, unknown> | null;
  /** A run of several hosts: their names, and each lane is host/actor (message ids are per host). Else empty. */
  readonly hosts: string[];
  readonly lanes: string[];
  readonly types: string[];
  readonly messages: MessageRow[];
  readonly events: EventRow[];
  /** [tNs, cylinder] for each head movement. */
  readonly disk: [number, number][];
  /** [tNs, hit ratio over the last CACHE_WINDOW lookups]. */
  readonly cache: [number, number][];
  readonly cacheWindow: number;
  readonly endNs: number;
}

const MARKED_EVS: ReadonlySet<string> = new Set(['state', 'log', 'fault', 'error', 'exit', 'spawn', 'avc', 'timer']);

export class HtmlExport {
  private readonly laneIndex = new Map<string, number>();
  private readonly typeIndex = new Map<string, number>();
  /** Undelivered messages by host:id (each host's kernel numbers its own). */
  private readonly rowsById = new Map<string, MessageRow>();
  private readonly data: ViewerData & { header: Record<string, unknown> | null; endNs: number } = {
    header: null, hosts: [], lanes: [], types: [], messages: [], events: [], disk: [], cache: [], cacheWindow: CACHE_WINDOW, endNs: 0,
  };
  private readonly cacheRatio = new HitWindow();

  private lane(name: string): number {
    return intern(this.laneIndex, this.data.lanes, name);
  }

  private type(name: string): number {
    return intern(this.typeIndex, this.data.types, name);
  }

  add(rec: TraceRecord): void {
    this.data.endNs = rec.t;
    if (rec.ev === 'header') {
      this.data.header ??= extraFields(rec);
      return;
    }
    const host = hostOf(rec);
    if (host !== null && !this.data.hosts.includes(host)) this.data.hosts.push(host);
    if (rec.ev === 'spawn' && typeof rec.proc === 'string') this.lane(onHost(rec, rec.proc));
    if (isNewMessage(rec)) {
      const kind = rec.ev === 'reply' ? KIND_REPLY : rec.ev === 'notify' ? KIND_NOTIFY : rec.async === true ? KIND_ASYNC : KIND_SEND;
      const row: MessageRow = [rec.t, -1, this.lane(onHost(rec, rec.src)), this.lane(onHost(rec, rec.dst)), this.type(rec.type), rec.id, rec.cause ?? -1,
        typeof rec.re === 'number' ? rec.re : -1, kind, rec.msg ?? null];
      this.data.messages.push(row);
      this.rowsById.set(`${host ?? ''}:${rec.id}`, row);
      return;
    }
    if (isMessage(rec)) {
      const key = `${host ?? ''}:${rec.id}`;
      const row = this.rowsById.get(key);
      if (row !== undefined) {
        row[1] = rec.t;
        this.rowsById.delete(key);
      }
      return;
    }
    if (rec.ev === 'disk' && typeof rec.toCyl === 'number') {
      if (typeof rec.fromCyl === 'number') this.data.disk.push([rec.t, rec.fromCyl]);
      this.data.disk.push([rec.t + (typeof rec.seekNs === 'number' ? rec.seekNs : 0), rec.toCyl]);
    }
    // The buffer cache only: the AVC's lookups (cache=avc) are another cache with another ratio.
    if (rec.ev === 'cache' && !isAvcCacheRecord(rec) && (rec.op === 'hit' || rec.op === 'miss')) {
      this.data.cache.push([rec.t, this.cacheRatio.add(rec.op === 'hit')]);
    }
    if (MARKED_EVS.has(rec.ev) && typeof rec.proc === 'string') {
      const text = rec.ev === 'log' ? String(rec.text)
        : rec.ev === 'state' ? `${rec.machine ?? ''} ${rec.from} → ${rec.to}`.trim()
          : formatFields(extraFields(rec, ['proc']), 100);
      this.data.events.push([rec.t, this.lane(onHost(rec, rec.proc)), rec.ev, text]);
    }
  }

  get messageCount(): number {
    return this.data.messages.length;
  }

  viewerData(): ViewerData {
    // Head positions are pushed at seek end; keep the series in time order.
    this.data.disk.sort((a, b) => a[0] - b[0]);
    return this.data;
  }

  page(title: string): string {
    // `</` inside the JSON would close the script element early.
    const json = JSON.stringify(this.viewerData()).replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)} · mksim trace</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<header id="bar">
  <strong>mksim trace</strong> <span id="title">${escapeHtml(title)}</span>
  <span class="spacer"></span>
  <label>layout <select id="layout"><option value="sequence">one row per message</option><option value="time">virtual time</option></select></label>
  <button id="zoom-out" title="zoom out (-)">−</button><button id="zoom-in" title="zoom in (+)">+</button><button id="zoom-reset" title="reset zoom (0)">reset</button>
  <span id="status" aria-live="polite"></span>
</header>
<main>
  <aside id="filters">
    <section><h3>Actors <button class="all" data-for="actors">all</button><button class="none" data-for="actors">none</button></h3><div id="actors"></div></section>
    <section><h3>Types <button class="all" data-for="types">all</button><button class="none" data-for="types">none</button></h3><div id="types"></div></section>
  </aside>
  <div id="diagram" tabindex="0"><div id="spacer"></div><svg id="svg" xmlns="http://www.w3.org/2000/svg"></svg></div>
  <aside id="details"><p class="hint">Click a message to see its payload and causal chain.</p></aside>
</main>
<footer id="plots">
  <figure><figcaption>Disk head cylinder over virtual time</figcaption><svg id="disk-plot" class="plot"></svg></figure>
  <figure><figcaption>Buffer cache hit ratio over virtual time (last <span id="cache-window"></span> lookups)</figcaption><svg id="cache-plot" class="plot"></svg></figure>
</footer>
<script type="application/json" id="trace-data">${json}</script>
<script>${VIEWER_SCRIPT}</script>
</body>
</html>
`;
  }
}

/** The index of a name in a list that grows as names are first seen. */
function intern(index: Map<string, number>, list: string[], name: string): number {
  let i = index.get(name);
  if (i === undefined) {
    i = list.length;
    index.set(name, i);
    list.push(name);
  }
  return i;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
