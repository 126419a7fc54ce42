/*
 * Disk scheduling that can be seen: a raw reader with several reads in
 * flight fills the driver's queue, and the policies (a student's too) give
 * different head movement and latency. docs/disk.md shows exactly what
 * `mksim boot examples/disk-sched.boot --set disk0.sched=...` prints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';

const doc = readFileSync('docs/disk.md', 'utf8');
const shown = [...doc.matchAll(/^\$ mksim boot examples\/disk-sched\.boot --set disk0\.sched=(\S+)\n(r0: .*)$/gm)].map((m) => ({ sched: m[1]!, line: m[2]! }));

function run(sched: string): { code: number; line: string } {
  const out: string[] = [];
  const code = bootScript('examples/disk-sched.boot', { set: [`disk0.sched=${sched}`] }, (l) => out.push(l), () => {});
  return { code, line: out.join('\n') };
}

describe('examples/disk-sched.boot', () => {
  it('docs/disk.md shows each policy, a student\'s among them', () => {
    expect(shown.map((s) => s.sched)).toEqual(['fcfs', 'sstf', 'look', 'clook', 'policies/disk-aging-sstf.ts']);
  });

  it.each(shown)('prints what docs/disk.md shows for sched=$sched', ({ sched, line }) => {
    const r = run(sched);
    expect(r.code).toBe(0);
    expect(r.line).toBe(line);
  });

  it('the policies differ end to end: fcfs moves the arm the most, sstf and look far less', () => {
    const moved = new Map(shown.map((s) => [s.sched, Number(/head moved (\d+) cylinders/.exec(s.line)![1])]));
    expect(new Set(moved.values()).size).toBe(5);
    expect(moved.get('sstf')! * 3).toBeLessThan(moved.get('fcfs')!);
    expect(moved.get('look')! * 3).toBeLessThan(moved.get('fcfs')!);
    expect(moved.get('clook')!).toBeLessThan(moved.get('fcfs')!);
  });
});
