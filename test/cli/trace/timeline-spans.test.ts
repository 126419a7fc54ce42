/*
 * The timeline export's span sidecar (spans/NNNNNN.js, spans/long.js) against spans
 * computed here independently from the JSONL (issue 19, timeline item 1): running,
 * ready, blocked on whom and handling per actor, on a real boot with block records,
 * a run of two hosts, and a synthetic trace large enough for several span files.
 * Also the overview's density: its counts add up to the messages, bucket by bucket.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { synthesizeTrace } from '../../../bench/trace-synth.js';
import { bootScript } from '../../../cli/commands/boot.js';
import { exportTimeline } from '../../../cli/commands/trace.js';
import { type TimelineMeta } from '../../../cli/trace/timeline.js';
import { BLOCK_ON, decodeSpans, NO_PEER, NO_REF, RANGE_SPANS, SPAN_STATES } from '../../../cli/trace/timeline-spans.js';
import type { TraceRecord } from '../../../kernel/index.js';
import { bootNetwork } from './boot-trace.js';
import { writeTrace } from './fixture-system.js';
import { tempDir } from './helpers.js';

/** A span as names: `actor state start-end [on peer] [#ref]`. */
type Named = string;

function named(actor: string, state: string, startNs: number, endNs: number, on = '', peer = '', ref = ''): Named {
  return `${actor} ${state} ${startNs}-${endNs}${on ? ` ${on} ${peer}` : state === 'blocked' ? ' ? ' : ''}${state === 'handling' ? ` for ${peer} #${ref}` : ''}`;
}

/** What the export wrote, decoded: every span file and long.js, as names. */
function fromSidecar(dir: string, meta: TimelineMeta): Named[] {
  const out: Named[] = [];
  const files = readdirSync(join(dir, 'spans')).sort();
  expect(files).toEqual([...meta.spanRanges.map((_, i) => `${String(i).padStart(6, '0')}.js`), 'long.js']);
  for (const f of files) {
    const text = readFileSync(join(dir, 'spans', f), 'utf8');
    const m = /^mksim(?:Long)?Spans\((?:(\d+),)?"([A-Za-z0-9+/=]*)"\);\n$/.exec(text);
    expect(m, f).not.toBeNull();
    const spans = decodeSpans(Buffer.from(m![2]!, 'base64'));
    if (f !== 'long.js') {
      const [startNs, endNs, count] = meta.spanRanges[Number(m![1])]!;
      expect(spans.length).toBe(count);
      expect(count).toBeLessThanOrEqual(RANGE_SPANS);
      // The viewer finds a file's spans by its range: every span lies inside.
      for (const s of spans) expect(s.startNs >= startNs && s.endNs <= endNs, `${f}: ${s.startNs}-${s.endNs} in ${startNs}-${endNs}`).toBe(true);
    } else {
      expect(spans.length).toBe(meta.longSpans);
    }
    for (const s of spans) {
      const state = SPAN_STATES[s.state]!;
      const peer = s.peer === NO_PEER ? '' : meta.peers[s.peer]!;
      out.push(named(meta.lanes[s.lane]!, state, s.startNs, s.endNs, state === 'blocked' ? BLOCK_ON[s.on] ?? '' : '', peer, s.ref === NO_REF ? '' : String(s.ref)));
    }
  }
  return out.sort();
}

/**
 * The same spans from the records, per actor: its dispatches (sched to), switch-outs
 * (sched from, preempted or not), the block records in between, its exit; then the
 * requests it was delivered and the replies it sent.
 */
