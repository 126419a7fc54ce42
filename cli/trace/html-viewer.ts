/*
 * The HTML viewer's style and script, inlined into the page html.ts writes.
 *   VIEWER_CSS      the layout: filters | diagram | details, plots below
 *   VIEWER_SCRIPT   plain browser JavaScript (the project compiles without DOM types)
 * The diagram draws only the rows in view (plus a margin), capped at
 * MAX_DRAWN, so a 100,000-message trace scrolls as fast as a small one.
 * Sequence layout: one row per message; time layout: y proportional to
 * virtual time. Ctrl+wheel or +/- zoom about the pointer; drag or scroll pans.
 * Chromium caps an element's height near 33.5 M px, so past MAX_SCROLL_PX the
 * scroll bar is scaled: scroll position p stands for content offset p * ratio
 * (vTop/setVTop), and the last row stays reachable at any size. The time column
 * is drawn at the scroll's left edge, so it stays in view when lanes scroll right.
 */

export const VIEWER_CSS = `
:root { --bg: #fbfbfd; --fg: #1d2330; --muted: #6b7385; --line: #d9dce3; --send: #2f6fd6; --reply: #1f9d55; --notify: #c98a00; --async: #7b4fd6; --sel: #e0457b; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
body { display: grid; grid-template-rows: auto 1fr auto; }
#bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--line); background: #fff; }
#bar .spacer { flex: 1; }
#bar button { min-width: 28px; }
#status { color: var(--muted); min-width: 260px; text-align: right; }
main { display: grid; grid-template-columns: 190px 1fr 320px; min-height: 0; }
aside { overflow: auto; padding: 8px 10px; background: #fff; }
#filters { border-right: 1px solid var(--line); }
#details { border-left: 1px solid var(--line); }
aside h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 6px 0; }
aside h3 button { font-size: 10px; padding: 0 4px; margin-left: 4px; }
aside label { display: flex; gap: 6px; align-items: center; white-space: nowrap; }
aside label .count { color: var(--muted); margin-left: auto; font-variant-numeric: tabular-nums; }
#diagram { position: relative; overflow: auto; cursor: grab; outline: none; }
#diagram.dragging { cursor: grabbing; }
#svg { position: absolute; left: 0; top: 0; }
.lane { stroke: var(--line); stroke-width: 1; }
.lane-name { font-weight: 600; text-anchor: middle; }
.lane-head { fill: #fff; stroke: var(--line); }
.time-bg { fill: var(--bg); }
.time { fill: var(--muted); font: 11px ui-monospace, monospace; text-anchor: end; }
.msg { cursor: pointer; }
.msg line { stroke-width: 1.6; }
.msg text { font: 11px ui-monospace, monospace; text-anchor: middle; paint-order: stroke; stroke: var(--bg); stroke-width: 3px; }
.msg.k0 line { stroke: var(--send); } .msg.k0 text { fill: var(--send); }
.msg.k1 line { stroke: var(--notify); stroke-dasharray: 2 3; } .msg.k1 text { fill: #946500; }
.msg.k2 line { stroke: var(--reply); stroke-dasharray: 6 3; } .msg.k2 text { fill: var(--reply); }
.msg.k3 line { stroke: var(--async); } .msg.k3 text { fill: var(--async); }
.msg line.hit { stroke: transparent !important; stroke-width: 12 !important; stroke-dasharray: none !important; }
.msg:hover line { stroke-width: 2.6; }
.msg.chain line { stroke: var(--sel); } .msg.chain text { fill: var(--sel); }
.msg.selected line { stroke: var(--sel); stroke-width: 3; } .msg.selected text { fill: var(--sel); font-weight: 700; }
.mark { stroke: #fff; stroke-width: 1; }
.mark.state { fill: #7b4fd6; } .mark.log { fill: #6b7385; } .mark.fault, .mark.error { fill: #d33; } .mark.other { fill: #c98a00; }
#details table { border-collapse: collapse; width: 100%; }
#details td { padding: 2px 4px; vertical-align: top; }
#details td:first-child { color: var(--muted); white-space: nowrap; }
#details pre { background: #f3f4f8; padding: 6px; overflow: auto; max-height: 240px; font-size: 12px; }
#details ol { padding-left: 18px; margin: 4px 0; }
#details a { color: var(--send); cursor: pointer; text-decoration: none; }
#details a:hover { text-decoration: underline; }
.hint { color: var(--muted); }
#plots { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; padding: 6px 10px; border-top: 1px solid var(--line); background: #fff; }
#plots figure { margin: 0; }
#plots figcaption { color: var(--muted); font-size: 12px; }
.plot { width: 100%; height: 110px; display: block; cursor: crosshair; }
.plot .series { fill: none; stroke: var(--send); stroke-width: 1.3; }
.plot .axis { stroke: var(--line); }
.plot .label { fill: var(--muted); font-size: 10px; }
.plot .window { fill: rgba(224, 69, 123, .12); stroke: var(--sel); stroke-width: .8; }
.plot .empty { fill: var(--muted); font-size: 12px; }
`;

