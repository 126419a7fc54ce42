/*
 * The timeline viewer's style and script, inlined into the index.html that timeline.ts writes.
 *   TIMELINE_CSS      bar | canvas view | details
 *   TIMELINE_SCRIPT   plain browser JavaScript: mksimMeta(meta) and mksimChunk(nr, base64) are
 *                     called by meta.js and the chunk scripts it loads on demand
 * Actors are tracks (rows), time runs left to right, each message an arrow from its
 * send to its delivery. One canvas, redrawn per frame from the chunks in view, so
 * the page's size is the window's whatever the trace's (no scroll height to run out
 * of: Chromium stops at ~33.5 M px). Lane names stay in a column at the left, the
 * time ruler at the top; labels are drawn only where they do not overlap. A run of
 * several hosts: each host's lanes sit together under a header row naming it.
 */

export const TIMELINE_CSS = `
:root { --bg: #fbfbfd; --fg: #1d2330; --muted: #6b7385; --line: #d9dce3; --sel: #e0457b; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
body { display: grid; grid-template-rows: auto 1fr; }
#bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--line); background: #fff; }
#bar .spacer { flex: 1; }
#status { color: var(--muted); min-width: 320px; text-align: right; }
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

export const TIMELINE_SCRIPT = String.raw`
(function () {
  'use strict';
  var ROW = 40, LEFT = 120, TOP = 30, LANE_H = 30, MAX_DRAWN = 5000, MAX_CHUNKS = 12, MAX_VIEW_CHUNKS = 4;
  var KIND_COLOURS = ['#2f6fd6', '#c98a00', '#1f9d55', '#7b4fd6'], KINDS = ['send', 'notify', 'reply', 'senda'];
  var $ = function (id) { return document.getElementById(id); };
  var view = $('view'), canvas = $('canvas'), ctx = canvas.getContext('2d');
  var meta = null, chunks = new Map(), loading = new Set(), useTick = 0;
  var S = { startNs: 0, nsPerPx: 1, laneTop: 0, selected: null, drawn: [], dense: false, pending: false, want: null };
  // Hooks other page scripts fill (timeline-search.ts): onMeta(meta), onChunk(nr), dimmed(m, host), onSelect(m, nr, r), afterDraw(a, b).
  var hooks = window.mksimHooks = window.mksimHooks || {};

  function rowsOf(nr) { return nr < meta.chunks.length - 1 ? meta.chunkRows : meta.total - meta.chunkRows * (meta.chunks.length - 1); }
  function row(c, r) {
    var d = c.view, o = r * ROW;
    return { t: d.getFloat64(o, true), tEnd: d.getFloat64(o + 8, true), id: d.getFloat64(o + 16, true), cause: d.getFloat64(o + 24, true),
      src: d.getUint16(o + 32, true), dst: d.getUint16(o + 34, true), type: d.getUint16(o + 36, true), kind: d.getUint8(o + 38) };
  }
  function chunkName(nr) { var s = String(nr); while (s.length < 6) s = '0' + s; return 'chunks/' + s + '.js'; }
  function need(nr) {
    var c = chunks.get(nr);
    if (c) { c.used = ++useTick; return c; }
    if (!loading.has(nr)) {
      loading.add(nr);
      var el = document.createElement('script');
      el.src = chunkName(nr);
      el.onerror = function () { loading.delete(nr); setStatus('cannot load ' + chunkName(nr)); };
      document.body.appendChild(el);
      el.onload = function () { el.remove(); };
    }
    return null;
  }
  window.mksimChunk = function (nr, b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    loading.delete(nr);
    chunks.set(nr, { view: new DataView(bytes.buffer), rows: bytes.length / ROW, used: ++useTick });
    // Keep the most recently used chunks only: memory is bounded whatever the trace's size.
    while (chunks.size > MAX_CHUNKS) {
      var oldest = -1, oldestUse = Infinity;
      chunks.forEach(function (c, k) { if (c.used < oldestUse) { oldestUse = c.used; oldest = k; } });
      chunks.delete(oldest);
    }
    if (S.want && S.want.chunk === nr) { var w = S.want; S.want = null; w.then(); }
    if (hooks.onChunk) hooks.onChunk(nr);
    schedule();
  };
  // Display rows: a lane per actor, and with several hosts a header row above each host's lanes.
  var rows = [], laneRow = [], laneHost = [];
  function layoutRows() {
    var hosts = meta.hosts || [];
    laneHost = meta.lanes.map(function (n) { return hosts.length ? hosts.indexOf(n.slice(0, n.indexOf('/'))) : -1; });
    rows = []; laneRow = [];
    if (!hosts.length) { meta.lanes.forEach(function (_, i) { laneRow[i] = rows.length; rows.push({ lane: i }); }); return; }
    hosts.forEach(function (h, hi) {
      rows.push({ host: h });
      meta.lanes.forEach(function (_, i) { if (laneHost[i] === hi) { laneRow[i] = rows.length; rows.push({ lane: i }); } });
    });
  }
  window.mksimMeta = function (m) {
    meta = m;
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
  function lanesFit() { return Math.max(1, Math.floor((height() - TOP) / LANE_H)); }
  function x(t) { return LEFT + (t - S.startNs) / S.nsPerPx; }
  function yRow(k) { return TOP + (k - S.laneTop + 0.5) * LANE_H; }
  function y(lane) { return yRow(laneRow[lane]); }
  function endNs() { return S.startNs + (width() - LEFT) * S.nsPerPx; }

  function fit() {
    var first = meta.chunks.length ? meta.chunks[0][0] : 0;
    var span = Math.max(meta.endNs - first, 1);
    S.startNs = first - span * 0.01;
    S.nsPerPx = span * 1.02 / Math.max(100, width() - LEFT);
    schedule();
  }
  function clampLanes() { S.laneTop = Math.max(0, Math.min(S.laneTop, rows.length - lanesFit())); }
  function resize() {
    var dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width() * dpr); canvas.height = Math.round(height() * dpr);
    canvas.style.width = width() + 'px'; canvas.style.height = height() + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
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

  function draw() {
    var W = width(), H = height(), a = S.startNs, b = endNs();
    clampLanes();
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#fbfbfd'; ctx.fillRect(0, 0, W, H);
    var nLanes = Math.min(rows.length - S.laneTop, lanesFit() + 1);
    ctx.strokeStyle = '#e3e5ea'; ctx.lineWidth = 1;
    for (var l = 0; l < nLanes; l++) {
      var ly = Math.round(yRow(S.laneTop + l)) + 0.5;
      if (rows[S.laneTop + l].host !== undefined) { ctx.fillStyle = '#eef0f5'; ctx.fillRect(LEFT, ly - LANE_H / 2, W - LEFT, LANE_H); continue; }
      ctx.beginPath(); ctx.moveTo(LEFT, ly); ctx.lineTo(W, ly); ctx.stroke();
    }
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
    var labelRight = new Map(), lastLane = S.laneTop + lanesFit();
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
        // A label only where it does not overlap the last one on its lane.
        if (inSrc && !S.dense) {
          var text = meta.types[m.type], tw = ctx.measureText(text).width, lx = x1 + 3;
          if (lx > LEFT && (labelRight.get(m.src) === undefined || lx > labelRight.get(m.src) + 4)) {
            ctx.fillStyle = sel ? '#e0457b' : '#39404f';
            ctx.fillText(text, lx, y1 - 4);
            labelRight.set(m.src, lx + tw);
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
    ctx.font = '600 12px system-ui, sans-serif'; ctx.fillStyle = '#1d2330';
    var names = [];
    for (var i = 0; i < nLanes; i++) {
      var dr = rows[S.laneTop + i], hostRow = dr.host !== undefined, indent = 8;
      var name = hostRow ? dr.host : meta.lanes[dr.lane];
      // Under a host header a lane shows its actor's name, indented.
      if (!hostRow && laneHost[dr.lane] >= 0) { name = name.slice(name.indexOf('/') + 1); indent = 20; }
      ctx.font = hostRow ? '700 12px system-ui, sans-serif' : '600 12px system-ui, sans-serif';
      ctx.fillStyle = hostRow ? '#2f3a52' : '#1d2330';
      if (hostRow) { ctx.fillStyle = '#eef0f5'; ctx.fillRect(0, yRow(S.laneTop + i) - LANE_H / 2, LEFT, LANE_H); ctx.fillStyle = '#2f3a52'; }
      if (ctx.measureText(name).width > LEFT - indent - 4) name = name.slice(0, 13) + '…';
      ctx.fillText(name, indent, yRow(S.laneTop + i) + 4);
      names.push(name);
    }
    view.dataset.rows = names.join('|');
    if (S.laneTop > 0 || S.laneTop + lanesFit() < rows.length) {
      ctx.font = '11px system-ui'; ctx.fillStyle = '#6b7385';
      ctx.fillText('rows ' + (S.laneTop + 1) + '-' + Math.min(rows.length, S.laneTop + lanesFit()) + ' of ' + rows.length, 8, 20);
    }
    setStatus(S.drawn.length + ' of ' + meta.total.toLocaleString('en-US') + ' messages drawn' + (S.dense ? ' (dense: zoom in for all)' : '') +
      (missing ? ', loading ' + missing + ' chunk' + (missing > 1 ? 's' : '') : '') + ' · ' + fmt(a) + ' – ' + fmt(b));
    view.dataset.loading = String(missing);
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
  function show(nr, r, m) {
    S.selected = { id: m.id, chunk: nr, row: r };
    var span = Math.max((m.tEnd < 0 ? m.t : m.tEnd) - m.t, 1000);
    if (S.nsPerPx > span / 50) S.nsPerPx = Math.max(span / 50, 0.01);
    S.startNs = m.t - (width() - LEFT) * S.nsPerPx * 0.4;
    var lanes = lanesFit(), rs = laneRow[m.src], rd = laneRow[m.dst];
    if (rs < S.laneTop || rs >= S.laneTop + lanes || rd < S.laneTop || rd >= S.laneTop + lanes) S.laneTop = Math.max(0, Math.min(rs, rd) - 1);
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
  $('details').addEventListener('click', function (e) {
    var a = e.target.closest('a[data-id]');
    if (a) goToId(+a.dataset.id, +a.dataset.host);
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
  var drag = null;
  view.addEventListener('mousedown', function (e) { drag = { x: e.clientX, y: e.clientY, start: S.startNs, moved: false }; });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) > 3) drag.moved = true;
    S.startNs = drag.start - (e.clientX - drag.x) * S.nsPerPx;
    schedule();
  });
  window.addEventListener('mouseup', function (e) {
    if (drag && !drag.moved) pick(e);
    drag = null;
  });
  function pick(e) {
    var r = canvas.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top, best = null, bestD = 36;
    S.drawn.forEach(function (d) {
      var dx = d.x2 - d.x1, dy = d.y2 - d.y1, len = dx * dx + dy * dy;
      var u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - d.x1) * dx + (py - d.y1) * dy) / len));
      var ex = d.x1 + u * dx - px, ey = d.y1 + u * dy - py, dist = ex * ex + ey * ey;
      if (dist < bestD) { bestD = dist; best = d; }
    });
    if (best) goTo(best.chunk, best.row);
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
    viewWidthPx: function () { return width() - LEFT; }, endNs: endNs, fmt: fmt, esc: esc, chunkName: chunkName };
})();
`;