function fromRecords(records: readonly TraceRecord[]): Named[] {
  const who = (r: TraceRecord, name: string): string => (typeof r.host === 'string' && name !== 'ANY' ? `${r.host}/${name}` : name);
  const endNs = records[records.length - 1]!.t;
  const perActor = new Map<string, TraceRecord[]>();
  const push = (a: string, r: TraceRecord): void => {
    const list = perActor.get(a);
    if (list === undefined) perActor.set(a, [r]); else list.push(r);
  };
  for (const r of records) {
    if (r.ev === 'sched') {
      if (typeof r.from === 'string') push(who(r, r.from), r);
      if (typeof r.to === 'string' && r.to !== r.from) push(who(r, r.to), r);
    } else if ((r.ev === 'block' || r.ev === 'exit' || r.ev === 'fault') && typeof r.proc === 'string') push(who(r, r.proc), r);
  }
  const out: Named[] = [];
  for (const [actor, list] of perActor) {
    // Walk the actor's own records: state and since.
    let state = 'none', since = 0, on = '', peer = '', nextOn = '', nextPeer = '';
    const span = (s: string, a: number, b: number, o = '', p = ''): void => { if (b > a) out.push(named(actor, s, a, b, o, p)); };
    for (const r of list) {
      if (r.ev === 'exit' || r.ev === 'fault') { span(state, since, r.t, on, peer); state = 'none'; continue; }
      if (r.ev === 'block') {
        const o = String(r.on), p = who(r, String(r.peer));
        if (state === 'blocked') { span('blocked', since, r.t, on, peer); since = r.t; on = o; peer = p; } else { nextOn = o; nextPeer = p; }
        continue;
      }
      const from = typeof r.from === 'string' && who(r, r.from) === actor, to = typeof r.to === 'string' && who(r, r.to) === actor;
      if (from && state === 'running') {
        span('running', since, r.t);
        if (r.preempted === true) { state = 'ready'; on = peer = ''; } else { state = 'blocked'; on = nextOn; peer = nextPeer; }
        since = r.t; nextOn = nextPeer = '';
      }
      if (to) {
        if (state === 'ready') span('ready', since, r.t);
        else {
          const readyAt = Math.max(state === 'none' ? -Infinity : since, r.t - (typeof r.waitNs === 'number' ? r.waitNs : 0));
          if (state !== 'none') span(state, since, readyAt, on, peer);
          span('ready', readyAt, r.t);
        }
        state = 'running'; since = r.t; on = peer = '';
      }
    }
    if (state !== 'none') span(state, since, endNs, on, peer);
  }
  // Handling: a send delivered to its handler, until the handler's reply whose re is its id.
  const hostId = (r: TraceRecord, id: unknown): string => `${String(r.host ?? '')}:${String(id)}`;
  const sends = new Set(records.filter((r) => r.ev === 'send').map((r) => hostId(r, r.id)));
  const delivered = new Map<string, TraceRecord>();
  for (const r of records) {
    if (r.ev === 'deliver' && sends.has(hostId(r, r.id)) && !delivered.has(hostId(r, r.id))) delivered.set(hostId(r, r.id), r);
    if (r.ev === 'reply') {
      const d = delivered.get(hostId(r, r.re));
      if (d !== undefined && d.dst === r.src && r.t > d.t) out.push(named(who(d, String(d.dst)), 'handling', d.t, r.t, '', who(d, String(d.src)), String(d.id)));
      delivered.delete(hostId(r, r.re));
    }
  }
  return out.sort();
}

function load(path: string): TraceRecord[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceRecord);
}

describe('timeline export: spans per actor', () => {
  it('a boot with block records: running, ready, blocked on whom and handling equal the trace\'s', async () => {
    const path = join(tempDir(), 'fs.jsonl');
    expect(bootScript('examples/fs-tour.boot', { seed: '1', trace: path, traceDetail: 'full' }, () => {}, () => {})).toBe(0);
    const records = load(path);
    expect(records.some((r) => r.ev === 'block')).toBe(true);
    const dir = tempDir();
    const meta = await exportTimeline(path, { format: 'timeline', output: dir });
    const got = fromSidecar(dir, meta);
    const want = fromRecords(records);
    expect(got.length).toBeGreaterThan(100);
    expect(got).toEqual(want);
    // All four states, and blocked spans that know on whom.
    for (const state of SPAN_STATES) expect(got.some((s) => s.split(' ')[1] === state), state).toBe(true);
    expect(got.some((s) => / blocked \S+ receive ANY$/.test(s))).toBe(true);
    expect(got.some((s) => / blocked \S+ send \S+$/.test(s))).toBe(true);
    expect(meta.peers).toContain('ANY');
  });

  it('two hosts: each host\'s actors and message ids kept apart', async () => {
    const { path, records } = bootNetwork();
    const dir = tempDir();
    const meta = await exportTimeline(path, { format: 'timeline', output: dir });
    const got = fromSidecar(dir, meta);
    expect(got).toEqual(fromRecords(records));
    expect(got.some((s) => s.startsWith('client/') && s.includes(' handling '))).toBe(true);
    expect(got.some((s) => s.startsWith('server/') && s.includes(' running '))).toBe(true);
  });

  it('a synthetic trace over several span files: spans that cross a file go to long.js, none lost; the density counts every message', async () => {
    const records: TraceRecord[] = [];
    synthesizeTrace({ messages: 120_000, clients: 6 }, (r) => records.push(r));
    const path = join(tempDir(), 'synth.jsonl');
    writeTrace(records, path);
    const dir = tempDir();
    onTestFinished(() => { rmSync(dir, { recursive: true, force: true }); rmSync(dirname(path), { recursive: true, force: true }); });
    const meta = await exportTimeline(path, { format: 'timeline', output: dir });
    expect(meta.spanRanges.length).toBeGreaterThan(2);
    expect(meta.longSpans).toBeGreaterThan(0);
    expect(meta.longSpansDropped).toBe(0);
    expect(fromSidecar(dir, meta)).toEqual(fromRecords(records));
    // Density: a bounded number of buckets, each counting the messages sent in it.
    const { bucketNs, counts } = meta.density;
    expect(counts.length).toBeLessThanOrEqual(1024);
    const want = new Array<number>(counts.length).fill(0);
    for (const r of records) if (r.ev === 'send' || r.ev === 'notify' || r.ev === 'reply') want[Math.floor(r.t / bucketNs)]!++;
    expect(counts).toEqual(want);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(meta.total);
  }, 120_000);
});