export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('trace-data').textContent);
  var M = D.messages, lanes = D.lanes, types = D.types;
  var KINDS = ['send', 'notify', 'reply', 'senda'];
  var TOP = 34, LEFT = 96, MAX_DRAWN = 1500, MAX_MARKS = 600, MAX_HEIGHT = 2e7, MAX_SCROLL_PX = 1.5e7, LABEL_GAP_PX = 13;
  var svgNs = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };
  var diagram = $('diagram'), svg = $('svg'), spacer = $('spacer');

  // Several hosts: lanes are host/actor and each host's kernel numbers its own messages,
  // so a message is known by host:id (its cause and request are on its own host).
  var hosts = D.hosts || [];
  var laneHost = lanes.map(function (n) { return hosts.length ? n.slice(0, n.indexOf('/')) : ''; });
  function key(m, id) { return laneHost[m[2]] + ':' + id; }
  var byId = new Map(), children = new Map();
  M.forEach(function (m, i) {
    byId.set(key(m, m[5]), i);
    [m[6], m[7]].forEach(function (parent) {
      if (parent < 0) return;
      var list = children.get(key(m, parent));
      if (!list) children.set(key(m, parent), list = []);
      if (list.indexOf(i) < 0) list.push(i);
    });
  });
  var t0 = M.length > 0 ? M[0][0] : 0;
  var tEnd = Math.max(D.endNs, t0 + 1);

  var S = { layout: 'sequence', rowH: 26, nsPerPx: 1, laneOn: lanes.map(function () { return true; }),
    typeOn: types.map(function () { return true; }), vis: [], selected: -1, chain: new Set(), pending: false };
  S.nsPerPx = Math.max((tEnd - t0) / 4000, (tEnd - t0) / MAX_HEIGHT, 1);

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function us(ns) { return (ns / 1000).toFixed(3); }
  function payloadText(p, max) {
    if (p === null || p === undefined) return '';
    var parts = [];
    Object.keys(p).forEach(function (k) {
      var v = p[k];
      var s = v && typeof v === 'object' && Object.keys(v).length === 1 && 'bytes' in v ? '<' + v.bytes + ' bytes>' : typeof v === 'string' ? v : JSON.stringify(v);
      parts.push(k + '=' + s);
    });
    var text = parts.join(' ');
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
  }

  // ---- filters -------------------------------------------------------------
  function buildFilters() {
    var laneCount = lanes.map(function () { return 0; }), typeCount = types.map(function () { return 0; });
    M.forEach(function (m) { laneCount[m[2]]++; if (m[3] !== m[2]) laneCount[m[3]]++; typeCount[m[4]]++; });
    fill($('actors'), lanes, laneCount, 'actor', S.laneOn);
    fill($('types'), types, typeCount, 'type', S.typeOn);
    document.querySelectorAll('aside h3 button').forEach(function (b) {
      b.addEventListener('click', function () {
        var on = b.classList.contains('all'), list = b.dataset.for === 'actors' ? S.laneOn : S.typeOn;
        for (var i = 0; i < list.length; i++) list[i] = on;
        document.querySelectorAll('#' + b.dataset.for + ' input').forEach(function (c) { c.checked = on; });
        applyFilters();
      });
    });
  }
  function fill(box, names, counts, kind, flags) {
    box.innerHTML = names.map(function (n, i) {
      return '<label><input type="checkbox" checked data-kind="' + kind + '" data-i="' + i + '" name="' + kind + '-' + esc(n) + '">' +
        esc(n) + '<span class="count">' + counts[i] + '</span></label>';
    }).join('');
    box.addEventListener('change', function (e) {
      var c = e.target;
      flags[+c.dataset.i] = c.checked;
      applyFilters();
    });
  }
  function applyFilters() {
    var vis = [];
    for (var i = 0; i < M.length; i++) {
      var m = M[i];
      if (S.laneOn[m[2]] && S.laneOn[m[3]] && S.typeOn[m[4]]) vis.push(i);
    }
    S.vis = vis;
    layoutLanes();
    resize();
  }

  // ---- geometry --------------------------------------------------------------
  var laneX = [], contentW = 0;
  function layoutLanes() {
    var shown = [];
    lanes.forEach(function (_, i) { if (S.laneOn[i]) shown.push(i); });
    // Several hosts: each host's lanes side by side, hosts in order of appearance.
    if (hosts.length) shown.sort(function (a, b) { return hosts.indexOf(laneHost[a]) - hosts.indexOf(laneHost[b]) || a - b; });
    var laneW = Math.max(130, (diagram.clientWidth - LEFT - 20) / Math.max(1, shown.length));
    laneX = lanes.map(function () { return -1; });
    shown.forEach(function (lane, k) { laneX[lane] = LEFT + k * laneW + laneW / 2; });
    contentW = LEFT + shown.length * laneW + 20;
  }
  function yOfRow(k) {
    if (S.layout === 'sequence') return TOP + k * S.rowH + S.rowH / 2;
    return TOP + 12 + (M[S.vis[k]][0] - t0) / S.nsPerPx;
  }
  function yOfTime(t) { return TOP + 12 + (t - t0) / S.nsPerPx; }
  function timeAtY(y) { return t0 + (y - TOP - 12) * S.nsPerPx; }
  function contentH() {
    return S.layout === 'sequence' ? TOP + S.vis.length * S.rowH + 40 : TOP + 40 + (tEnd - t0) / S.nsPerPx;
  }
  /** The scroll range the spacer gives (capped), and the content offset at the top of the view. */
  function scrollH() { return Math.min(contentH(), MAX_SCROLL_PX); }
  function ratio() {
    var h = diagram.clientHeight, room = scrollH() - h;
    return room > 0 ? Math.max(1, (contentH() - h) / room) : 1;
  }
  function vTop() { return diagram.scrollTop * ratio(); }
  function setVTop(v) { diagram.scrollTop = Math.max(0, v) / ratio(); }
  /** First visible row whose send time is at or after t. */
  function rowAtTime(t) {
    var lo = 0, hi = S.vis.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (M[S.vis[mid]][0] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function visibleRows() {
    var top = vTop(), h = diagram.clientHeight;
    if (S.layout === 'sequence') {
      return [Math.max(0, Math.floor((top - TOP) / S.rowH) - 2), Math.min(S.vis.length, Math.ceil((top + h - TOP) / S.rowH) + 2)];
    }
    return [Math.max(0, rowAtTime(timeAtY(top - 30))), Math.min(S.vis.length, rowAtTime(timeAtY(top + h + 30)))];
  }

  // ---- drawing ---------------------------------------------------------------
  function resize() {
    spacer.style.width = contentW + 'px';
    spacer.style.height = scrollH() + 'px';
    render();
  }
  function schedule() {
    if (S.pending) return;
    S.pending = true;
    requestAnimationFrame(function () { S.pending = false; render(); });
  }
  function render() {
    var top = vTop(), h = diagram.clientHeight, left = diagram.scrollLeft;
    svg.setAttribute('width', contentW);
    svg.setAttribute('height', h);
    svg.style.top = diagram.scrollTop + 'px';
    var range = visibleRows(), from = range[0], to = range[1];
    var stride = Math.max(1, Math.ceil((to - from) / MAX_DRAWN));
    var out = ['<defs>'];
    ['send', 'notify', 'reply', 'async', 'sel'].forEach(function (n) {
      out.push('<marker id="arrow-' + n + '" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" style="fill:var(--' + n + ')"/></marker>');
    });
    out.push('</defs>');
    lanes.forEach(function (_, i) {
      if (laneX[i] < 0) return;
      out.push('<line class="lane" x1="' + laneX[i] + '" y1="0" x2="' + laneX[i] + '" y2="' + h + '"/>');
    });
    var drawn = 0, times = [], lastLabelY = -Infinity;
    for (var k = from; k < to; k += stride) {
      var i = S.vis[k], m = M[i];
      var y = yOfRow(k) - top, x1 = laneX[m[2]], x2 = laneX[m[3]];
      var kind = m[8], sel = i === S.selected, inChain = S.chain.has(i);
      var marker = sel || inChain ? 'sel' : ['send', 'notify', 'reply', 'async'][kind];
      var dir = x2 >= x1 ? 1 : -1;
      var label = types[m[4]];
      var extra = payloadText(m[9], Math.max(0, Math.floor(Math.abs(x2 - x1) / 7) - label.length - 1));
      if (extra) label += ' ' + extra;
      // In the time layout rows close in time would print over each other: a row within
      // LABEL_GAP_PX of the last labelled one keeps its arrow and loses its labels.
      var labelled = S.layout === 'sequence' || y - lastLabelY >= LABEL_GAP_PX;
      if (labelled) { lastLabelY = y; times.push([y, us(m[0])]); }
      out.push('<g class="msg k' + kind + (sel ? ' selected' : '') + (inChain ? ' chain' : '') + '" data-i="' + i + '" data-type="' + esc(types[m[4]]) + '">' +
        '<line class="hit" x1="' + x1 + '" y1="' + y + '" x2="' + x2 + '" y2="' + y + '"/>' +
        '<line x1="' + x1 + '" y1="' + y + '" x2="' + (x2 - dir * 2) + '" y2="' + y + '" marker-end="url(#arrow-' + marker + ')"/>' +
        (labelled ? '<text x="' + ((x1 + x2) / 2) + '" y="' + (y - 4) + '">' + esc(label) + '</text>' : '') + '</g>');
      drawn++;
    }
    drawMarks(out, top, h, from, to);
    out.push('<rect class="lane-head" x="0" y="0" width="' + contentW + '" height="' + (TOP - 4) + '"/>');
    lanes.forEach(function (name, i) {
      if (laneX[i] < 0) return;
      out.push('<text class="lane-name" x="' + laneX[i] + '" y="' + (TOP - 12) + '">' + esc(name) + '</text>');
    });
    // The time column, drawn last at the view's left edge: it stays in view when the lanes scroll right.
    out.push('<g id="time-column"><rect class="time-bg" x="' + left + '" y="0" width="' + (LEFT - 4) + '" height="' + h + '"/>');
    times.forEach(function (t) { out.push('<text class="time" x="' + (left + LEFT - 12) + '" y="' + (t[0] + 4) + '">' + t[1] + '</text>'); });
    out.push('<text class="time" x="' + (left + LEFT - 12) + '" y="' + (TOP - 12) + '" style="font-weight:600">µs</text></g>');
    svg.innerHTML = out.join('');
    $('status').textContent = 'showing ' + S.vis.length + ' of ' + M.length + ' messages · ' + drawn + ' drawn' + (stride > 1 ? ' (dense: zoom in)' : '');
    svg.dataset.drawn = String(drawn);
    drawWindow();
  }
  function drawMarks(out, top, h, from, to) {
    if (D.events.length === 0) return;
    var tFrom = S.layout === 'sequence' ? (from < S.vis.length ? M[S.vis[from]][0] : Infinity) : timeAtY(top);
    var tTo = S.layout === 'sequence' ? (to < S.vis.length ? M[S.vis[to]][0] : tEnd) : timeAtY(top + h);
    var lo = 0, hi = D.events.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (D.events[mid][0] < tFrom) lo = mid + 1; else hi = mid; }
    for (var e = lo, n = 0; e < D.events.length && D.events[e][0] <= tTo && n < MAX_MARKS; e++) {
      var ev = D.events[e];
      if (!S.laneOn[ev[1]]) continue;
      var y = (S.layout === 'sequence' ? yOfRow(rowAtTime(ev[0])) - S.rowH / 2 : yOfTime(ev[0])) - top;
      var cls = ev[2] === 'state' || ev[2] === 'log' || ev[2] === 'fault' || ev[2] === 'error' ? ev[2] : 'other';
      out.push('<circle class="mark ' + cls + '" cx="' + laneX[ev[1]] + '" cy="' + y + '" r="4"><title>' + esc(us(ev[0]) + ' µs ' + ev[2] + ': ' + ev[3]) + '</title></circle>');
      n++;
    }
  }

  // ---- details and causal chain ----------------------------------------------
  function ancestors(i) {
    var out = [], seen = new Set();
    for (var m = M[i]; m && m[6] >= 0 && !seen.has(m[6]) && out.length < 200; ) {
      seen.add(m[6]);
      var j = byId.get(key(m, m[6]));
      if (j === undefined) break;
      out.unshift(j);
      m = M[j];
    }
    return out;
  }
  function descendants(i) {
    var out = [], queue = [i], seen = new Set([i]);
    while (queue.length > 0 && out.length < 500) {
      var mq = M[queue.shift()], kids = children.get(key(mq, mq[5])) || [];
      kids.forEach(function (j) { if (!seen.has(j)) { seen.add(j); out.push(j); queue.push(j); } });
    }
    return out.sort(function (a, b) { return a - b; });
  }
  function link(i) {
    var m = M[i];
    return '<li><a data-goto="' + i + '">#' + m[5] + ' ' + esc(lanes[m[2]]) + ' → ' + esc(lanes[m[3]]) + ' ' + esc(types[m[4]]) + '</a> <span class="hint">' + us(m[0]) + ' µs</span></li>';
  }
  function select(i) {
    S.selected = i;
    var m = M[i], up = ancestors(i), down = descendants(i);
    S.chain = new Set(up.concat(down));
    var rows = [['message', '#' + m[5] + ' (' + KINDS[m[8]] + ')'], ['type', esc(types[m[4]])], ['from → to', esc(lanes[m[2]]) + ' → ' + esc(lanes[m[3]])],
      ['sent', us(m[0]) + ' µs'], ['delivered', m[1] < 0 ? 'never' : us(m[1]) + ' µs' + (m[1] > m[0] ? ' (waited ' + us(m[1] - m[0]) + ' µs)' : '')],
      ['cause', m[6] < 0 ? '—' : '#' + m[6]]];
    if (m[7] >= 0) {
      var req = byId.get(key(m, m[7]));
      rows.push(['answers', '#' + m[7] + (req !== undefined ? ' (rtt ' + us(m[0] - M[req][0]) + ' µs)' : '')]);
    }
    var html = '<h3>Message</h3><table>' + rows.map(function (r) { return '<tr><td>' + r[0] + '</td><td>' + r[1] + '</td></tr>'; }).join('') + '</table>' +
      '<h3>Payload</h3><pre id="payload">' + esc(m[9] === null ? '(none)' : JSON.stringify(m[9], null, 2)) + '</pre>' +
      '<h3>Caused by</h3>' + (up.length ? '<ol id="chain-up">' + up.map(link).join('') + '</ol>' : '<p class="hint">nothing: a root</p>') +
      '<h3>Caused, transitively (' + down.length + ')</h3>' + (down.length ? '<ol id="chain-down">' + down.map(link).join('') + '</ol>' : '<p class="hint">nothing</p>');
    $('details').innerHTML = html;
    render();
  }
  function goTo(i) {
    var k = S.vis.indexOf(i);
    if (k < 0) {
      // A chain link to a message the filters hide: say so (and offer to show it) rather than do nothing.
      var m = M[i], note = $('chain-note');
      var text = '#' + m[5] + ' ' + types[m[4]] + ' (' + lanes[m[2]] + ' → ' + lanes[m[3]] + ') is hidden by the filters. ';
      if (!note) { $('details').insertAdjacentHTML('afterbegin', '<p id="chain-note" class="hint"></p>'); note = $('chain-note'); }
      note.textContent = text;
      note.insertAdjacentHTML('beforeend', '<a data-show="' + i + '">show it</a>');
      return;
    }
    setVTop(yOfRow(k) - diagram.clientHeight / 2);
    select(i);
  }
  function showHidden(i) {
    var m = M[i];
    [[S.laneOn, m[2], 'actor-' + lanes[m[2]]], [S.laneOn, m[3], 'actor-' + lanes[m[3]]], [S.typeOn, m[4], 'type-' + types[m[4]]]].forEach(function (f) {
      f[0][f[1]] = true;
      var box = document.querySelector('input[name="' + CSS.escape(f[2]) + '"]');
      if (box) box.checked = true;
    });
    applyFilters();
    goTo(i);
  }
  $('details').addEventListener('click', function (e) {
    var a = e.target.closest('a[data-goto]');
    if (a) goTo(+a.dataset.goto);
    var show = e.target.closest('a[data-show]');
    if (show) showHidden(+show.dataset.show);
  });
  svg.addEventListener('click', function (e) {
    if (S.dragged) return;
    var g = e.target.closest('.msg');
    if (g) select(+g.dataset.i);
  });

  // ---- zoom and pan ----------------------------------------------------------
  function zoom(factor, clientY) {
    var rect = diagram.getBoundingClientRect();
    var anchorY = (clientY === undefined ? rect.top + diagram.clientHeight / 2 : clientY) - rect.top;
    var contentY = vTop() + anchorY;
    if (S.layout === 'sequence') {
      var row = (contentY - TOP) / S.rowH;
      S.rowH = Math.min(120, Math.max(6, S.rowH * factor));
      spacer.style.height = scrollH() + 'px';
      setVTop(TOP + row * S.rowH - anchorY);
    } else {
      var t = timeAtY(contentY);
      S.nsPerPx = Math.max((tEnd - t0) / MAX_HEIGHT, 0.05, Math.min(1e9, S.nsPerPx / factor));
      spacer.style.height = scrollH() + 'px';
      setVTop(yOfTime(t) - anchorY);
    }
    render();
  }
  diagram.addEventListener('wheel', function (e) {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientY);
  }, { passive: false });
  diagram.addEventListener('scroll', schedule);
  diagram.addEventListener('mousedown', function (e) {
    if (e.button !== 0) return;
    var x = e.clientX, y = e.clientY, left = diagram.scrollLeft, top = vTop();
    S.dragged = false;
    function move(ev) {
      if (Math.abs(ev.clientX - x) + Math.abs(ev.clientY - y) > 4) { S.dragged = true; diagram.classList.add('dragging'); }
      diagram.scrollLeft = left - (ev.clientX - x);
      setVTop(top - (ev.clientY - y));
    }
    function up() {
      diagram.classList.remove('dragging');
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      setTimeout(function () { S.dragged = false; }, 0);
    }
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  });
  document.addEventListener('keydown', function (e) {
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
    if (e.key === '+' || e.key === '=') zoom(1.25);
    else if (e.key === '-') zoom(0.8);
    else if (e.key === '0') resetZoom();
  });
  function resetZoom() {
    S.rowH = 26;
    S.nsPerPx = Math.max((tEnd - t0) / 4000, (tEnd - t0) / MAX_HEIGHT, 1);
    resize();
  }
  $('zoom-in').addEventListener('click', function () { zoom(1.25); });
  $('zoom-out').addEventListener('click', function () { zoom(0.8); });
  $('zoom-reset').addEventListener('click', resetZoom);
  $('layout').addEventListener('change', function (e) {
    var k = visibleRows()[0];
    var t = k < S.vis.length ? M[S.vis[k]][0] : t0;
    S.layout = e.target.value;
    resize();
    setVTop((S.layout === 'sequence' ? yOfRow(rowAtTime(t)) : yOfTime(t)) - TOP);
    render();
  });
  window.addEventListener('resize', function () { layoutLanes(); resize(); drawPlots(); });

  // ---- plots -------------------------------------------------------------------
  var PAD_L = 34, PAD_B = 14;
  function plotSeries(el, series, step, yMax, fmt, emptyText) {
    var w = el.clientWidth || 400, h = el.clientHeight || 110;
    el.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    if (series.length === 0) {
      el.innerHTML = '<text class="empty" x="' + (w / 2) + '" y="' + (h / 2) + '" text-anchor="middle">' + emptyText + '</text>';
      return;
    }
    var x = function (t) { return PAD_L + (t - t0) / (tEnd - t0) * (w - PAD_L - 4); };
    var y = function (v) { return 4 + (1 - v / (yMax || 1)) * (h - PAD_B - 8); };
    // Decimate: per pixel column keep the first, min, max and last values.
    var pts = [], col = -1, lo = 0, hi = 0, last = 0;
    function flush() { if (col >= 0) { pts.push([col, lo], [col, hi], [col, last]); } }
    series.forEach(function (p) {
      var c = Math.round(x(p[0]));
      if (c !== col) { flush(); col = c; lo = hi = p[1]; if (step && pts.length) pts.push([c, pts[pts.length - 1][1]]); pts.push([c, p[1]]); }
      lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); last = p[1];
    });
    flush();
    var d = pts.map(function (p, i) { return (i ? 'L' : 'M') + p[0].toFixed(1) + ',' + y(p[1]).toFixed(1); }).join('');
    el.innerHTML = '<line class="axis" x1="' + PAD_L + '" y1="' + (h - PAD_B) + '" x2="' + w + '" y2="' + (h - PAD_B) + '"/>' +
      '<line class="axis" x1="' + PAD_L + '" y1="4" x2="' + PAD_L + '" y2="' + (h - PAD_B) + '"/>' +
      '<text class="label" x="' + (PAD_L - 4) + '" y="10" text-anchor="end">' + fmt(yMax) + '</text>' +
      '<text class="label" x="' + (PAD_L - 4) + '" y="' + (h - PAD_B) + '" text-anchor="end">0</text>' +
      '<text class="label" x="' + PAD_L + '" y="' + (h - 2) + '">' + us(t0) + ' µs</text>' +
      '<text class="label" x="' + w + '" y="' + (h - 2) + '" text-anchor="end">' + us(tEnd) + ' µs</text>' +
      '<path class="series" d="' + d + '"/><rect class="window" x="0" y="4" width="0" height="' + (h - PAD_B - 4) + '"/>';
    el.dataset.points = String(series.length);
  }
  function drawPlots() {
    var maxCyl = D.disk.reduce(function (a, p) { return Math.max(a, p[1]); }, 0);
    plotSeries($('disk-plot'), D.disk, true, Math.max(1, maxCyl), function (v) { return String(v); }, 'no disk records in this trace');
    plotSeries($('cache-plot'), D.cache, false, 1, function (v) { return (v * 100).toFixed(0) + '%'; }, 'no cache records in this trace');
    $('cache-window').textContent = String(D.cacheWindow);
    drawWindow();
  }
  function drawWindow() {
    var range = visibleRows();
    if (S.vis.length === 0) return;
    var a = M[S.vis[Math.min(range[0], S.vis.length - 1)]][0], b = M[S.vis[Math.max(0, Math.min(range[1], S.vis.length) - 1)]][0];
    ['disk-plot', 'cache-plot'].forEach(function (id) {
      var el = $(id), r = el.querySelector('.window');
      if (!r) return;
      var w = el.clientWidth || 400;
      var x = function (t) { return PAD_L + (t - t0) / (tEnd - t0) * (w - PAD_L - 4); };
      r.setAttribute('x', x(a));
      r.setAttribute('width', Math.max(1.5, x(b) - x(a)));
    });
  }
  ['disk-plot', 'cache-plot'].forEach(function (id) {
    $(id).addEventListener('click', function (e) {
      var el = $(id), rect = el.getBoundingClientRect();
      var t = t0 + (e.clientX - rect.left - PAD_L) / (rect.width - PAD_L - 4) * (tEnd - t0);
      var k = Math.min(rowAtTime(t), S.vis.length - 1);
      if (k >= 0) setVTop(yOfRow(k) - diagram.clientHeight / 2);
    });
  });

  buildFilters();
  applyFilters();
  drawPlots();
  window.mksimViewer = { select: select, goTo: goTo, state: S, messages: M, contentHeight: contentH, scrollRatio: ratio };
})();
`;
