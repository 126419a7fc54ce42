/*
 * Export a trace as a timeline viewer for any size: a directory with index.html,
 * meta.js and chunks/NNNNNN.js, each chunk CHUNK_ROWS messages in a compact binary
 * form (base64 in a script, which a page opened from file:// may load where fetch
 * may not). The page loads only the chunks in view (cli/trace/timeline-viewer.ts).
 *   TimelineExport(dir)    add(rec) for each record (in order), then finish(title)
 *   ROW_BYTES, CHUNK_ROWS  the row layout: f64 tSendNs, f64 tDeliverNs (-1: not delivered),
 *                          f64 id, f64 cause (-1: none), u16 src lane, u16 dst lane, u16 type, u8 kind, u8 0
 * A run of several hosts: lanes are host/actor, grouped per host in the page, and
 * message ids (each host's kernel numbers its own) are found per host (hostFirstIds).
 * Rows are kept until the chunk after theirs is full, so a delivery later than
 * that leaves its row's tDeliverNs at -1 (memory stays two chunks, whatever the size).
 * Beside the chunks: spans/NNNNNN.js and spans/long.js (running, ready, blocked and handling
 * per actor, cli/trace/timeline-spans.ts) and the overview's density in meta (timeline-density.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceRecord } from '../../kernel/index.js';
import { extraFields } from './format.js';
import { escapeHtml, KIND_ASYNC, KIND_NOTIFY, KIND_REPLY, KIND_SEND } from './html.js';
import { hostOf, isMessage, isNewMessage, onHost } from './records.js';
import { Density, type DensityMeta } from './timeline-density.js';
import { SpanSidecar, SpanTracker, type SpanMeta } from './timeline-spans.js';
import { TIMELINE_CSS, TIMELINE_LEGEND_HTML, TIMELINE_SCRIPT } from './timeline-viewer.js';
import { SEARCH_BAR_HTML, SEARCH_CSS, SEARCH_PANEL_HTML, SEARCH_SCRIPT } from './timeline-search.js';
import { TimelineText, type SearchMeta } from './timeline-text.js';

export const ROW_BYTES = 40;
export const CHUNK_ROWS = 1 << 16;
const MAX_NAMES = 1 << 16;
/** Message ids stay below this: an undelivered message is known by host number * span + id. */
const HOST_ID_SPAN = 2 ** 32;
const MAX_HOSTS = 4096;

export interface TimelineMeta extends SpanMeta {
  /** The overview strip: messages per time bucket over the whole trace. */
  readonly density: DensityMeta;
  /** Names the spans' peer field indexes (blocked on whom, handling for whom). */
  readonly peers: string[];
  readonly title: string;
  readonly header: Record<string, unknown> | null;
  /** Several hosts: their names in order of appearance (lanes are host/actor); else empty. */
  readonly hosts: string[];
  /** Several hosts: per chunk, per host, the id of its first message in the chunk (-1: none). */
  readonly hostFirstIds: number[][];
  readonly lanes: string[];
  readonly types: string[];
  readonly total: number;
  readonly chunkRows: number;
  /** Per chunk: first send time, last send time, first id, latest delivery. */
  readonly chunks: [number, number, number, number][];
  readonly endNs: number;
  /** Search: latency histograms per type, error and denial counts (cli/trace/timeline-text.ts). */
  readonly search: SearchMeta;
}

interface Chunk {
  readonly nr: number;
  readonly buf: Buffer;
  rows: number;
  firstNs: number;
  lastNs: number;
  firstId: number;
  maxEndNs: number;
  /** Per host number, the first message id in this chunk. */
  readonly hostFirstIds: number[];
  /** Per row, its host number (to forget its key when the chunk is written). */
  readonly rowHosts: Uint16Array;
}

