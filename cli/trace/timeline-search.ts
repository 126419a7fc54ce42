/*
 * Search and navigation in the timeline viewer: the page script after TIMELINE_SCRIPT.
 *   SEARCH_BAR_HTML, SEARCH_PANEL_HTML, SEARCH_CSS   the search box in the bar, the panel under the details
 *   SEARCH_SCRIPT   plain browser JavaScript on window.mksimTimeline and window.mksimHooks: search (by #id,
 *                   type:, actor:, is:error, is:avc, or text in types, actors and payloads), results with
 *                   next/previous, the selected message's causal chain (next/previous, only this chain) and
 *                   its breakdown, latency histograms, the view in the URL, export of a selection
 * Chunks are scanned a slice at a time (SLICE_ROWS, then the page breathes), one chunk in memory
 * at a time; payload text and per-row extras come from the sidecar files timeline-text.ts writes.
 */

export const SEARCH_BAR_HTML = `<label>search <input id="search" size="22" placeholder="READ, type:X, actor:fs, is:error, is:avc, block=7"></label>
  <button id="search-prev" title="previous result (Shift+Enter)">▲</button><button id="search-next" title="next result (Enter)">▼</button>`;

export const SEARCH_PANEL_HTML = `<section id="search-panel">
  <p id="search-status" aria-live="polite"></p>
  <ol id="results"></ol>
  <p class="tools"><button id="hist-toggle">latency histograms</button>
  export <select id="export-what"><option value="window">visible window</option><option value="chain">selected chain</option></select>
  <button id="export-jsonl">JSONL</button><button id="export-mermaid">Mermaid</button><button id="export-perfetto">Perfetto command</button></p>
  <pre id="export-note"></pre>
  <div id="histograms" hidden></div>
</section>`;

export const SEARCH_CSS = `
main { grid-template-rows: minmax(0, 1fr) auto; }
#view { grid-column: 1; grid-row: 1 / 3; }
#details { grid-column: 2; grid-row: 1; }
#search-panel { grid-column: 2; grid-row: 2; max-height: 48vh; overflow: auto; padding: 6px 10px; background: #fff; border-left: 1px solid var(--line); border-top: 1px solid var(--line); }
#search-panel:empty { display: none; }
#search-status { margin: 0 0 4px; color: var(--muted); }
#results { margin: 0; padding-left: 0; list-style: none; font: 12px ui-monospace, monospace; }
#results li { cursor: pointer; padding: 1px 2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#results li.current { background: #fde4ee; }
#search-panel .tools { margin: 6px 0 2px; }
#export-note { white-space: pre-wrap; font-size: 11px; margin: 2px 0; }
#chain table, #histograms table { border-collapse: collapse; }
#chain .num, #histograms .num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 9px; background: #2f6fd6; vertical-align: middle; }
.bar.rtt { background: #1f9d55; }
`;

