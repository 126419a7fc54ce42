/*
 * The timeline viewer's style and script, inlined into the index.html that timeline.ts writes.
 *   TIMELINE_CSS      bar | overview strip | canvas view | details
 *   TIMELINE_SCRIPT   plain browser JavaScript: mksimMeta(meta), mksimChunk(nr, base64), mksimSpans(nr, base64)
 *                     and mksimLongSpans(base64) are called by meta.js and the scripts it loads on demand
 * Actors are tracks (rows), time runs left to right, each message an arrow from its
 * send to its delivery, over bars of the actor's spans (running, ready, blocked, handling).
 * One canvas, redrawn per frame from the chunks in view, so the page's size is the
 * window's whatever the trace's (no scroll height to run out of: Chromium stops at
 * ~33.5 M px). Lane names stay in a column at the left, the time ruler at the top;
 * labels are drawn only where they do not overlap. A run of several hosts: each
 * host's lanes sit together under a header row naming it. The overview strip shows
 * the whole trace's message density; a drag there zooms to that range. Lanes collapse
 * (a click on a host's header, or the lane's buttons) and move (drag a name, or ▲ ▼).
 */
export const TIMELINE_CSS = `
:root { --bg: #fbfbfd; --fg: #1d2330; --muted: #6b7385; --line: #d9dce3; --sel: #e0457b; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
body { display: grid; grid-template-rows: auto auto 1fr; }
#bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--line); background: #fff; }
#bar .spacer { flex: 1; }
#status { color: var(--muted); min-width: 320px; text-align: right; }
#strip { display: grid; grid-template-columns: 1fr 320px; border-bottom: 1px solid var(--line); background: #fff; }
#overview { position: relative; height: 44px; cursor: crosshair; }
#ov { position: absolute; left: 0; top: 0; }
#legend { display: flex; flex-wrap: wrap; gap: 2px 10px; align-items: center; padding: 4px 10px; font-size: 12px; color: var(--muted); border-left: 1px solid var(--line); }
#legend i { display: inline-block; width: 12px; height: 8px; margin-right: 3px; border-radius: 1px; }
main { display: grid; grid-template-columns: 1fr 320px; min-height: 0; }
#view { position: relative; overflow: hidden; outline: none; cursor: grab; }
#canvas { position: absolute; left: 0; top: 0; }
#details { overflow: auto; padding: 8px 10px; background: #fff; border-left: 1px solid var(--line); }
#details td { padding: 2px 4px; vertical-align: top; }
#details td:first-child { color: var(--muted); }
#details a { color: #2f6fd6; cursor: pointer; }
.hint { color: var(--muted); }
.missing { color: #b3261e; }
`;

/** Span colours, in SPAN_STATES order (timeline-spans.ts): running, ready, blocked, handling. */
export const SPAN_COLOURS = ['#2e9e5b', '#f2b84b', '#c3c8d3', '#9b6bd6'] as const;

/** The legend under the bar: span states and message kinds. */
export const TIMELINE_LEGEND_HTML = `<div id="strip"><div id="overview" title="message density over the whole trace: drag to zoom to a range, click to centre"><canvas id="ov"></canvas></div>
  <div id="legend"><span><i style="background:${SPAN_COLOURS[0]}"></i>running</span><span><i style="background:${SPAN_COLOURS[1]}"></i>ready</span><span><i style="background:${SPAN_COLOURS[2]}"></i>blocked</span><span><i style="background:${SPAN_COLOURS[3]}"></i>handling</span>
  <span><i style="background:#2f6fd6;height:2px"></i>send</span><span><i style="background:#c98a00;height:2px"></i>notify</span><span><i style="background:#1f9d55;height:2px"></i>reply</span></div></div>`;