export class TimelineExport {
  private readonly laneIndex = new Map<string, number>();
  private readonly typeIndex = new Map<string, number>();
  private readonly meta: { hosts: string[]; hostFirstIds: number[][]; lanes: string[]; types: string[]; chunks: [number, number, number, number][]; header: Record<string, unknown> | null; endNs: number; total: number } =
    { hosts: [], hostFirstIds: [], lanes: [], types: [], chunks: [], header: null, endNs: 0, total: 0 };
  private readonly hostNr = new Map<string, number>();
  /** The chunk being filled and the one before it (still open for deliveries). */
  private current: Chunk;
  private previous: Chunk | null = null;
  /** Where an undelivered message's row is: chunk number and row. */
  private readonly rowOf = new Map<number, { chunk: Chunk; row: number }>();
  private readonly peerIndex = new Map<string, number>();
  private readonly peers: string[] = [];
  private readonly spans: SpanSidecar;
  private readonly tracker: SpanTracker;
  private readonly density = new Density();
  /** The search sidecar: payload text, flags, CPU and disk times per row. */
  private readonly text: TimelineText;

  /** The record's host number (0 in a run of one host). */
  private host(rec: TraceRecord): number {
    const name = hostOf(rec);
    if (name === null) return 0;
    let nr = this.hostNr.get(name);
    if (nr === undefined) {
      if (this.meta.hosts.length >= MAX_HOSTS) return MAX_HOSTS - 1;
      nr = this.meta.hosts.length;
      this.hostNr.set(name, nr);
      this.meta.hosts.push(name);
    }
    return nr;
  }

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'chunks'), { recursive: true });
    this.text = new TimelineText(dir);
    this.current = this.newChunk(0);
    this.spans = new SpanSidecar(dir);
    this.tracker = new SpanTracker(
      (rec, name) => this.intern(this.laneIndex, this.meta.lanes, onHost(rec, name)),
      (rec, name) => this.intern(this.peerIndex, this.peers, name === 'ANY' ? name : onHost(rec, name)),
      (span) => this.spans.put(span, this.meta.endNs));
  }

  private newChunk(nr: number): Chunk {
    return { nr, buf: Buffer.alloc(CHUNK_ROWS * ROW_BYTES), rows: 0, firstNs: 0, lastNs: 0, firstId: 0, maxEndNs: 0, hostFirstIds: [], rowHosts: new Uint16Array(CHUNK_ROWS) };
  }

  private intern(index: Map<string, number>, list: string[], name: string): number {
    let i = index.get(name);
    if (i === undefined) {
      if (list.length >= MAX_NAMES) return MAX_NAMES - 1;
      i = list.length;
      index.set(name, i);
      list.push(name);
    }
    return i;
  }

  add(rec: TraceRecord): void {
    this.meta.endNs = rec.t;
    if (rec.ev === 'header') {
      this.meta.header ??= extraFields(rec);
      return;
    }
    // Spans per actor and the overview's density.
    this.tracker.add(rec);
    if (isNewMessage(rec)) this.density.add(rec.t);
    const host = this.host(rec);
    // The search sidecar sees every record, a new message's row first (as it is about to be added).
    if (isNewMessage(rec)) this.text.row(this.current.nr, this.current.rows, rec, host);
    this.text.observe(rec, host);
    const key = host * HOST_ID_SPAN + (typeof rec.id === 'number' ? rec.id : 0);
    if (rec.ev === 'spawn' && typeof rec.proc === 'string') this.intern(this.laneIndex, this.meta.lanes, onHost(rec, rec.proc));
    if (isNewMessage(rec)) {
      const c = this.current;
      const at = c.rows * ROW_BYTES;
      const kind = rec.ev === 'reply' ? KIND_REPLY : rec.ev === 'notify' ? KIND_NOTIFY : rec.async === true ? KIND_ASYNC : KIND_SEND;
      c.buf.writeDoubleLE(rec.t, at);
      c.buf.writeDoubleLE(-1, at + 8);
      c.buf.writeDoubleLE(rec.id, at + 16);
      c.buf.writeDoubleLE(rec.cause ?? -1, at + 24);
      c.buf.writeUInt16LE(this.intern(this.laneIndex, this.meta.lanes, onHost(rec, rec.src)), at + 32);
      c.buf.writeUInt16LE(this.intern(this.laneIndex, this.meta.lanes, onHost(rec, rec.dst)), at + 34);
      c.buf.writeUInt16LE(this.intern(this.typeIndex, this.meta.types, rec.type), at + 36);
      c.buf.writeUInt8(kind, at + 38);
      if (c.rows === 0) {
        c.firstNs = rec.t;
        c.firstId = rec.id;
      }
      c.hostFirstIds[host] ??= rec.id;
      c.rowHosts[c.rows] = host;
      c.lastNs = rec.t;
      c.maxEndNs = Math.max(c.maxEndNs, rec.t);
      this.rowOf.set(key, { chunk: c, row: c.rows });
      c.rows++;
      this.meta.total++;
      if (c.rows === CHUNK_ROWS) this.rotate();
      return;
    }
    if (isMessage(rec)) {
      const where = this.rowOf.get(key);
      if (where === undefined) return;
      this.rowOf.delete(key);
      where.chunk.buf.writeDoubleLE(rec.t, where.row * ROW_BYTES + 8);
      where.chunk.maxEndNs = Math.max(where.chunk.maxEndNs, rec.t);
    }
  }

  private rotate(): void {
    if (this.previous !== null) this.flush(this.previous);
    this.previous = this.current;
    this.current = this.newChunk(this.current.nr + 1);
  }

  private flush(c: Chunk): void {
    // Its undelivered rows stay at -1: forget them, so the map stays bounded.
    for (let r = 0; r < c.rows; r++) this.rowOf.delete(c.rowHosts[r]! * HOST_ID_SPAN + c.buf.readDoubleLE(r * ROW_BYTES + 16));
    const data = c.buf.subarray(0, c.rows * ROW_BYTES).toString('base64');
    writeFileSync(join(this.dir, 'chunks', chunkName(c.nr)), `mksimChunk(${c.nr},"${data}");\n`);
    this.meta.chunks[c.nr] = [c.firstNs, c.lastNs, c.firstId, c.maxEndNs];
    this.text.flush(c.nr);
    if (this.meta.hosts.length > 0) this.meta.hostFirstIds[c.nr] = this.meta.hosts.map((_, h) => c.hostFirstIds[h] ?? -1);
  }

  finish(title: string): TimelineMeta {
    if (this.previous !== null) this.flush(this.previous);
    if (this.current.rows > 0) this.flush(this.current);
    this.tracker.finish(this.meta.endNs);
    const spanMeta = this.spans.finish(this.meta.endNs);
    const meta: TimelineMeta = { title, chunkRows: CHUNK_ROWS, ...this.meta, search: this.text.meta(), ...spanMeta, density: this.density.result(), peers: this.peers };
    writeFileSync(join(this.dir, 'meta.js'), `mksimMeta(${JSON.stringify(meta).replace(/<\//g, '<\\/')});\n`);
    writeFileSync(join(this.dir, 'index.html'), page(title));
    return meta;
  }
}

