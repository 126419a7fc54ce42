/*
 * Memory semantics through the whole system: copy-on-write fork, SIGSEGV
 * through PM, swap round trips byte for byte over the disk driver.
 */
import { describe, expect, it } from 'vitest';
import * as pm from '../../../lib/syscalls/pm.js';
import * as vm from '../../../lib/syscalls/vm.js';
import { WTERMSIG, WIFEXITED, SIGSEGV } from '../../../servers/pm/protocol.js';
import { HEAP_VADDR, TEXT_VADDR } from '../../../servers/vm/protocol.js';
import type { UserProcess } from '../../../lib/user/process.js';
import { bootVm } from './helpers.js';

const PAGE = 4096;

describe('copy-on-write fork', () => {
  it('the child sees the parent\'s bytes; a write on either side stays on that side; a copy is made only on write', () => {
    const seen: (number | string)[] = [];
    const script = 'vm frames=16 page-size=4096 replacement=lru\nprocess init uid=0\n    spawn parent\n    wait parent\n';
    const { report } = bootVm(script, {
      parent: function* (proc: UserProcess) {
        expect(yield* vm.brk(proc, 2 * PAGE)).toBe(HEAP_VADDR + 2 * PAGE);
        expect(yield* vm.store(proc, HEAP_VADDR, 0xaa)).toBe(0);
        expect(yield* vm.store(proc, HEAP_VADDR + PAGE, 0x11)).toBe(0);
        const pid = yield* pm.fork(proc, 'child');
        const [, status] = yield* pm.waitpid(proc, pid);
        seen.push(`child ${WIFEXITED(status) ? 'exited' : 'killed'}`);
        seen.push(yield* vm.load(proc, HEAP_VADDR) as number);
        seen.push(yield* vm.load(proc, HEAP_VADDR + PAGE) as number);
        const st = yield* vm.vmstat(proc);
        seen.push(typeof st === 'number' ? st : `parent cows=${st.cows}`);
        return 0;
      },
      child: function* (proc: UserProcess) {
        seen.push(yield* vm.load(proc, HEAP_VADDR) as number);
        expect(yield* vm.store(proc, HEAP_VADDR, 0xbb)).toBe(0);
        seen.push(yield* vm.load(proc, HEAP_VADDR) as number);
        seen.push(yield* vm.load(proc, HEAP_VADDR + PAGE) as number);
        const st = yield* vm.vmstat(proc);
        seen.push(typeof st === 'number' ? st : `child cows=${st.cows} faults=${st.faults}`);
        return 0;
      },
    });
    expect(report.exits.map((e) => e.status)).toEqual([0, 0, 0]);
    // The child read the shared page without a fault (it came mapped), faulted once to copy it on write,
    // and never copied the page it only read. The parent's first write after the fork finds its page
    // sole-owned again (the child's copy left it): no copy.
    expect(seen).toEqual([0xaa, 0xbb, 0x11, 'child cows=1 faults=1', 'child exited', 0xaa, 0x11, 'parent cows=0']);
  });
});