export const TIMELINE_SCRIPT = String.raw`
(function () {
  'use strict';
  var ROW = 40, SPAN = 28, LEFT = 120, TOP = 30, LANE_H = 30, FOLDED_H = 14, MAX_DRAWN = 5000, MAX_CHUNKS = 12, MAX_VIEW_CHUNKS = 4;
  var MAX_SPAN_FILES = 8, MAX_VIEW_SPAN_FILES = 4, MAX_SPANS_PICKABLE = 20000;
  var KIND_COLOURS = ['#2f6fd6', '#c98a00', '#1f9d55', '#7b4fd6'], KINDS = ['send', 'notify', 'reply', 'senda'];
  var STATES = ['running', 'ready', 'blocked', 'handling'], STATE_COLOURS = ${JSON.stringify(SPAN_COLOURS)}, BLOCK_ON = ['', 'send', 'receive'];
  var NO_REF = 4294967295, NO_PEER = 65535;
  var $ = function (id) { return document.getElementById(id); };
  var view = $('view'), canvas = $('canvas'), ctx = canvas.getContext('2d'), ovBox = $('overview'), ov = $('ov'), octx = ov.getContext('2d');
  var meta = null, chunks = new Map(), loading = new Set(), useTick = 0;
  var spanFiles = new Map(), spanLoading = new Set(), longSpans = null;
  var S = { startNs: 0, nsPerPx: 1, laneTop: 0, selected: null, drawn: [], dense: false, pending: false, want: null,
    // Lanes: display order (lane numbers), folded lanes and hosts; kept while the page lives.
    order: [], folded: {}, foldedHosts: {}, spansDrawn: [], spansDense: false, selectedSpan: null, firstPaintMs: 0 };
  // Hooks other page scripts fill (timeline-search.ts): onMeta(meta), onChunk(nr), dimmed(m, host), onSelect(m, nr, r), afterDraw(a, b).
  var hooks = window.mksimHooks = window.mksimHooks || {};

  function rowsOf(nr) { return nr < meta.chunks.length - 1 ? meta.chunkRows : meta.total - meta.chunkRows * (meta.chunks.length - 1); }
  function row(c, r) {
    var d = c.view, o = r * ROW;
    return { t: d.getFloat64(o, true), tEnd: d.getFloat64(o + 8, true), id: d.getFloat64(o + 16, true), cause: d.getFloat64(o + 24, true),
      src: d.getUint16(o + 32, true), dst: d.getUint16(o + 34, true), type: d.getUint16(o + 36, true), kind: d.getUint8(o + 38) };
  }
  function pad6(nr) { var s = String(nr); while (s.length < 6) s = '0' + s; return s; }
  function chunkName(nr) { return 'chunks/' + pad6(nr) + '.js'; }
  function bytesOf(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  /** Load a script once (chunks and span files come as scripts: a page from file:// may not fetch). */
  function load(src, busy, onFail) {
    var el = document.createElement('script');
    el.src = src;
    el.onerror = function () { onFail(); setStatus('cannot load ' + src); };
    el.onload = function () { el.remove(); };
    document.body.appendChild(el);
  }
  /** Keep the most recently used entries only: memory is bounded whatever the trace's size. */
  function evict(map, max) {
    while (map.size > max) {
      var oldest = -1, oldestUse = Infinity;
      map.forEach(function (c, k) { if (c.used < oldestUse) { oldestUse = c.used; oldest = k; } });
      map.delete(oldest);
    }
  }
  function need(nr) {
    var c = chunks.get(nr);
    if (c) { c.used = ++useTick; return c; }
    if (!loading.has(nr)) { loading.add(nr); load(chunkName(nr), loading, function () { loading.delete(nr); }); }
    return null;
  }
  window.mksimChunk = function (nr, b64) {
    var bytes = bytesOf(b64);
    loading.delete(nr);
    chunks.set(nr, { view: new DataView(bytes.buffer), rows: bytes.length / ROW, used: ++useTick });
    evict(chunks, MAX_CHUNKS);
    if (S.want && S.want.chunk === nr) { var w = S.want; S.want = null; w.then(); }
    if (hooks.onChunk) hooks.onChunk(nr);
    schedule();
  };

  // ---- spans: files by time range, and the long ones (crossing a file) loaded with meta ----------
  function needSpans(nr) {
    var f = spanFiles.get(nr);
    if (f) { f.used = ++useTick; return f; }
    if (!spanLoading.has(nr)) { spanLoading.add(nr); load('spans/' + pad6(nr) + '.js', spanLoading, function () { spanLoading.delete(nr); }); }
    return null;
  }
  window.mksimSpans = function (nr, b64) {
    var bytes = bytesOf(b64);
    spanLoading.delete(nr);
    spanFiles.set(nr, { view: new DataView(bytes.buffer), n: bytes.length / SPAN, used: ++useTick, nr: nr });
    evict(spanFiles, MAX_SPAN_FILES);
    schedule();
  };
  window.mksimLongSpans = function (b64) {
    var bytes = bytesOf(b64), d = new DataView(bytes.buffer), n = bytes.length / SPAN, order = [];
    for (var i = 0; i < n; i++) order.push(i);
    order.sort(function (p, q) { return d.getFloat64(p * SPAN, true) - d.getFloat64(q * SPAN, true); });
    // By start time, with the latest end so far: the spans overlapping [a, b] are found without a scan of all.
    var maxEnd = new Float64Array(n), m = -Infinity;
    for (var k = 0; k < n; k++) { m = Math.max(m, d.getFloat64(order[k] * SPAN + 8, true)); maxEnd[k] = m; }
    longSpans = { view: d, n: n, order: order, maxEnd: maxEnd, nr: -1 };
    schedule();
  };
  function spanAt(f, i) {
    var d = f.view, o = i * SPAN;
    return { startNs: d.getFloat64(o, true), endNs: d.getFloat64(o + 8, true), ref: d.getUint32(o + 16, true), lane: d.getUint16(o + 20, true),
      peer: d.getUint16(o + 22, true), state: d.getUint8(o + 24), on: d.getUint8(o + 25) };
  }
  /** The span files whose range meets [a, b] (ranges follow each other in time). */
  function spanFilesIn(a, b) {
    var R = meta.spanRanges || [], lo = 0, hi = R.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (R[mid][1] < a) lo = mid + 1; else hi = mid; }
    var out = [];
    for (var k = lo; k < R.length && R[k][0] <= b; k++) out.push(k);
    return out;
  }

  // ---- rows: a lane per actor in S.order; with several hosts a header row above each host's lanes --
  var rows = [], laneRow = [], laneHost = [], rowTop = [];
  function layoutRows() {
    var hosts = meta.hosts || [];
    rows = []; laneRow = [];
    var add = function (r) { rows.push(r); };
    var lanesOf = function (hi) { return S.order.filter(function (i) { return laneHost[i] === hi; }); };
    if (!hosts.length) lanesOf(-1).forEach(function (i) { laneRow[i] = rows.length; add({ lane: i, h: S.folded[i] ? FOLDED_H : LANE_H }); });
    hosts.forEach(function (h, hi) {
      var at = rows.length;
      add({ host: h, hi: hi, h: LANE_H });
      // A folded host: its lanes' arrows end on its header.
      lanesOf(hi).forEach(function (i) {
        if (S.foldedHosts[hi]) { laneRow[i] = at; return; }
        laneRow[i] = rows.length; add({ lane: i, h: S.folded[i] ? FOLDED_H : LANE_H });
      });
    });
    rowTop = [0];
    rows.forEach(function (r, k) { rowTop[k + 1] = rowTop[k] + r.h; });
    clampLanes();
  }
  window.mksimMeta = function (m) {
    meta = m;
    var hosts = meta.hosts || [];
    laneHost = meta.lanes.map(function (n) { return hosts.length ? hosts.indexOf(n.slice(0, n.indexOf('/'))) : -1; });
    S.order = meta.lanes.map(function (_, i) { return i; });
    layoutRows();
    fit();
    // A large trace opens on its first chunk's span, not on an overview of everything.
    if (meta.chunks.length > MAX_VIEW_CHUNKS) {
      S.nsPerPx = Math.max((meta.chunks[0][1] - meta.chunks[0][0]) / 40 / Math.max(100, width() - LEFT), 0.01);
      S.startNs = meta.chunks[0][0] - 20 * S.nsPerPx;
    }
    resize();
    if (hooks.onMeta) hooks.onMeta(meta);
  };

  function fmt(ns) {
    var a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toFixed(3) + ' s';
    if (a >= 1e6) return (ns / 1e6).toFixed(3) + ' ms';
    if (a >= 1e3) return (ns / 1e3).toFixed(3) + ' µs';
    return ns.toFixed(0) + ' ns';
  }
  /** A ruler label precise enough to tell ticks step apart (6.471 s would name every tick alike). */
  function ruler(ns, step) {
    var unit = step >= 1e8 ? 1e9 : step >= 1e5 ? 1e6 : step >= 1e2 ? 1e3 : 1, name = { 1e9: ' s', 1e6: ' ms', 1e3: ' µs', 1: ' ns' }[unit];
    var digits = Math.max(0, Math.ceil(-Math.log10(step / unit) + 1e-9));
    return (ns / unit).toFixed(Math.min(digits, 6)) + name;
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function setStatus(text) { $('status').textContent = text; }
  function width() { return view.clientWidth; }
  function height() { return view.clientHeight; }
  /** Rows that fit in the window from row k down. */
  function rowsFitFrom(k) {
    var room = height() - TOP, n = 0;
    while (k + n < rows.length && rowTop[k + n + 1] - rowTop[k] <= room) n++;
    return Math.max(1, n);
  }
  function lanesFit() { return rowsFitFrom(S.laneTop); }
  function x(t) { return LEFT + (t - S.startNs) / S.nsPerPx; }
  function yRow(k) { return TOP + rowTop[k] - rowTop[S.laneTop] + rows[k].h / 2; }
  function y(lane) { return yRow(laneRow[lane]); }
  function endNs() { return S.startNs + (width() - LEFT) * S.nsPerPx; }
  function rowAtY(py) {
    for (var k = S.laneTop; k < rows.length; k++) if (py < TOP + rowTop[k + 1] - rowTop[S.laneTop]) return py >= TOP ? k : -1;
    return -1;
  }

  function firstNs() { return meta.chunks.length ? meta.chunks[0][0] : 0; }
  function fit() {
    var first = firstNs();
    var span = Math.max(meta.endNs - first, 1);
    S.startNs = first - span * 0.01;
    S.nsPerPx = span * 1.02 / Math.max(100, width() - LEFT);
    schedule();
  }
  function zoomTo(a, b) {
    if (!(b > a)) return;
    S.startNs = a;
    S.nsPerPx = Math.max(0.01, (b - a) / Math.max(100, width() - LEFT));
    schedule();
  }
  function clampLanes() {
    // The last scroll position is the one that shows the last row at the bottom.
    var last = rows.length - 1, maxTop = 0;
    for (var k = last; k >= 0; k--) { if (rowTop[last + 1] - rowTop[k] > height() - TOP) { maxTop = Math.min(last, k + 1); break; } }
    S.laneTop = Math.max(0, Math.min(S.laneTop, maxTop));
  }
  function resize() {
    var dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width() * dpr); canvas.height = Math.round(height() * dpr);
    canvas.style.width = width() + 'px'; canvas.style.height = height() + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ov.width = Math.round(ovBox.clientWidth * dpr); ov.height = Math.round(ovBox.clientHeight * dpr);
    ov.style.width = ovBox.clientWidth + 'px'; ov.style.height = ovBox.clientHeight + 'px';
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    schedule();
  }
  function schedule() {
    if (S.pending || !meta) return;
    S.pending = true;
    requestAnimationFrame(function () { S.pending = false; draw(); });
  }

  /** The chunks whose messages may be in [a, b]: by first send time, widened by late deliveries. */
  function chunksIn(a, b) {
    var list = meta.chunks, lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid][1] < a) lo = mid + 1; else hi = mid; }
    var out = [];
    for (var k = Math.max(0, lo - 2); k < list.length && list[k][0] <= b; k++) if (list[k][3] >= a) out.push(k);
    return out;
  }

  function niceStep(ns) {
    var p = Math.pow(10, Math.floor(Math.log10(ns))), m = ns / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  /** Span bars of the lanes in view, under the arrows: the state bar, then the handling bar below it. */
  function drawSpans(a, b, firstRow, lastRow) {
    var files = spanFilesIn(a, b), missing = 0, lastPx = {};
    S.spansDrawn = [];
    S.spansDense = files.length > MAX_VIEW_SPAN_FILES;
    function one(f, i) {
      var o = i * SPAN, s = f.view.getFloat64(o, true), e = f.view.getFloat64(o + 8, true);
      if (e < a || s > b) return;
      var lane = f.view.getUint16(o + 20, true), k = laneRow[lane], r = rows[k];
      if (k === undefined || k < firstRow || k > lastRow || r.lane !== lane || S.folded[lane]) return;
      var state = f.view.getUint8(o + 24), x1 = Math.max(LEFT, x(s)), x2 = Math.min(width(), x(e)), cy = yRow(k);
      var top = state === 3 ? cy + 10 : cy + 3, h = state === 3 ? 3 : 6, key = lane * 4 + state;
      // Many spans in one pixel: draw the pixel once.
      if (x2 - x1 < 1 && lastPx[key] === Math.floor(x1)) return;
      lastPx[key] = Math.floor(x1);
      ctx.fillStyle = STATE_COLOURS[state];
      ctx.fillRect(x1, top, Math.max(1, x2 - x1), h);
      if (S.spansDrawn.length < MAX_SPANS_PICKABLE) S.spansDrawn.push({ x1: x1, x2: Math.max(x1 + 1, x2), y1: top - 1, y2: top + h + 1, file: f.nr, i: i });
    }
    if (!S.spansDense) {
      files.forEach(function (nr) {
        var f = needSpans(nr);
        if (!f) { missing++; return; }
        for (var i = 0; i < f.n; i++) one(f, i);
      });
    }
    if (longSpans) {
      var L = longSpans, lo = 0, hi = L.n;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (L.view.getFloat64(L.order[mid] * SPAN, true) <= b) lo = mid + 1; else hi = mid; }
      for (var k = lo - 1; k >= 0 && L.maxEnd[k] >= a; k--) one(L, L.order[k]);
    }
    if (S.selectedSpan) {
      var sel = S.selectedSpan, sk = laneRow[sel.span.lane];
      if (sk >= firstRow && sk <= lastRow && rows[sk].lane === sel.span.lane) {
        var sy = yRow(sk) + (sel.span.state === 3 ? 10 : 3);
        ctx.strokeStyle = '#e0457b'; ctx.lineWidth = 2;
        ctx.strokeRect(Math.max(LEFT, x(sel.span.startNs)), sy - 1, Math.max(2, Math.min(width(), x(sel.span.endNs)) - Math.max(LEFT, x(sel.span.startNs))), sel.span.state === 3 ? 5 : 8);
      }
    }
    return missing;
  }

  function drawOverview(a, b) {
    var W = ovBox.clientWidth, H = ovBox.clientHeight, d = meta.density;
    octx.clearRect(0, 0, W, H);
    octx.fillStyle = '#f4f5f8'; octx.fillRect(0, 0, W, H);
    if (!d || !d.counts.length) return;
    var t0 = 0, t1 = Math.max(meta.endNs, 1), max = 1;
    d.counts.forEach(function (c) { if (c > max) max = c; });
    var px = function (t) { return 8 + (t - t0) / (t1 - t0) * (W - 16); };
    octx.fillStyle = '#8ea4d2';
    d.counts.forEach(function (c, i) {
      if (!c) return;
      var h = Math.max(1, Math.sqrt(c / max) * (H - 10));
      octx.fillRect(px(i * d.bucketNs), H - 2 - h, Math.max(1, px((i + 1) * d.bucketNs) - px(i * d.bucketNs)), h);
    });
    // The main view's window, and a drag in progress.
    var va = px(Math.max(t0, a)), vb = px(Math.min(t1, b));
    octx.fillStyle = 'rgba(224,69,123,0.14)'; octx.fillRect(va, 0, Math.max(2, vb - va), H);
    octx.strokeStyle = '#e0457b'; octx.lineWidth = 1; octx.strokeRect(va + 0.5, 0.5, Math.max(2, vb - va) - 1, H - 1);
    if (ovDrag && ovDrag.moved) { octx.fillStyle = 'rgba(47,111,214,0.25)'; octx.fillRect(Math.min(ovDrag.x0, ovDrag.x1), 0, Math.abs(ovDrag.x1 - ovDrag.x0), H); }
    octx.fillStyle = '#6b7385'; octx.font = '10px system-ui';
    octx.fillText('messages over ' + fmt(t1 - t0) + ' (drag to zoom)', 10, 10);
    S.ovTimeAt = function (p) { return t0 + (p - 8) / (W - 16) * (t1 - t0); };
  }

  function draw() {
    var W = width(), H = height(), a = S.startNs, b = endNs();
    clampLanes();
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#fbfbfd'; ctx.fillRect(0, 0, W, H);
    var nLanes = Math.min(rows.length - S.laneTop, lanesFit() + 1);
    ctx.strokeStyle = '#e3e5ea'; ctx.lineWidth = 1;
    for (var l = 0; l < nLanes; l++) {
      var ly = Math.round(yRow(S.laneTop + l)) + 0.5, lr = rows[S.laneTop + l];
      if (lr.host !== undefined) { ctx.fillStyle = '#eef0f5'; ctx.fillRect(LEFT, ly - lr.h / 2, W - LEFT, lr.h); continue; }
      ctx.beginPath(); ctx.moveTo(LEFT, ly); ctx.lineTo(W, ly); ctx.stroke();
    }
    var lastLane = S.laneTop + lanesFit();
    var spansMissing = drawSpans(a, b, S.laneTop, lastLane);
    // Arrows: the messages in view, at most MAX_DRAWN (evenly sampled when denser).
    var candidates = [], total = 0, missing = 0, ks = chunksIn(a, b), sampled = ks.length > MAX_VIEW_CHUNKS;
    // Zoomed far out, a few chunks spread over the window stand for all (loading every chunk would not fit memory).
    if (sampled) ks = Array.from({ length: MAX_VIEW_CHUNKS }, function (_, i) { return ks[Math.floor(i * (ks.length - 1) / (MAX_VIEW_CHUNKS - 1))]; });
    ks.forEach(function (k) {
      var c = need(k);
      if (!c) { missing++; return; }
      var lo = 0, hi = c.rows;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (c.view.getFloat64(mid * ROW, true) < a) lo = mid + 1; else hi = mid; }
      var from = Math.max(0, lo - 256), to = lo;
      while (to < c.rows && c.view.getFloat64(to * ROW, true) <= b) to++;
      candidates.push([k, c, from, to]);
      total += to - from;
    });
    var stride = Math.max(1, Math.ceil(total / MAX_DRAWN));
    S.dense = stride > 1 || sampled;
    S.drawn = [];
    var labelRight = new Map();
    ctx.font = '11px ui-monospace, monospace';
    candidates.forEach(function (cand) {
      var k = cand[0], c = cand[1];
      for (var r = cand[2]; r < cand[3]; r += stride) {
        var m = row(c, r), tEnd = m.tEnd < 0 ? m.t : m.tEnd;
        if (tEnd < a) continue;
        var rs = laneRow[m.src], rd = laneRow[m.dst];
        var inSrc = rs >= S.laneTop && rs <= lastLane, inDst = rd >= S.laneTop && rd <= lastLane;
        if (!inSrc && !inDst) continue;
        var x1 = x(m.t), y1 = y(m.src), x2 = x(tEnd), y2 = y(m.dst);
        var sel = S.selected && S.selected.id === m.id;
        ctx.globalAlpha = !sel && hooks.dimmed && hooks.dimmed(m, laneHost[m.src]) ? 0.12 : 1;
        ctx.strokeStyle = sel ? '#e0457b' : KIND_COLOURS[m.kind] || '#333';
        ctx.lineWidth = sel ? 3 : 1.3;
        ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
        if (m.tEnd >= 0) {
          var ang = Math.atan2(y2 - y1, x2 - x1);
          ctx.fillStyle = ctx.strokeStyle;
          ctx.beginPath(); ctx.moveTo(x2, y2);
          ctx.lineTo(x2 - 7 * Math.cos(ang - 0.4), y2 - 7 * Math.sin(ang - 0.4));
          ctx.lineTo(x2 - 7 * Math.cos(ang + 0.4), y2 - 7 * Math.sin(ang + 0.4)); ctx.fill();
        } else {
          ctx.fillStyle = ctx.strokeStyle; ctx.fillRect(x1 - 2, y1 - 2, 4, 4);
        }
        S.drawn.push({ x1: x1, y1: y1, x2: x2, y2: y2, chunk: k, row: r, id: m.id });
        // A label only where it does not overlap the last one on its lane (none on a folded lane).
        if (inSrc && !S.dense && rows[rs].h === LANE_H) {
          var text = meta.types[m.type], tw = ctx.measureText(text).width, lx = x1 + 3;
          if (lx > LEFT && (labelRight.get(rs) === undefined || lx > labelRight.get(rs) + 4)) {
            ctx.fillStyle = sel ? '#e0457b' : '#39404f';
            ctx.fillText(text, lx, y1 - 4);
            labelRight.set(rs, lx + tw);
          }
        }
      }
    });
    ctx.globalAlpha = 1;
    // The time ruler and the lane names stay put whatever the scroll: drawn last, over the arrows.
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, TOP); ctx.fillRect(0, 0, LEFT, H);
    ctx.strokeStyle = '#d9dce3'; ctx.beginPath(); ctx.moveTo(0, TOP + 0.5); ctx.lineTo(W, TOP + 0.5); ctx.moveTo(LEFT + 0.5, 0); ctx.lineTo(LEFT + 0.5, H); ctx.stroke();
    var step = niceStep(S.nsPerPx * 110), lastLabel = -Infinity;
    ctx.fillStyle = '#6b7385'; ctx.font = '11px ui-monospace, monospace';
    for (var t = Math.ceil(a / step) * step; t <= b; t += step) {
      var tx = x(t);
      ctx.fillRect(Math.round(tx), TOP - 6, 1, 6);
      var label = ruler(t, step), lw = ctx.measureText(label).width;
      if (tx - lw / 2 > lastLabel + 8 && tx - lw / 2 > LEFT) { ctx.fillText(label, tx - lw / 2, TOP - 10); lastLabel = tx + lw / 2; }
    }
    var names = [];
    for (var i = 0; i < nLanes; i++) {
      var dr = rows[S.laneTop + i], hostRow = dr.host !== undefined, indent = 18, cy = yRow(S.laneTop + i);
      var name = hostRow ? dr.host : meta.lanes[dr.lane], folded = hostRow ? S.foldedHosts[dr.hi] : S.folded[dr.lane];
      // Under a host header a lane shows its actor's name, indented.
      if (!hostRow && laneHost[dr.lane] >= 0) { name = name.slice(name.indexOf('/') + 1); indent = 30; }
      if (hostRow) { ctx.fillStyle = '#eef0f5'; ctx.fillRect(0, cy - dr.h / 2, LEFT, dr.h); }
      ctx.fillStyle = '#8a91a1'; ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(folded ? '▸' : '▾', indent - 12, cy + 4);
      ctx.font = hostRow ? '700 12px system-ui, sans-serif' : folded ? '500 10px system-ui, sans-serif' : '600 12px system-ui, sans-serif';
      ctx.fillStyle = hostRow ? '#2f3a52' : S.dragLane && S.dragLane.lane === dr.lane ? '#e0457b' : '#1d2330';
      if (ctx.measureText(name).width > LEFT - indent - 4) name = name.slice(0, 13) + '…';
      ctx.fillText(name, indent, cy + (folded && !hostRow ? 3 : 4));
      names.push(name);
    }
    if (S.dragLane && S.dragLane.moved && S.dragLane.overRow >= 0) {
      var dy = TOP + rowTop[S.dragLane.overRow + (S.dragLane.after ? 1 : 0)] - rowTop[S.laneTop];
      ctx.fillStyle = '#e0457b'; ctx.fillRect(0, dy - 1, W, 2);
    }
    view.dataset.rows = names.join('|');
    if (S.laneTop > 0 || S.laneTop + lanesFit() < rows.length) {
      ctx.font = '11px system-ui'; ctx.fillStyle = '#6b7385';
      ctx.fillText('rows ' + (S.laneTop + 1) + '-' + Math.min(rows.length, S.laneTop + lanesFit()) + ' of ' + rows.length, 8, 20);
    }
    drawOverview(a, b);
    setStatus(S.drawn.length + ' of ' + meta.total.toLocaleString('en-US') + ' messages drawn' + (S.dense ? ' (dense: zoom in for all)' : '') +
      (S.spansDense ? ', spans: zoom in' : '') +
      (missing + spansMissing ? ', loading ' + (missing + spansMissing) + ' file' + (missing + spansMissing > 1 ? 's' : '') : '') + ' · ' + fmt(a) + ' – ' + fmt(b));
    view.dataset.loading = String(missing + spansMissing);
    // Time to first paint (mksim bench trace): the first frame with its chunks and spans all drawn.
    if (!S.firstPaintMs && missing + spansMissing === 0 && S.drawn.length > 0) S.firstPaintMs = performance.now();
    if (hooks.afterDraw) hooks.afterDraw(a, b);
  }

  // ---- selection and navigation -----------------------------------------------
  function withRow(nr, r, then) {
    var c = need(nr);
    // A newer jump supersedes one still waiting for its chunk (else that chunk's arrival would undo it).
    if (c) { S.want = null; return then(row(c, r)); }
    S.want = { chunk: nr, then: function () { withRow(nr, r, then); } };
  }
  function chunkOfId(id, host) {
    // Several hosts: ids are per host, so the chunk is the last whose first id of that host is at most id.
    if (host >= 0 && meta.hostFirstIds && meta.hostFirstIds.length) {
      var found = -1;
      meta.hostFirstIds.forEach(function (f, k) { var first = f[host]; if (first !== undefined && first >= 0 && first <= id) found = k; });
      return found;
    }
    var list = meta.chunks, lo = 0, hi = list.length - 1;
    if (!list.length || id < list[0][2]) return -1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (list[mid][2] <= id) lo = mid; else hi = mid - 1; }
    return lo;
  }
  /** Scroll the lanes so that row k is in view. */
  function reveal(k1, k2) {
    var fitN = lanesFit();
    if (k1 < S.laneTop || k1 >= S.laneTop + fitN || k2 < S.laneTop || k2 >= S.laneTop + fitN) S.laneTop = Math.max(0, Math.min(k1, k2) - 1);
  }
  function show(nr, r, m) {
    S.selected = { id: m.id, chunk: nr, row: r };
    S.selectedSpan = null;
    var span = Math.max((m.tEnd < 0 ? m.t : m.tEnd) - m.t, 1000);
    if (S.nsPerPx > span / 50) S.nsPerPx = Math.max(span / 50, 0.01);
    S.startNs = m.t - (width() - LEFT) * S.nsPerPx * 0.4;
    reveal(laneRow[m.src], laneRow[m.dst]);
    details(m);
    if (hooks.onSelect) hooks.onSelect(m, nr, r);
    schedule();
  }
  function goTo(nr, r) { withRow(nr, r, function (m) { show(nr, r, m); }); }
  /** host: its number in meta.hosts (a run of several hosts, whose kernels number messages alike), else omitted. */
  function goToId(id, host) {
    if (host === undefined || host === null || isNaN(host)) host = -1;
    var nr = chunkOfId(id, host);
    if (nr < 0) { notFound(id); return; }
    var c = need(nr);
    if (!c) { S.want = { chunk: nr, then: function () { goToId(id, host); } }; return; }
    if (host >= 0) {
      for (var r = 0; r < c.rows; r++) {
        if (c.view.getFloat64(r * ROW + 16, true) === id && laneHost[c.view.getUint16(r * ROW + 32, true)] === host) { goTo(nr, r); return; }
      }
      notFound(id);
      return;
    }
    var lo = 0, hi = c.rows - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (c.view.getFloat64(mid * ROW + 16, true) <= id) lo = mid; else hi = mid - 1; }
    if (c.view.getFloat64(lo * ROW + 16, true) !== id) { notFound(id); return; }
    goTo(nr, lo);
  }
  function notFound(id) {
    var p = $('chain-note');
    var text = 'message #' + id + ' is not in this export (left out by its filters, or never sent)';
    if (p) p.textContent = text; else $('details').insertAdjacentHTML('afterbegin', '<p id="chain-note" class="missing">' + esc(text) + '</p>');
  }
  function goToLast() { var n = meta.chunks.length - 1; if (n >= 0) goTo(n, rowsOf(n) - 1); }
  function goToFirst() { if (meta.chunks.length) goTo(0, 0); }
  function details(m) {
    var dest = m.tEnd < 0 ? '<span class="missing">not delivered</span>' : fmt(m.tEnd) + ' (after ' + fmt(m.tEnd - m.t) + ')';
    $('details').innerHTML = '<h3>#' + m.id + ' ' + esc(meta.types[m.type]) + '</h3><table>' +
      '<tr><td>kind</td><td>' + KINDS[m.kind] + '</td></tr>' +
      '<tr><td>from</td><td>' + esc(meta.lanes[m.src]) + '</td></tr><tr><td>to</td><td>' + esc(meta.lanes[m.dst]) + '</td></tr>' +
      '<tr><td>sent</td><td>' + fmt(m.t) + '</td></tr><tr><td>delivered</td><td>' + dest + '</td></tr>' +
      '<tr><td>caused by</td><td>' + (m.cause < 0 ? 'nothing: a root' : '<a data-id="' + m.cause + '" data-host="' + laneHost[m.src] + '">#' + m.cause + '</a>') + '</td></tr></table>';
  }
  function peerName(p) { return p === NO_PEER ? '' : meta.peers[p]; }
  function spanDetails(s) {
    var rowsHtml = '<tr><td>actor</td><td>' + esc(meta.lanes[s.lane]) + '</td></tr>' +
      '<tr><td>from</td><td>' + fmt(s.startNs) + '</td></tr><tr><td>to</td><td>' + fmt(s.endNs) + '</td></tr>' +
      '<tr><td>for</td><td>' + fmt(s.endNs - s.startNs) + '</td></tr>';
    if (s.state === 2) rowsHtml += '<tr><td>on</td><td>' + (s.on ? esc(BLOCK_ON[s.on] + (s.on === 1 ? ' to ' : ' from ') + peerName(s.peer)) : 'not traced (boot with --trace-detail full)') + '</td></tr>';
    if (s.state === 3) rowsHtml += '<tr><td>request</td><td>' + (s.ref === NO_REF ? '' : '<a data-id="' + s.ref + '" data-host="' + laneHost[s.lane] + '">#' + s.ref + '</a>') + ' from ' + esc(peerName(s.peer)) + '</td></tr>';
    $('details').innerHTML = '<h3 class="span-title">' + STATES[s.state] + (s.state === 2 && s.on ? ' on ' + esc(peerName(s.peer)) : '') + '</h3><table>' + rowsHtml + '</table>';
  }
  function selectSpan(fileNr, i) {
    var f = fileNr < 0 ? longSpans : spanFiles.get(fileNr);
    if (!f) return;
    var s = spanAt(f, i);
    S.selectedSpan = { span: s };
    S.selected = null;
    spanDetails(s);
    schedule();
  }

  // ---- lanes: fold, move -------------------------------------------------------------
  function laneDetails(lane) {
    $('details').innerHTML = '<h3>lane ' + esc(meta.lanes[lane]) + '</h3><p>' +
      '<button data-lane-act="up" data-lane="' + lane + '">▲ up</button> <button data-lane-act="down" data-lane="' + lane + '">▼ down</button> ' +
      '<button data-lane-act="fold" data-lane="' + lane + '">' + (S.folded[lane] ? 'unfold' : 'fold') + '</button></p>' +
      '<p class="hint">Drag a lane\'s name to move it among its host\'s lanes; click ▸/▾ to fold.</p>';
  }
  function foldLane(lane) { if (S.folded[lane]) delete S.folded[lane]; else S.folded[lane] = true; layoutRows(); schedule(); }
  function foldHost(hi) { if (S.foldedHosts[hi]) delete S.foldedHosts[hi]; else S.foldedHosts[hi] = true; layoutRows(); schedule(); }
  /** Move a lane one place up (-1) or down (+1) among its host's lanes. */
  function moveLane(lane, delta) {
    var at = S.order.indexOf(lane), j = at + delta;
    while (j >= 0 && j < S.order.length && laneHost[S.order[j]] !== laneHost[lane]) j += delta;
    if (j < 0 || j >= S.order.length) return;
    S.order[at] = S.order[j]; S.order[j] = lane;
    layoutRows(); schedule();
  }
  /** Put a lane just before (or after) another of its host. */
  function moveLaneTo(lane, target, after) {
    if (lane === target || laneHost[lane] !== laneHost[target]) return;
    S.order.splice(S.order.indexOf(lane), 1);
    S.order.splice(S.order.indexOf(target) + (after ? 1 : 0), 0, lane);
    layoutRows(); schedule();
  }
  $('details').addEventListener('click', function (e) {
    var a = e.target.closest('a[data-id]');
    if (a) { goToId(+a.dataset.id, +a.dataset.host); return; }
    var b = e.target.closest('button[data-lane-act]');
    if (!b) return;
    var lane = +b.dataset.lane;
    if (b.dataset.laneAct === 'up') moveLane(lane, -1);
    else if (b.dataset.laneAct === 'down') moveLane(lane, 1);
    else foldLane(lane);
    laneDetails(lane);
  });

  // ---- input -------------------------------------------------------------------
  function zoomAt(px, factor) {
    var t = S.startNs + (px - LEFT) * S.nsPerPx;
    S.nsPerPx = Math.max(0.01, Math.min(1e12, S.nsPerPx / factor));
    S.startNs = t - (px - LEFT) * S.nsPerPx;
    schedule();
  }
  view.addEventListener('wheel', function (e) {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) zoomAt(e.offsetX, Math.exp(-e.deltaY / 300));
    else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) { S.startNs += (e.deltaX || e.deltaY) * S.nsPerPx; schedule(); }
    else { S.laneTop += e.deltaY > 0 ? 1 : -1; schedule(); }
  }, { passive: false });
  var drag = null, ovDrag = null;
  function local(e) { var r = canvas.getBoundingClientRect(); return { px: e.clientX - r.left, py: e.clientY - r.top }; }
  view.addEventListener('mousedown', function (e) {
    var p = local(e);
    if (p.px < LEFT) {
      var k = rowAtY(p.py);
      if (k >= 0 && rows[k].lane !== undefined) S.dragLane = { lane: rows[k].lane, y: e.clientY, moved: false, overRow: -1, after: false, px: p.px };
      else if (k >= 0) foldHost(rows[k].hi);
      return;
    }
    drag = { x: e.clientX, y: e.clientY, start: S.startNs, moved: false };
  });
  window.addEventListener('mousemove', function (e) {
    if (S.dragLane) {
      var dl = S.dragLane;
      if (Math.abs(e.clientY - dl.y) > 4) dl.moved = true;
      if (dl.moved) {
        var p = local(e), k = rowAtY(p.py);
        dl.overRow = k >= 0 && rows[k].lane !== undefined && laneHost[rows[k].lane] === laneHost[dl.lane] ? k : -1;
        dl.after = dl.overRow >= 0 && p.py > yRow(dl.overRow);
        schedule();
      }
      return;
    }
    if (ovDrag) { ovDrag.x1 = e.clientX - ov.getBoundingClientRect().left; if (Math.abs(ovDrag.x1 - ovDrag.x0) > 3) ovDrag.moved = true; schedule(); return; }
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) > 3) drag.moved = true;
    S.startNs = drag.start - (e.clientX - drag.x) * S.nsPerPx;
    schedule();
  });
  window.addEventListener('mouseup', function (e) {
    if (S.dragLane) {
      var dl = S.dragLane;
      S.dragLane = null;
      if (dl.moved) { if (dl.overRow >= 0) moveLaneTo(dl.lane, rows[dl.overRow].lane, dl.after); schedule(); }
      else if (dl.px < 18 + (laneHost[dl.lane] >= 0 ? 12 : 0)) foldLane(dl.lane);
      else laneDetails(dl.lane);
      return;
    }
    if (ovDrag) {
      var o = ovDrag;
      ovDrag = null;
      if (o.moved) zoomTo(S.ovTimeAt(Math.min(o.x0, o.x1)), S.ovTimeAt(Math.max(o.x0, o.x1)));
      else { var w = endNs() - S.startNs; S.startNs = S.ovTimeAt(o.x0) - w / 2; schedule(); }
      return;
    }
    if (drag && !drag.moved) pick(e);
    drag = null;
  });
  ovBox.addEventListener('mousedown', function (e) {
    if (!S.ovTimeAt) return;
    var px = e.clientX - ov.getBoundingClientRect().left;
    ovDrag = { x0: px, x1: px, moved: false };
    e.preventDefault();
  });
  function pick(e) {
    var p = local(e), px = p.px, py = p.py, best = null, bestD = 36;
    S.drawn.forEach(function (d) {
      var dx = d.x2 - d.x1, dy = d.y2 - d.y1, len = dx * dx + dy * dy;
      var u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - d.x1) * dx + (py - d.y1) * dy) / len));
      var ex = d.x1 + u * dx - px, ey = d.y1 + u * dy - py, dist = ex * ex + ey * ey;
      if (dist < bestD) { bestD = dist; best = d; }
    });
    if (best) { goTo(best.chunk, best.row); return; }
    // No arrow there: the span bar under the pointer, if any.
    for (var i = S.spansDrawn.length - 1; i >= 0; i--) {
      var s = S.spansDrawn[i];
      if (px >= s.x1 - 1 && px <= s.x2 + 1 && py >= s.y1 && py <= s.y2) { selectSpan(s.file, s.i); return; }
    }
  }
  view.addEventListener('keydown', function (e) {
    if (e.key === '+' || e.key === '=') zoomAt(LEFT + (width() - LEFT) / 2, 1.6);
    else if (e.key === '-') zoomAt(LEFT + (width() - LEFT) / 2, 1 / 1.6);
    else if (e.key === '0') fit();
    else if (e.key === 'End') goToLast();
    else if (e.key === 'Home') goToFirst();
    else if (e.key === 'ArrowDown') { S.laneTop++; schedule(); }
    else if (e.key === 'ArrowUp') { S.laneTop--; schedule(); }
  });
  $('zoom-in').onclick = function () { zoomAt(LEFT + (width() - LEFT) / 2, 1.6); };
  $('zoom-out').onclick = function () { zoomAt(LEFT + (width() - LEFT) / 2, 1 / 1.6); };
  $('fit').onclick = function () { fit(); };
  $('last').onclick = goToLast;
  $('first').onclick = goToFirst;
  $('goto').addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    var id = Number(e.target.value.replace(/^#/, ''));
    if (Number.isFinite(id)) goToId(id);
  });
  window.addEventListener('resize', resize);
  window.mksimTimeline = { state: S, goToId: goToId, rows: function () { return rows; }, goToLast: goToLast, meta: function () { return meta; }, loadedChunks: function () { return chunks.size; },
    // For the page's other scripts (timeline-search.ts): rows, chunks and the view.
    need: need, row: row, rowsOf: rowsOf, goTo: goTo, chunkOfId: chunkOfId, laneHost: function () { return laneHost; }, schedule: schedule,
    viewWidthPx: function () { return width() - LEFT; }, endNs: endNs, fmt: fmt, esc: esc, chunkName: chunkName,
    // Spans, the overview and the lanes (tests, and a page's own scripts).
    zoomTo: zoomTo, fit: fit, moveLane: moveLane, moveLaneTo: moveLaneTo, foldLane: foldLane, foldHost: foldHost, loadedSpanFiles: function () { return spanFiles.size; },
    longSpans: function () { return longSpans ? longSpans.n : -1; }, laneRowY: function (lane) { return laneRow[lane] === undefined ? null : { y: yRow(laneRow[lane]), h: rows[laneRow[lane]].h, x: LEFT }; } };
})();
`;