export function chunkName(nr: number): string {
  return `${String(nr).padStart(6, '0')}.js`;
}

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · mksim timeline</title>
<style>${TIMELINE_CSS}${SEARCH_CSS}</style>
</head>
<body>
<header id="bar">
  <strong>mksim timeline</strong> <span id="title">${escapeHtml(title)}</span>
  <span class="spacer"></span>
  <button id="first" title="first message (Home)">⇤</button>
  <button id="zoom-out" title="zoom out (-)">−</button><button id="zoom-in" title="zoom in (+)">+</button><button id="fit" title="whole trace (0)">fit</button>
  <button id="last" title="last message (End)">⇥</button>
  <label>go to <input id="goto" size="10" placeholder="#id"></label>
  ${SEARCH_BAR_HTML}
  <span id="status" aria-live="polite"></span>
</header>
${TIMELINE_LEGEND_HTML}
<main>
  <div id="view" tabindex="0"><canvas id="canvas"></canvas></div>
  ${SEARCH_PANEL_HTML}
  <aside id="details"><p class="hint">Click an arrow for its message, a bar for its span, a lane's name to move or fold it. Wheel: lanes up and down; Shift+wheel or drag: along time; Ctrl+wheel: zoom.</p></aside>
</main>
<script>${TIMELINE_SCRIPT}</script>
<script>${SEARCH_SCRIPT}</script>
<script src="meta.js"></script>
<script src="spans/long.js"></script>
</body>
</html>
`;
}
