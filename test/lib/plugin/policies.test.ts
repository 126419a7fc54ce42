/*
 * Students' policies from files outside the repository, one of each kind:
 * a copy of a built-in decides exactly as the built-in (same trace), a
 * different policy decides differently, and a faulty one is reported once
 * naming its file while the built-in fallback finishes the run (exit 1).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { mksim } from '../../support/mksim.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Run a script; the trace records of one kind (their fields without seq), the exit code and stderr. */
function run(script: string, ev: string): { code: number; records: string[]; err: string[] } {
  const n = runs++;
  const trace = join(dir, `t${n}.jsonl`);
  const err: string[] = [];
  const code = bootScript(file(`s${n}.boot`, script), { trace }, () => {}, (l) => err.push(l));
  const records = readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes(`"ev":"${ev}"`)).map((l) => l.replace(/"seq":\d+,/, ''));
  return { code, records, err };
}

const CACHE_WORKLOAD = (replacement: string) => `disk disk0 create=4M
fs root=disk0 cache=8 replacement=${replacement}
process init
    write --bytes 9000 /a
    write --bytes 9000 /b
    cat /a
    cat /b
    cat /a
`;

describe('fs replacement=FILE', () => {
  file('lru-copy.mjs', 'export default { name: "my-lru", victim(free) { return 0; } };\n');
  file('fifo.ts', 'export default {\n  name: "fifo",\n  victim(free: readonly { loadedAt: number }[]): number {\n    let o = 0;\n    free.forEach((b, i) => { if (b.loadedAt < free[o]!.loadedAt) o = i; });\n    return o;\n  },\n};\n');
  file('bad-victim.mjs', 'export default { name: "bad", victim(free) { return free.length; } };\n');

  it('a student\'s LRU decides exactly as the built-in; FIFO evicts differently', () => {
    const lru = run(CACHE_WORKLOAD('lru'), 'cache');
    expect(lru.code).toBe(0);
    expect(lru.records.filter((r) => r.includes('"evict"')).length).toBeGreaterThan(10);
    expect(run(CACHE_WORKLOAD('lru-copy.mjs'), 'cache').records).toEqual(lru.records);
    const fifo = run(CACHE_WORKLOAD('fifo.ts'), 'cache');
    expect(fifo.code).toBe(0);
    expect(fifo.records).not.toEqual(lru.records);
  });

  it('a nonsense answer is reported once, naming the file; LRU finishes the run (same decisions after the first)', () => {
    const lru = run(CACHE_WORKLOAD('lru'), 'cache');
    const bad = run(CACHE_WORKLOAD('bad-victim.mjs'), 'cache');
    expect(bad.code).toBe(1);
    expect(bad.err.filter((l) => l.includes('system error'))).toEqual([
      `mksim: system error: fs: buffer-cache replacement policy ${join(dir, 'bad-victim.mjs')}: victim() returned 8, not an index of the 8 free buffers (0..7); the built-in lru takes over`,
    ]);
    expect(bad.records).toEqual(lru.records);
  });
});

const CPU_WORKLOAD = (policy: string) => `cpu quantum=4ms
sched policy=${policy}
process init
    spawn a
    spawn b
    wait a
    wait b
process a
    spin 30ms
process b
    spin 30ms
`;

