/*
 * Issue 19 finding 6: zero-length events of one actor at one instant must not
 * stack into a staircase in Perfetto (its slice tracker keeps a zero-length
 * slice open under the next zero-length one at the same timestamp).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { exportTrace } from '../../../cli/commands/trace.js';
import type { ChromeEvent } from '../../../cli/trace/chrome.js';
import { collectOutput, tempTrace } from './helpers.js';
import { perfettoMaxDepth } from './perfetto-depth.js';
import { decodePerfetto, type TextMessage } from './textproto.js';

/** 30 state changes of the disk at one instant, then the clock notifying fs 30 times at another. */
function burstTrace(): string {
  const lines = ['{"seq":1,"t":0,"ev":"header","format":"mksim-trace","version":1}'];
  let seq = 1;
  for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ seq: ++seq, t: 1000, ev: 'state', proc: 'disk', machine: 'disk', from: 'a', to: 'b' }));
  for (let id = 1; id <= 30; id++) {
    lines.push(JSON.stringify({ seq: ++seq, t: 2000, ev: 'notify', id, src: 'clock', dst: 'fs', type: 'NOTIFY', cause: null }));
    lines.push(JSON.stringify({ seq: ++seq, t: 2000, ev: 'deliver', id, src: 'clock', dst: 'fs', type: 'NOTIFY', cause: null }));
  }
  return tempTrace(lines.join('\n') + '\n');
}

describe('zero-length events at one instant (issue 19 finding 6)', () => {
  it('Chrome JSON: Perfetto\'s stack rule nests them at most 2 deep (was 30)', async () => {
    const out = collectOutput();
    await exportTrace(burstTrace(), { format: 'chrome' }, out);
    const events = (JSON.parse(out.text()) as { traceEvents: ChromeEvent[] }).traceEvents;
    expect(perfettoMaxDepth(events).max).toBeLessThanOrEqual(2);
    // Nothing is lost: 30 state instants, 30 sends, 30 handling slices, 30 arrows (E events close B ones).
    const opening = events.filter((e) => e.ph !== 'E');
    expect(opening.filter((e) => e.cat === 'state').length).toBe(30);
    expect(opening.filter((e) => e.cat === 'notify').length).toBe(30);
    expect(opening.filter((e) => e.cat === 'handle').length).toBe(30);
    expect(events.filter((e) => e.flow_out).length).toBe(30);
    expect(events.filter((e) => e.flow_in).length).toBe(30);
    // The lanes are threads named after their actor, sorted right under it.
    const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name as string);
    expect(threads).toContain('disk ·2');
    expect(threads).toContain('fs ·2');
  });

  it.skipIf(spawnSync('protoc', ['--version']).status !== 0)('Perfetto protobuf: no two zero-length events on one track at one instant (up to 16 lanes)', async () => {
    const out = collectOutput();
    await exportTrace(burstTrace(), { format: 'perfetto' }, out);
    const { trace } = decodePerfetto(out.bytes());
    const instantsAt = new Map<string, number>();
    let instants = 0;
    let begins = 0;
    let named = 0;
    for (const p of trace.packet as TextMessage[]) {
      const e = p.track_event?.[0] as TextMessage | undefined;
      if (e === undefined) continue;
      if (e.name !== undefined && e.type?.[0] !== 'TYPE_SLICE_END') named++;
      if (e.type?.[0] === 'TYPE_SLICE_BEGIN') begins++;
      if (e.type?.[0] !== 'TYPE_INSTANT') continue;
      instants++;
      const key = `${e.track_uuid![0]}@${p.timestamp![0]}`;
      instantsAt.set(key, (instantsAt.get(key) ?? 0) + 1);
    }
    // 30 state changes, 30 notifies and 30 handling slices, nothing lost.
    expect(named).toBe(90);
    // Lanes 0-14 take one instant each; the rest (15 of each burst) are zero-length slices on the last lane.
    expect(instants).toBe(30);
    expect(Math.max(...instantsAt.values())).toBe(1);
    expect(begins).toBe(30 + 15 + 15);
  });
});
