/*
 * How deep Perfetto nests the slices of a Chrome JSON export: its slice tracker's
 * stack rule (SliceTracker::MaybeCloseStack in google/perfetto), for the tests.
 *   perfettoMaxDepth(events)   -> { max, track }: the deepest stack and where
 * A slice leaves the stack when it ends before the next one starts, or ends at
 * that instant unless both are zero-length ("instants stack on top of each other").
 */
import type { ChromeEvent } from '../../../cli/trace/chrome.js';

export function perfettoMaxDepth(events: readonly ChromeEvent[]): { max: number; track: string } {
  // A B/E pair is a slice whose length is unknown when it begins (Perfetto's kPendingDuration).
  const byTrack = new Map<string, { ts: number; dur: number; begun: boolean; i: number }[]>();
  const open = new Map<string, { ts: number; dur: number; begun: boolean; i: number }[]>();
  events.forEach((e, i) => {
    const key = `${e.pid}/${e.tid}`;
    const list = byTrack.get(key) ?? byTrack.set(key, []).get(key)!;
    if (e.ph === 'X' || e.ph === 'i') list.push({ ts: e.ts!, dur: e.ph === 'X' ? e.dur! : 0, begun: false, i });
    if (e.ph === 'B') {
      const s = { ts: e.ts!, dur: 0, begun: true, i };
      list.push(s);
      (open.get(key) ?? open.set(key, []).get(key)!).push(s);
    }
    if (e.ph === 'E') {
      const s = open.get(key)!.pop()!;
      s.dur = e.ts! - s.ts;
    }
  });
  let max = 0;
  let where = '';
  for (const [track, slices] of byTrack) {
    // Importers sort by time; a longer slice at the same instant is the parent.
    slices.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.i - b.i);
    const stack: { end: number; dur: number }[] = [];
    for (const s of slices) {
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) break;
        const endsBefore = top.end < s.ts;
        const endsSameAndDrops = top.end === s.ts && !(top.dur === 0 && !s.begun && s.dur === 0);
        if (!(endsBefore || endsSameAndDrops)) break;
        stack.pop();
      }
      stack.push({ end: s.ts + s.dur, dur: s.dur });
      if (stack.length > max) {
        max = stack.length;
        where = track;
      }
    }
  }
  return { max, track: where };
}