describe('SIGSEGV', () => {
  it.each([
    ['a load of an unmapped address (page 0)', function* (proc: UserProcess) { return (yield* vm.load(proc, 0)) as number; }],
    ['a store to text (r-x)', function* (proc: UserProcess) { return yield* vm.store(proc, TEXT_VADDR, 1); }],
    ['a load past the heap', function* (proc: UserProcess) { yield* vm.brk(proc, PAGE); return (yield* vm.load(proc, HEAP_VADDR + PAGE)) as number; }],
  ])('%s kills the process with SIGSEGV through PM', (_what, body) => {
    const statuses: number[] = [];
    const { report } = bootVm('vm frames=8\nprocess init uid=0\n    spawn parent\n    wait parent\n', {
      parent: function* (proc: UserProcess) {
        const pid = yield* pm.fork(proc, 'bad');
        const [, status] = yield* pm.waitpid(proc, pid);
        statuses.push(status);
        return 0;
      },
      bad: function* (proc: UserProcess) { yield* body(proc); proc.print('survived'); return 0; },
    });
    expect(statuses.map((s) => WTERMSIG(s))).toEqual([SIGSEGV]);
    expect(report.output).not.toContain('bad: survived');
  });

  it('a caught SIGSEGV runs the handler and the access fails with EFAULT', () => {
    const results: unknown[] = [];
    bootVm('vm frames=8\nprocess init uid=0\n    spawn p\n    wait p\n', {
      p: function* (proc: UserProcess) {
        yield* pm.sigaction(proc, SIGSEGV, function* (q) { q.print('caught SIGSEGV'); });
        results.push(yield* vm.load(proc, 0));
        return 0;
      },
    });
    expect(results).toEqual([-14]);
  });
});

/** A page's worth of bytes no other page has: a seeded pattern of the page number. */
function pattern(page: number): Uint8Array {
  const b = new Uint8Array(PAGE);
  let x = (page + 1) * 2654435761 >>> 0;
  for (let i = 0; i < PAGE; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

describe('swap', () => {
  it('pages written out to the swap disk and read back are byte-exact, and cost the disk\'s time', () => {
    const PAGES = 24;
    const mismatches: number[] = [];
    let stat: vm.VmStat | number = 0;
    const run = (model: string) => {
      mismatches.length = 0;
      const script = `disk disk1 size=1M model=${model}\nvm frames=6 page-size=4096 replacement=fifo swap=disk1\nprocess init uid=0\n    spawn p\n    wait p\n`;
      return bootVm(script, {
        p: function* (proc: UserProcess) {
          yield* vm.brk(proc, PAGES * PAGE);
          for (let p = 0; p < PAGES; p++) expect(yield* vm.store(proc, HEAP_VADDR + p * PAGE, pattern(p))).toBe(0);
          for (let p = 0; p < PAGES; p++) {
            const got = (yield* vm.load(proc, HEAP_VADDR + p * PAGE, PAGE)) as Uint8Array;
            if (!Buffer.from(got).equals(Buffer.from(pattern(p)))) mismatches.push(p);
          }
          stat = yield* vm.vmstat(proc);
          return 0;
        },
      });
    };
    const hp = run('hp97560');
    expect(mismatches).toEqual([]);
    // 24 faults writing (18 evictions of dirty pages: 18 page-outs), 24 reading (24 page-ins; of the 24 evictions only
    // the 6 pages still dirty from the writing are written: a page read back from swap is clean, its copy still there).
    expect(stat).toMatchObject({ faults: 2 * PAGES, evictions: 2 * PAGES - 6, swapouts: PAGES, swapins: PAGES });
    const ram = run('ramdisk');
    expect(mismatches).toEqual([]);
    // The same run on the hp97560 takes far longer: every page-out and page-in is a seek, a rotation and a transfer.
    expect(hp.kernel.nowNs).toBeGreaterThan(10 * ram.kernel.nowNs);
  });

  it('without swap, a dirty page cannot be evicted: the process that needs one more frame gets SIGSEGV', () => {
    const statuses: number[] = [];
    bootVm('vm frames=4\nprocess init uid=0\n    spawn parent\n    wait parent\n', {
      parent: function* (proc: UserProcess) {
        const pid = yield* pm.fork(proc, 'hog');
        statuses.push((yield* pm.waitpid(proc, pid))[1]);
        return 0;
      },
      hog: function* (proc: UserProcess) {
        yield* vm.brk(proc, 8 * PAGE);
        for (let p = 0; p < 8; p++) yield* vm.store(proc, HEAP_VADDR + p * PAGE, 1);
        return 0;
      },
    });
    expect(statuses.map((s) => WTERMSIG(s))).toEqual([SIGSEGV]);
  });
});