describe('sched policy=FILE', () => {
  file('rr-copy.ts', [
    'interface P { maxPriority: number; baseQuantumNs: number }',
    'export default {',
    '  name: "my-rr",',
    '  init: (p: P) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),',
    '  noQuantum: (p: P) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),',
    '};', '',
  ].join('\n'));
  file('halving.mjs', 'export default { name: "halving", init: (p) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }), noQuantum: (p) => ({ priority: p.maxPriority, quantumNs: Math.max(1000000, p.quantumNs / 2) }) };\n');
  file('throws.mjs', 'export default {\n  name: "throws",\n  init: (p) => ({ priority: 7, quantumNs: 4000000 }),\n  noQuantum(p) {\n    throw new Error("no idea for " + p.name);\n  },\n};\n');

  it('a student\'s round robin schedules exactly as the built-in rr; halving quanta switches more often', () => {
    const rr = run(CPU_WORKLOAD('rr'), 'sched');
    expect(rr.code).toBe(0);
    expect(run(CPU_WORKLOAD('rr-copy.ts'), 'sched').records).toEqual(rr.records);
    const halving = run(CPU_WORKLOAD('halving.mjs'), 'sched');
    expect(halving.code).toBe(0);
    expect(halving.records.length).toBeGreaterThan(rr.records.length);
  });

  it('an exception names the student\'s line; MINIX\'s policy finishes the run', () => {
    const r = run(CPU_WORKLOAD('throws.mjs'), 'sched');
    expect(r.code).toBe(1);
    expect(r.err.filter((l) => l.includes('system error'))).toEqual([
      `mksim: system error: sched: CPU scheduling policy noQuantum() threw: ${join(dir, 'throws.mjs')}:5:11: Error: no idea for a; the built-in minix takes over`,
    ]);
    expect(r.err.at(-1)).toMatch(/^mksim: 3 processes exited/);
  });
});