export const SEARCH_SCRIPT = String.raw`
(function () {
  'use strict';
  var TL = window.mksimTimeline, hooks = window.mksimHooks, ROW = 40, SPAN = 4294967296;
  var FLAG_ERROR = 1, FLAG_AVC = 2, KIND_REPLY = 2, KINDS = ['send', 'notify', 'reply', 'send'];
  // Bounds: rows scanned per slice before the page gets a turn, results kept, rows listed,
  // sidecar chunks kept, chunks a chain is followed through, messages in a chain, steps up to its root.
  var SLICE_ROWS = 32768, MAX_RESULTS = 10000, LIST_SHOWN = 200, MAX_TEXT_CHUNKS = 4, MAX_EXTRA_CHUNKS = 16;
  var CHAIN_CHUNKS = 3, MAX_CHAIN = 20000, MAX_UP = 1000, MAX_EXPORT_CHUNKS = 4, MERMAID_MAX_CHARS = 50000;
  var $ = function (id) { return document.getElementById(id); };
  var meta = null, tick = 0;
  var sidecars = { txt: new Map(), x: new Map() }, sideWaiters = [], binWaiters = [];
  var Q = { job: null, query: '', results: [], cursor: -1, done: false, more: false, cancelled: false };
  var C = { job: null, chain: null, only: false, selected: null };
  var restoring = null, lastHash = null;

  // ---- chunks: the binary rows (the viewer's cache) and the two sidecars ----------------
  function withChunk(nr, then) {
    var c = TL.need(nr);
    if (c) { then(c); return; }
    binWaiters.push({ nr: nr, then: then });
  }
  hooks.onChunk = function (nr) {
    var ready = binWaiters.filter(function (w) { return w.nr === nr; });
    binWaiters = binWaiters.filter(function (w) { return w.nr !== nr; });
    ready.forEach(function (w) { var c = TL.need(nr); if (c) w.then(c); else binWaiters.push(w); });
  };
  function sideName(kind, nr) { return TL.chunkName(nr).replace(/\.js$/, '.' + kind + '.js'); }
  function withSide(kind, nr, then) {
    var cache = sidecars[kind], got = cache.get(nr);
    if (got) { got.used = ++tick; then(got.data); return; }
    var first = !sideWaiters.some(function (w) { return w.kind === kind && w.nr === nr; });
    sideWaiters.push({ kind: kind, nr: nr, then: then });
    if (!first) return;
    var el = document.createElement('script');
    el.src = sideName(kind, nr);
    el.onerror = function () { el.remove(); settleSide(kind, nr, null); setSearchStatus('cannot load ' + sideName(kind, nr)); };
    el.onload = function () { el.remove(); };
    document.body.appendChild(el);
  }
  function settleSide(kind, nr, data) {
    var cache = sidecars[kind];
    if (data !== null) {
      cache.set(nr, { data: data, used: ++tick });
      var limit = kind === 'txt' ? MAX_TEXT_CHUNKS : MAX_EXTRA_CHUNKS;
      while (cache.size > limit) {
        var oldest = -1, oldestUse = Infinity;
        cache.forEach(function (v, k) { if (v.used < oldestUse) { oldestUse = v.used; oldest = k; } });
        cache.delete(oldest);
      }
    }
    var ready = sideWaiters.filter(function (w) { return w.kind === kind && w.nr === nr; });
    sideWaiters = sideWaiters.filter(function (w) { return !(w.kind === kind && w.nr === nr); });
    ready.forEach(function (w) { w.then(data); });
  }
  window.mksimText = function (nr, text) { settleSide('txt', nr, text); };
  window.mksimExtra = function (nr, x) {
    settleSide('x', nr, { flags: new Map(x.flags), cpu: new Map(x.cpu), re: new Map(x.re), avc: new Map(x.avc),
      disk: new Map(x.disk.map(function (d) { return [d[0], d.slice(1)]; })) });
  };
  /** The binary chunk and the sidecars a job needs, then go on. */
  function withAll(nr, kinds, then) {
    withChunk(nr, function (c) {
      var out = { c: c }, left = kinds.slice();
      (function next() {
        if (!left.length) { then(out); return; }
        var kind = left.shift();
        withSide(kind, nr, function (data) { out[kind] = data; next(); });
      })();
    });
  }

  function hostNr(m) { var h = TL.laneHost()[m.src]; return h >= 0 ? h : 0; }
  function keyOf(id, host) { return host * SPAN + id; }
  function label(m) { return '#' + m.id + ' ' + meta.types[m.type] + ' ' + meta.lanes[m.src] + ' → ' + meta.lanes[m.dst]; }
  function esc(s) { return TL.esc(s); }
  function fmt(ns) { return TL.fmt(ns); }
  function later(fn) { setTimeout(fn, 0); }

  /** Where message #id (on host, or -1 for a run of one host) is: then({nr, r, m}) or then(null). */
  function locate(id, host, then) {
    var nr = TL.chunkOfId(id, host);
    if (nr < 0) { then(null); return; }
    withChunk(nr, function (c) {
      var r;
      if (host >= 0) {
        for (r = 0; r < c.rows; r++) if (c.view.getFloat64(r * ROW + 16, true) === id && TL.laneHost()[c.view.getUint16(r * ROW + 32, true)] === host) { then({ nr: nr, r: r, m: TL.row(c, r) }); return; }
        then(null); return;
      }
      var lo = 0, hi = c.rows - 1;
      while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (c.view.getFloat64(mid * ROW + 16, true) <= id) lo = mid; else hi = mid - 1; }
      then(c.view.getFloat64(lo * ROW + 16, true) === id ? { nr: nr, r: lo, m: TL.row(c, lo) } : null);
    });
  }

  // ---- search -----------------------------------------------------------------------
  function parseQuery(text) {
    var q = { text: text, mode: 'text', types: new Set(), lanes: new Set(), flag: 0, needles: [] }, m;
    var lower = text.toLowerCase();
    if ((m = /^#(\d+)$/.exec(text))) { q.mode = 'id'; q.id = Number(m[1]); return q; }
    if ((m = /^type:(.+)$/.exec(text))) {
      q.mode = 'type';
      meta.types.forEach(function (t, i) { if (t === m[1]) q.types.add(i); });
      return q;
    }
    if ((m = /^actor:(.+)$/.exec(text))) {
      q.mode = 'actor';
      meta.lanes.forEach(function (l, i) { if (l === m[1] || l.slice(l.indexOf('/') + 1) === m[1]) q.lanes.add(i); });
      return q;
    }
    if (/^(is:errors?|errors?)$/.test(lower)) { q.mode = 'flag'; q.flag = FLAG_ERROR; return q; }
    if (/^(is:avc|is:denied|avc|denied|denials?)$/.test(lower)) { q.mode = 'flag'; q.flag = FLAG_AVC; return q; }
    meta.types.forEach(function (t, i) { if (t.toLowerCase().indexOf(lower) >= 0) q.types.add(i); });
    meta.lanes.forEach(function (l, i) { if (l.toLowerCase().indexOf(lower) >= 0) q.lanes.add(i); });
    q.needles.push(lower);
    // key=value as the text view writes it: find it in the payload's JSON too.
    if ((m = /^(\w+)=(.*)$/.exec(text))) {
      var json = '"' + m[1] + '":', asNumber = (json + m[2]).toLowerCase(), asString = (json + '"' + m[2] + '"').toLowerCase();
      // A whole value: block=7 is not block=70 (the JSON goes on with , or }).
      q.needles = [lower, asNumber + ',', asNumber + '}', asString + ',', asString + '}'];
    }
    return q;
  }
  function kindsFor(q) { return q.mode === 'text' ? ['txt', 'x'] : q.mode === 'flag' ? ['x'] : []; }
  function matches(q, d, r) {
    var o = r * ROW, v = d.c.view, type = v.getUint16(o + 36, true), src = v.getUint16(o + 32, true), dst = v.getUint16(o + 34, true);
    if (q.mode === 'type') return q.types.has(type);
    if (q.mode === 'actor') return q.lanes.has(src) || q.lanes.has(dst);
    if (q.mode === 'flag') return ((d.x && d.x.flags.get(r)) & q.flag) !== 0;
    if (q.types.has(type) || q.lanes.has(src) || q.lanes.has(dst)) return true;
    var text = d.txt && d.txt[r] ? d.txt[r].toLowerCase() : '', avc = d.x && d.x.avc.get(r) ? d.x.avc.get(r).toLowerCase() : '';
    for (var i = 0; i < q.needles.length; i++) if (text.indexOf(q.needles[i]) >= 0 || avc.indexOf(q.needles[i]) >= 0) return true;
    return false;
  }
  function setSearchStatus(text) { $('search-status').textContent = text; }
  function cancelSearch() {
    if (Q.job && !Q.done) { Q.job = null; Q.done = true; Q.cancelled = true; setSearchStatus('search for "' + Q.query + '" cancelled: ' + Q.results.length + ' found before'); renderResults(); }
  }
  function runSearch(text, jump) {
    text = text.trim();
    Q.job = null;
    Q.query = text; Q.results = []; Q.cursor = -1; Q.done = false; Q.more = false; Q.cancelled = false;
    $('results').innerHTML = '';
    if (!text || !meta) { Q.done = true; setSearchStatus(''); updateHash(); return; }
    var q = parseQuery(text), job = {};
    Q.job = job;
    if (q.mode === 'id') {
      // Several hosts number their messages alike: #id is looked up on each.
      var hosts = meta.hosts && meta.hosts.length ? meta.hosts.map(function (_, h) { return h; }) : [-1];
      (function next(i) {
        if (Q.job !== job) return;
        if (i < hosts.length) {
          locate(q.id, hosts[i], function (at) {
            if (at) Q.results.push({ nr: at.nr, r: at.r, id: at.m.id, text: label(at.m) });
            next(i + 1);
          });
          return;
        }
        Q.done = true;
        var n = Q.results.length;
        setSearchStatus(n ? n + ' result' + (n > 1 ? 's' : '') + ' for "' + text + '"' : 'no message #' + q.id + ' in this export');
        renderResults();
        if (n && jump !== false) goToResult(0);
        updateHash();
      })(0);
      return;
    }
    var kinds = kindsFor(q), nr = 0, r = 0, total = meta.chunks.length;
    function step() {
      if (Q.job !== job) return;
      if (nr >= total) { finishSearch(job, jump); return; }
      withAll(nr, kinds, function (d) {
        if (Q.job !== job) return;
        var end = Math.min(d.c.rows, r + SLICE_ROWS);
        for (; r < end; r++) {
          if (!matches(q, d, r)) continue;
          if (Q.results.length >= MAX_RESULTS) { Q.more = true; r = d.c.rows; nr = total; break; }
          var m = TL.row(d.c, r);
          Q.results.push({ nr: nr, r: r, id: m.id, text: label(m) });
        }
        if (r >= d.c.rows) { nr++; r = 0; }
        setSearchStatus('searching "' + text + '": chunk ' + Math.min(nr + 1, total) + ' of ' + total + ', ' + Q.results.length + ' found (Esc cancels)');
        later(step);
      });
    }
    setSearchStatus('searching "' + text + '": chunk 1 of ' + total + ' (Esc cancels)');
    later(step);
  }
  function finishSearch(job, jump) {
    Q.done = true;
    var n = Q.results.length;
    setSearchStatus(n === 0 ? 'no message matches "' + Q.query + '"'
      : n.toLocaleString('en-US') + ' result' + (n > 1 ? 's' : '') + ' for "' + Q.query + '"' + (Q.more ? ' (the first ' + MAX_RESULTS + ' kept)' : ''));
    renderResults();
    if (n > 0 && jump !== false) goToResult(0);
    updateHash();
  }
  function renderResults() {
    var from = Math.max(0, Math.min(Q.cursor - LIST_SHOWN / 2, Q.results.length - LIST_SHOWN)), html = '';
    for (var i = from; i < Math.min(Q.results.length, from + LIST_SHOWN); i++) {
      html += '<li data-i="' + i + '"' + (i === Q.cursor ? ' class="current"' : '') + '>' + esc(Q.results[i].text) + '</li>';
    }
    $('results').innerHTML = html;
  }
  function goToResult(i) {
    if (!Q.results.length) return;
    Q.cursor = (i + Q.results.length) % Q.results.length;
    var res = Q.results[Q.cursor];
    TL.goTo(res.nr, res.r);
    renderResults();
    var cur = $('results').querySelector('li.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
    if (Q.done) setSearchStatus('result ' + (Q.cursor + 1) + ' of ' + Q.results.length.toLocaleString('en-US') + (Q.more ? '+' : '') + ' for "' + Q.query + '"');
  }
  $('results').addEventListener('click', function (e) { var li = e.target.closest('li[data-i]'); if (li) goToResult(+li.dataset.i); });
  $('search').addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { cancelSearch(); return; }
    if (e.key !== 'Enter') return;
    var text = e.target.value.trim();
    // A new query, or one cancelled: search (again); else Enter is the next result.
    if (text !== Q.query || !Q.done || Q.cancelled) runSearch(text);
    else goToResult(Q.cursor + (e.shiftKey ? -1 : 1));
  });
  $('search-next').onclick = function () { goToResult(Q.cursor + 1); };
  $('search-prev').onclick = function () { goToResult(Q.cursor - 1); };
  window.addEventListener('keydown', function (e) { if (e.key === 'Escape') cancelSearch(); });

  // ---- the selected message's causal chain ---------------------------------------------
  hooks.onSelect = function (m, nr, r) {
    var host = hostNr(m), k = keyOf(m.id, host);
    C.selected = { m: m, nr: nr, r: r, host: host };
    if (restoring && restoring.window) { applyWindow(restoring.window); restoring = null; }
    if (C.chain && C.chain.index.has(k)) { renderChain(); return; }
    C.chain = null;
    computeChain(m, nr, r);
  };
  hooks.dimmed = function (m, laneHost) {
    return C.only && C.chain !== null && !C.chain.index.has(keyOf(m.id, laneHost >= 0 ? laneHost : 0));
  };
  /** Up the cause links to the root, then forward from it: a message belongs if its cause (or the request it answers) does. */
  function computeChain(m, nr, r) {
    var job = {}, host = hostNr(m), hostArg = TL.laneHost()[m.src];
    C.job = job;
    var steps = 0, note = '';
    (function up(at) {
      if (C.job !== job) return;
      if (at.m.cause < 0 || steps >= MAX_UP) { forward(at); return; }
      steps++;
      locate(at.m.cause, hostArg, function (parent) {
        if (parent) up(parent);
        else { note = 'its cause #' + at.m.cause + ' is not in this export'; forward(at); }
      });
    })({ nr: nr, r: r, m: m });
    function forward(root) {
      var members = [], index = new Map(), cut = false, k = root.nr, row = root.r, last = Math.min(meta.chunks.length, root.nr + CHAIN_CHUNKS);
      function add(d, rr, mm) {
        var x = d.x, disk = x ? x.disk.get(rr) : null;
        index.set(keyOf(mm.id, host), members.length);
        members.push({ nr: k, r: rr, m: mm, cpuNs: x ? x.cpu.get(rr) || 0 : 0, disk: disk || null, re: x && x.re.has(rr) ? x.re.get(rr) : mm.cause });
      }
      (function step() {
        if (C.job !== job) return;
        if (k >= last || cut) { done(); return; }
        withAll(k, ['x'], function (d) {
          if (C.job !== job) return;
          if (k === root.nr && row === root.r) { add(d, row, root.m); row++; }
          var end = Math.min(d.c.rows, row + SLICE_ROWS), v = d.c.view;
          for (; row < end; row++) {
            var o = row * ROW, cause = v.getFloat64(o + 24, true), re = d.x ? d.x.re.get(row) : undefined;
            if (!(cause >= 0 && index.has(keyOf(cause, host))) && !(re !== undefined && index.has(keyOf(re, host)))) continue;
            var mm = TL.row(d.c, row);
            if (hostNr(mm) !== host) continue;
            if (members.length >= MAX_CHAIN) { cut = true; break; }
            add(d, row, mm);
          }
          if (row >= d.c.rows) { k++; row = 0; }
          later(step);
        });
      })();
      function done() {
        if (k >= last && last < meta.chunks.length) note = (note ? note + '; ' : '') + 'followed through ' + CHAIN_CHUNKS + ' chunks from its root';
        if (cut) note = (note ? note + '; ' : '') + 'cut at ' + MAX_CHAIN + ' messages';
        C.chain = { members: members, index: index, rootId: root.m.id, host: host, note: note };
        C.job = null;
        renderChain();
        TL.schedule();
      }
    }
  }
  /** The part of the chain the selected message caused, as trace --cause ID follows it, with its times summed. */
  function breakdown() {
    var ch = C.chain, sel = C.selected;
    if (!ch || !sel) return null;
    var at = ch.index.get(keyOf(sel.m.id, sel.host));
    if (at === undefined) return null;
    var ids = new Set([sel.m.id]), b = { id: sel.m.id, messages: 0, queueNs: 0, cpuNs: 0, seekNs: 0, rotNs: 0, xferNs: 0, disk: 0, rttNs: null };
    for (var i = at; i < ch.members.length; i++) {
      var e = ch.members[i], m = e.m;
      if (i > at && !ids.has(m.cause) && !ids.has(e.re)) continue;
      ids.add(m.id);
      b.messages++;
      if (m.tEnd >= 0) b.queueNs += m.tEnd - m.t;
      b.cpuNs += e.cpuNs;
      if (e.disk) { b.disk++; b.seekNs += e.disk[0]; b.rotNs += e.disk[1]; b.xferNs += e.disk[2]; }
      if (b.rttNs === null && m.kind === KIND_REPLY && (e.re === sel.m.id || m.cause === sel.m.id) && i > at) b.rttNs = m.t - sel.m.t;
    }
    return b;
  }
  function renderChain() {
    var box = $('chain');
    if (!box) { box = document.createElement('div'); box.id = 'chain'; $('details').appendChild(box); }
    var ch = C.chain, sel = C.selected;
    if (!ch) { box.innerHTML = '<p class="hint">following its causal chain…</p>'; return; }
    var i = ch.index.get(keyOf(sel.m.id, sel.host)), kids = ch.members.filter(function (e) { return e.m.cause === sel.m.id; });
    var html = '<h4>causal chain of #' + ch.rootId + '</h4><p><span id="chain-pos">' + (i + 1) + ' of ' + ch.members.length + '</span> ' +
      '<button id="chain-prev" title="previous in the chain ([)">◀</button><button id="chain-next" title="next in the chain (])">▶</button> ' +
      '<label><input type="checkbox" id="chain-only"' + (C.only ? ' checked' : '') + '> only this chain</label></p>' +
      (ch.note ? '<p class="hint">' + esc(ch.note) + '</p>' : '') +
      '<p>caused: ' + (kids.length ? kids.slice(0, 20).map(function (e) { return '<a data-chain="' + ch.index.get(keyOf(e.m.id, ch.host)) + '">#' + e.m.id + ' ' + esc(meta.types[e.m.type]) + '</a>'; }).join(', ') + (kids.length > 20 ? ', …' : '') : 'nothing') + '</p>';
    var b = breakdown();
    if (b) {
      var rows = [['messages it caused (and it)', String(b.messages)], ['round trip (request → reply)', b.rttNs === null ? 'no reply in the chain' : fmt(b.rttNs)],
        ['queue wait (send → delivery)', fmt(b.queueNs)], ['handler CPU', fmt(b.cpuNs)]];
      if (b.disk) rows.push(['disk seek', fmt(b.seekNs)], ['disk rotation', fmt(b.rotNs)], ['disk transfer', fmt(b.xferNs)]);
      html += '<h4>breakdown of #' + b.id + '</h4><table id="breakdown">' + rows.map(function (rw) { return '<tr><td>' + rw[0] + '</td><td class="num">' + rw[1] + '</td></tr>'; }).join('') + '</table>';
    }
    box.innerHTML = html;
  }
  function chainStep(delta) {
    var ch = C.chain, sel = C.selected;
    if (!ch || !sel) return;
    var i = ch.index.get(keyOf(sel.m.id, sel.host));
    if (i === undefined) return;
    var e = ch.members[Math.max(0, Math.min(ch.members.length - 1, i + delta))];
    TL.goTo(e.nr, e.r);
  }
  $('details').addEventListener('click', function (e) {
    var link = e.target.closest('a[data-chain]');
    if (e.target.id === 'chain-prev') chainStep(-1);
    else if (e.target.id === 'chain-next') chainStep(1);
    else if (link && C.chain) { var to = C.chain.members[+link.dataset.chain]; if (to) TL.goTo(to.nr, to.r); }
  });
  $('details').addEventListener('change', function (e) {
    if (e.target.id === 'chain-only') { C.only = e.target.checked; TL.schedule(); }
  });
  $('view').addEventListener('keydown', function (e) {
    if (e.key === ']') chainStep(1);
    else if (e.key === '[') chainStep(-1);
  });

  // ---- latency histograms per message type (computed at export) ---------------------------
  function bucketLabel(k) { return k === 0 ? '0' : '< ' + fmt(Math.pow(2, k)); }
  function sum(a) { return (a || []).reduce(function (s, v) { return s + v; }, 0); }
  function renderHistograms() {
    var lat = meta.search ? meta.search.latency : {}, types = Object.keys(lat), html = '';
    types.sort(function (a, b) { return sum(lat[b].queue) + sum(lat[b].rtt) - sum(lat[a].queue) - sum(lat[a].rtt); });
    types.forEach(function (t) {
      var h = lat[t];
      html += '<h4 data-type="' + esc(t) + '">' + esc(t) + '</h4><table>';
      [['queue', 'send → delivery', h.queue], ['rtt', 'request → reply', h.rtt]].forEach(function (part) {
        var counts = part[2] || [], n = sum(counts), max = Math.max.apply(null, counts.concat([1]));
        if (!n) return;
        html += '<tr><td colspan="3">' + part[1] + ': <span class="total" data-kind="' + part[0] + '">' + n + '</span></td></tr>';
        counts.forEach(function (c, k) {
          if (c) html += '<tr data-kind="' + part[0] + '" data-bucket="' + k + '"><td>' + bucketLabel(k) + '</td><td class="num">' + c + '</td><td><span class="bar' + (part[0] === 'rtt' ? ' rtt' : '') + '" style="width:' + Math.max(1, Math.round(120 * c / max)) + 'px"></span></td></tr>';
        });
      });
      html += '</table>';
    });
    $('histograms').innerHTML = html || '<p class="hint">no delivered messages</p>';
  }
  $('hist-toggle').onclick = function () { var h = $('histograms'); h.hidden = !h.hidden; if (!h.hidden) renderHistograms(); };

  // ---- the view in the URL: #t=from,to&sel=id[@host]&q=query --------------------------------
  function applyWindow(w) {
    TL.state.startNs = w[0];
    TL.state.nsPerPx = Math.max(0.01, (w[1] - w[0]) / Math.max(1, TL.viewWidthPx()));
    TL.schedule();
  }
  function updateHash() {
    if (!meta || restoring) return;
    var S = TL.state, parts = ['t=' + Math.round(S.startNs) + ',' + Math.round(TL.endNs())];
    if (S.selected) {
      var lh = C.selected ? TL.laneHost()[C.selected.m.src] : -1;
      parts.push('sel=' + S.selected.id + (lh >= 0 ? '@' + lh : ''));
    }
    if (Q.query) parts.push('q=' + encodeURIComponent(Q.query));
    var hash = '#' + parts.join('&');
    if (hash === lastHash) return;
    lastHash = hash;
    try { history.replaceState(null, '', hash); } catch (e) { location.replace(hash); }
  }
  hooks.afterDraw = function () { updateHash(); };
  function restore() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (p) { var i = p.indexOf('='); if (i > 0) params[p.slice(0, i)] = decodeURIComponent(p.slice(i + 1)); });
    var w = /^(-?\d+),(-?\d+)$/.exec(params.t || ''), win = w && +w[2] > +w[1] ? [+w[1], +w[2]] : null;
    if (params.q) { $('search').value = params.q; runSearch(params.q, false); }
    var sel = /^(\d+)(?:@(\d+))?$/.exec(params.sel || '');
    if (sel) {
      restoring = { window: win };
      locate(+sel[1], sel[2] === undefined ? -1 : +sel[2], function (at) {
        if (at) TL.goTo(at.nr, at.r);
        else { if (win) applyWindow(win); restoring = null; }
      });
    } else if (win) applyWindow(win);
  }

  // ---- export of a selection: JSONL, Mermaid, the Perfetto command line ------------------------
  /** The rows of the visible window (sent in it) or of the selected chain, with payload text: then(list) or then(null, why). */
  function selection(what, then) {
    if (what === 'chain') {
      if (!C.chain) { then(null, 'select a message first: its causal chain is the selection'); return; }
      var byChunk = [], list = [];
      C.chain.members.forEach(function (e) { if (byChunk.indexOf(e.nr) < 0) byChunk.push(e.nr); });
      (function next(i) {
        if (i >= byChunk.length) { then(list); return; }
        withSide('txt', byChunk[i], function (txt) {
          C.chain.members.forEach(function (e) { if (e.nr === byChunk[i]) list.push({ m: e.m, text: txt ? txt[e.r] : '', re: e.re }); });
          next(i + 1);
        });
      })(0);
      return;
    }
    var w = windowRange(), a = w[0], b = w[1], ks = [];
    meta.chunks.forEach(function (c, k) { if (c[0] <= b && c[1] >= a) ks.push(k); });
    if (ks.length > MAX_EXPORT_CHUNKS) { then(null, 'the window holds ' + ks.length + ' chunks of ' + meta.chunkRows + ' messages: zoom in to at most ' + MAX_EXPORT_CHUNKS); return; }
    var out = [];
    (function next(i) {
      if (i >= ks.length) { then(out); return; }
      withAll(ks[i], ['txt', 'x'], function (d) {
        for (var r = 0; r < d.c.rows; r++) {
          var t = d.c.view.getFloat64(r * ROW, true);
          if (t < a || t > b) continue;
          out.push({ m: TL.row(d.c, r), text: d.txt ? d.txt[r] : '', re: d.x && d.x.re.has(r) ? d.x.re.get(r) : undefined });
        }
        next(i + 1);
      });
    })(0);
  }
  /** The visible window in whole ns, as --from/--to take it. */
  function windowRange() { return [Math.max(0, Math.ceil(TL.state.startNs)), Math.floor(TL.endNs())]; }
  function splitLane(name) { var i = meta.hosts && meta.hosts.length ? name.indexOf('/') : -1; return i < 0 ? { actor: name } : { host: name.slice(0, i), actor: name.slice(i + 1) }; }
  function toJsonl(list) {
    var recs = [];
    list.forEach(function (e, i) {
      var m = e.m, src = splitLane(meta.lanes[m.src]), dst = splitLane(meta.lanes[m.dst]);
      var base = { id: m.id, src: src.actor, dst: dst.actor, type: meta.types[m.type], cause: m.cause < 0 ? null : m.cause };
      var send = { t: m.t, ev: KINDS[m.kind] };
      Object.keys(base).forEach(function (k) { send[k] = base[k]; });
      if (m.kind === 3) send.async = true;
      if (m.kind === KIND_REPLY) send.re = e.re === undefined ? m.cause : e.re;
      if (e.text) { try { send.msg = JSON.parse(e.text); } catch (err) { send.msgCut = e.text; } }
      if (src.host !== undefined) send.host = src.host;
      recs.push({ rec: send, order: 2 * i });
      if (m.tEnd >= 0) {
        var del = { t: m.tEnd, ev: 'deliver' };
        Object.keys(base).forEach(function (k) { del[k] = base[k]; });
        if (src.host !== undefined) del.host = src.host;
        recs.push({ rec: del, order: 2 * i + 1 });
      }
    });
    recs.sort(function (x, y) { return x.rec.t - y.rec.t || x.order - y.order; });
    var header = { seq: 1, t: 0, ev: 'header' }, h = meta.header || {};
    Object.keys(h).forEach(function (k) { header[k] = h[k]; });
    header.selection = 'from the timeline of ' + meta.title + ': ' + list.length + ' messages';
    return [JSON.stringify(header)].concat(recs.map(function (x, i) { var r = { seq: i + 2 }; Object.keys(x.rec).forEach(function (k) { r[k] = x.rec[k]; }); return JSON.stringify(r); })).join('\n') + '\n';
  }
  function escapeMermaid(text) {
    return String(text).replace(/[\r\n]+/g, ' ').replace(/[#;<>{}"&%]/g, function (ch) { return '#' + ch.charCodeAt(0) + ';'; })
      .replace(/\bend\b/gi, function (w) { return '#' + w.charCodeAt(0) + ';' + w.slice(1); });
  }
  function payloadText(json, maxChars) {
    var out = '';
    try {
      var o = JSON.parse(json);
      out = Object.keys(o).map(function (k) { var v = o[k]; return k + '=' + (typeof v === 'string' && /^[A-Za-z0-9_./:@+-]+$/.test(v) ? v : JSON.stringify(v)); }).join(' ');
    } catch (e) { out = json || ''; }
    return out.length > maxChars ? out.slice(0, maxChars - 1) + '…' : out;
  }
  /** A sequenceDiagram kept under Mermaid's 50,000 characters (its maxTextSize), as trace export --format mermaid. */
  function toMermaid(list) {
    var used = [], lines = [], chars = 'sequenceDiagram\n'.length, skipped = 0;
    function alias(lane) { return 'p' + (lane + 1); }
    function participant(lane) { return '    participant ' + alias(lane) + ' as ' + escapeMermaid(meta.lanes[lane]); }
    list.forEach(function (e) {
      var m = e.m, arrow = m.kind === KIND_REPLY ? '-->>' : m.kind === 1 ? '-)' : '->>', payload = payloadText(e.text, 40);
      var text = '    ' + alias(m.src) + arrow + alias(m.dst) + ': ' + escapeMermaid(meta.types[m.type] + (payload ? ' ' + payload : '') + ' #' + m.id);
      var cost = text.length + 1;
      [m.src, m.dst].forEach(function (l) { if (used.indexOf(l) < 0) cost += participant(l).length + 1; });
      if (skipped || chars + cost > MERMAID_MAX_CHARS - 400) { skipped++; return; }
      chars += cost;
      [m.src, m.dst].forEach(function (l) { if (used.indexOf(l) < 0) used.push(l); });
      lines.push(text);
    });
    used.sort(function (a, b) { return a - b; });
    var out = ['sequenceDiagram'].concat(used.map(participant), lines);
    if (skipped && used.length) out.push('    Note over ' + alias(used[0]) + ',' + alias(used[used.length - 1]) + ': … ' + skipped + ' more not shown (Mermaid' + "'" + 's ' + MERMAID_MAX_CHARS + ' character limit)');
    return out.join('\n') + '\n';
  }
  function shellWord(s) { return /^[A-Za-z0-9_./:@+-]+$/.test(s) ? s : "'" + String(s).replace(/'/g, "'\\''") + "'"; }
  /** The command line that writes the Perfetto trace of the selection from the original JSONL. */
  function perfettoCommand(what) {
    var a, b, extra = '';
    if (what === 'chain') {
      if (!C.chain) return null;
      a = Infinity; b = -Infinity;
      C.chain.members.forEach(function (e) { a = Math.min(a, e.m.t); b = Math.max(b, e.m.tEnd >= 0 ? e.m.tEnd : e.m.t); });
      extra = ' --cause ' + C.chain.rootId;
    } else { a = windowRange()[0]; b = windowRange()[1]; }
    var stem = meta.title.replace(/\.jsonl$/, '');
    return 'mksim trace export ' + shellWord(meta.title) + ' --format perfetto --from ' + a + 'ns --to ' + b + 'ns' + extra + ' -o ' + shellWord(stem + '-' + a + '-' + b + '.pftrace');
  }
  function download(name, text, type) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }
  function exportAs(kind, what, then) {
    what = what || $('export-what').value;
    if (kind === 'perfetto') {
      var cmd = perfettoCommand(what);
      $('export-note').textContent = cmd === null ? 'select a message first: its causal chain is the selection' : cmd;
      if (then) then(cmd);
      return;
    }
    selection(what, function (list, why) {
      if (!list) { $('export-note').textContent = why; if (then) then(null); return; }
      var text = kind === 'jsonl' ? toJsonl(list) : toMermaid(list), stem = meta.title.replace(/\.jsonl$/, '') + '-' + what;
      $('export-note').textContent = list.length + ' messages as ' + (kind === 'jsonl' ? 'JSONL' : 'Mermaid') + ' (' + text.length.toLocaleString('en-US') + ' characters)';
      if (then) then(text);
      else download(stem + (kind === 'jsonl' ? '.jsonl' : '.mmd'), text, kind === 'jsonl' ? 'application/jsonl' : 'text/plain');
    });
  }
  $('export-jsonl').onclick = function () { exportAs('jsonl'); };
  $('export-mermaid').onclick = function () { exportAs('mermaid'); };
  $('export-perfetto').onclick = function () { exportAs('perfetto'); };

  hooks.onMeta = function (m) { meta = m; restore(); };
  window.mksimSearch = {
    run: function (text) { $('search').value = text; runSearch(text); },
    cancel: cancelSearch,
    show: goToResult,
    next: function () { goToResult(Q.cursor + 1); },
    prev: function () { goToResult(Q.cursor - 1); },
    state: Q, chainState: C, breakdown: breakdown, chainStep: chainStep,
    exportText: function (kind, what) { return new Promise(function (resolve) { exportAs(kind, what, resolve); }); },
  };
})();
`;