describe('disk sched=FILE', () => {
  file('sstf-copy.ts', [
    'interface R { readonly cylinder: number; readonly seq: number }',
    'export default {',
    '  name: "my-sstf",',
    '  pick(pending: readonly R[], head: { cylinder: number }): number {',
    '    let best = 0;',
    '    pending.forEach((r, i) => { if (Math.abs(r.cylinder - head.cylinder) < Math.abs(pending[best]!.cylinder - head.cylinder)) best = i; });',
    '    return best;',
    '  },',
    '};', '',
  ].join('\n'));
  file('wrong.mjs', 'export default { name: "wrong", choose() { return 0; } };\n');

  it('a student\'s SSTF serves a full queue exactly as the built-in; FCFS differently (a raw reader keeps 8 reads in flight)', () => {
    const script = (s: string) => `disk disk0 create=64M sched=${s}\nreader r0 disk=disk0 requests=60 depth=8\n`;
    const sstf = run(script('sstf'), 'disk');
    expect(sstf.code).toBe(0);
    expect(sstf.records.length).toBeGreaterThan(60);
    expect(run(script('sstf-copy.ts'), 'disk').records).toEqual(sstf.records);
    expect(run(script('fcfs'), 'disk').records).not.toEqual(sstf.records);
  });

  it('a policy without the kind\'s method is refused at its export, exit 2', () => {
    const r = mksim('boot', file('wrong.boot', 'disk disk0 create=4M sched=wrong.mjs\nprocess init\n    echo hi\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong\.mjs:1:1: the default export has no method pick; a disk scheduling policy is an object \{ name, pick\(\.\.\.\) \}/);
  });
});

/** Belady's string, then the textbook string (examples/labs/vm-replacement.boot), in FRAMES frames. */
const VM_WORKLOAD = (replacement: string, frames = 3) => `vm frames=${frames} replacement=${replacement}
process init uid=0
    spawn belady
    wait belady
    spawn textbook
    wait textbook
process belady
    brk 64K
    ref 1 2 3 4 1 2 5 1 2 3 4 5
process textbook
    brk 64K
    ref 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1
`;

describe('vm replacement=FILE', () => {
  // servers/vm/policies/fifo.ts as a student writes it: state in the module (one copy per run), no frame count.
  file('page-fifo.ts', [
    'const loadedAt = new Map<number, number>();',
    'let loads = 0;',
    'export default {',
    '  name: "my-fifo",',
    '  onMap(frame: number): void { loadedAt.set(frame, ++loads); },',
    '  onFree(frame: number): void { loadedAt.delete(frame); },',
    '  chooseVictim(candidates: readonly number[]): number {',
    '    let best = candidates[0]!;',
    '    for (const f of candidates) if (loadedAt.get(f)! < loadedAt.get(best)!) best = f;',
    '    return best;',
    '  },',
    '};', '',
  ].join('\n'));
  // servers/vm/policies/clock.ts, which gives up after three choices: the built-in clock must take over where it was.
  file('page-clock-tired.mjs', [
    'const ring = [], referenced = new Map();',
    'let hand = 0, choices = 0;',
    'export default {',
    '  name: "tired-clock",',
    '  onMap(frame) { if (!ring.includes(frame)) { ring.splice(hand, 0, frame); hand = (hand + 1) % ring.length; } referenced.set(frame, true); },',
    '  onReference(frame) { referenced.set(frame, true); },',
    '  onFree(frame) { const at = ring.indexOf(frame); if (at < 0) return; ring.splice(at, 1); if (at < hand) hand--; if (hand >= ring.length) hand = 0; referenced.set(frame, false); },',
    '  chooseVictim(candidates) {',
    '    if (++choices > 3) throw new Error("tired after " + (choices - 1) + " choices");',
    '    for (let step = 0; step < 3 * ring.length + 1; step++) {',
    '      const f = ring[hand];',
    '      if (candidates.includes(f)) { if (!referenced.get(f)) return f; referenced.set(f, false); }',
    '      hand = (hand + 1) % ring.length;',
    '    }',
    '    return candidates[0];',
    '  },',
    '};', '',
  ].join('\n'));
  file('page-outside.mjs', 'export default { name: "outside", chooseVictim(candidates) { return Math.max(...candidates) + 1; } };\n');
  file('page-nomethod.mjs', 'export default { name: "lazy", onMap() {} };\n');

  it('a student\'s FIFO faults and evicts exactly as the built-in (Belady: 9 faults with 3 frames, 10 with 4)', () => {
    for (const [frames, faults] of [[3, 9 + 15], [4, 10 + 10]] as const) {
      const fifo = run(VM_WORKLOAD('fifo', frames), 'vm');
      expect(fifo.code).toBe(0);
      expect(fifo.records.filter((r) => r.includes('"op":"fault"'))).toHaveLength(faults);
      const mine = run(VM_WORKLOAD('page-fifo.ts', frames), 'vm');
      expect(mine.code).toBe(0);
      expect(mine.records).toEqual(fifo.records);
    }
    // Not the default's decisions: clock faults 14 times on the textbook string, FIFO 15.
    expect(run(VM_WORKLOAD('clock'), 'vm').records).not.toEqual(run(VM_WORKLOAD('page-fifo.ts'), 'vm').records);
  });

  it('an exception mid-run names the student\'s line; the built-in clock takes over with the state it needs (the same trace as clock)', () => {
    const clock = run(VM_WORKLOAD('clock'), 'vm');
    expect(clock.records.filter((r) => r.includes('"op":"evict"')).length).toBeGreaterThan(4);
    const tired = run(VM_WORKLOAD('page-clock-tired.mjs'), 'vm');
    expect(tired.code).toBe(1);
    expect(tired.err.filter((l) => l.includes('system error'))).toEqual([
      `mksim: system error: vm: page-replacement policy chooseVictim() threw: ${join(dir, 'page-clock-tired.mjs')}:9:30: Error: tired after 3 choices; the built-in clock takes over`,
    ]);
    expect(tired.records).toEqual(clock.records);
  });

  it('a frame that is not a candidate is reported once, naming the file; clock finishes the run', () => {
    const clock = run(VM_WORKLOAD('clock'), 'vm');
    const outside = run(VM_WORKLOAD('page-outside.mjs'), 'vm');
    expect(outside.code).toBe(1);
    expect(outside.err.filter((l) => l.includes('system error'))).toEqual([
      `mksim: system error: vm: page-replacement policy ${join(dir, 'page-outside.mjs')}: chooseVictim() returned 3, not one of the 3 candidate frames (0, 1, 2); the built-in clock takes over`,
    ]);
    expect(outside.records).toEqual(clock.records);
  });

  it('a policy without chooseVictim is refused at its export, exit 2', () => {
    const r = mksim('boot', file('page-nomethod.boot', VM_WORKLOAD('page-nomethod.mjs')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/page-nomethod\.mjs:1:1: the default export has no method chooseVictim; a page-replacement policy is an object \{ name, onMap\(\.\.\.\), onReference\(\.\.\.\), onFree\(\.\.\.\), chooseVictim\(\.\.\.\) \}/);
  });
});
