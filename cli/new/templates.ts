/*
 * The starting files `mksim new` writes: each runs as it is, says in its
 * comments what to change, and names its interface's file and the docs.
 *   TEMPLATES        kind -> { directive (how a boot script loads it), text(name) }
 *   TEMPLATE_KINDS   'program', 'disk', 'cache', 'cpu', 'page'
 * test/cli/new.test.ts generates each, loads it in a boot script and runs it.
 */

export interface Template {
  /** The boot-script line that loads a file FILE of this kind. */
  readonly directive: (file: string, name: string) => string;
  readonly text: (name: string) => string;
}

const program = (name: string): string => `// ${name}: an mksim program. A boot script runs it with
//     program ${name} ${name}.ts
//     process init
//         spawn ${name}
// (or from an executable whose first line is \`#!mksim ${name} ARGS\`).
// \`sys\` holds every system call, bound to this process: \`yield* sys.NAME(...)\` runs one in
// virtual time and gives its result, or a negated errno (compare with -sys.ENOENT ...).
// Use no clock and no Math.random: a run must be the same for the same seed.
// See docs/extending.md; the types are in types/mksim-program.d.ts.
import type { Sys } from 'mksim/types/mksim-program';

export default function* ${identifier(name)}(sys: Sys) {
  const path = '/${name}.txt';
  const written = yield* sys.writeFile(path, new TextEncoder().encode('hello from ' + sys.name + '\\n'));
  if (written < 0) {
    sys.print(\`cannot write \${path}: \${sys.errnoName(written)}\`);
    return 1;
  }
  const bytes = yield* sys.readFile(path);
  if (typeof bytes === 'number') return 1;
  sys.print(new TextDecoder().decode(bytes).trimEnd());
  yield* sys.spin(1_000_000);             // 1 ms of CPU
  return 0;                                // the exit status
}
`;

const disk = (name: string): string => `// ${name}: a disk scheduling policy. A boot script uses it with
//     disk disk0 create=16M sched=${name}.ts
// The driver asks pick() which queued request to serve next whenever the arm is free.
// Interface: drivers/disk/queue.ts (DiskScheduler); the built-ins fcfs, sstf, look and clook
// there are written against it. See docs/extending.md and examples/disk-sched.boot.

interface Pending {
  readonly cylinder: number;   // where the request starts
  readonly seq: number;        // arrival order (smaller came first)
  readonly arrivalNs: number;  // virtual time of arrival
  readonly write: boolean;
}
interface Head {
  readonly cylinder: number;   // where the arm is now
  direction: 1 | -1;           // a sweep direction the driver keeps for you (set it if you sweep)
}

export default {
  name: '${name}',
  /** The index in \`pending\` (arrival order, never empty) of the request to serve next. */
  pick(pending: readonly Pending[], head: Head): number {
    // Shortest seek first; change this. Ties go to the earlier arrival.
    let best = 0;
    for (let i = 1; i < pending.length; i++) {
      if (Math.abs(pending[i]!.cylinder - head.cylinder) < Math.abs(pending[best]!.cylinder - head.cylinder)) best = i;
    }
    return best;
  },
};
`;

const cache = (name: string): string => `// ${name}: a buffer-cache replacement policy. A boot script uses it with
//     fs root=disk0 cache=64 replacement=${name}.ts
// On a miss the file server asks victim() which free buffer to reuse.
// Interface: servers/fs/replacement.ts (CacheReplacement); the built-in lru there is MINIX's
// (the front of the LRU list: index 0). See docs/extending.md.

interface FreeBuffer {
  readonly blockNr: number;
  readonly dirty: boolean;     // reusing a dirty buffer first writes every dirty block (MINIX's flushall)
  readonly uses: number;       // get_block calls since it was loaded
  readonly lastUse: number;    // the cache's access count at its last use (higher: more recent)
  readonly loadedAt: number;   // the access count when it was loaded
}

export default {
  name: '${name}',
  /** The index in \`free\` (the LRU list, least recently used first; never empty) of the buffer to reuse. */
  victim(free: readonly FreeBuffer[]): number {
    // Least frequently used, clean buffers first; change this.
    let best = 0;
    for (let i = 1; i < free.length; i++) {
      const a = free[i]!, b = free[best]!;
      if (Number(a.dirty) - Number(b.dirty) < 0 || (a.dirty === b.dirty && a.uses < b.uses)) best = i;
    }
    return best;
  },
};
`;

const cpu = (name: string): string => `// ${name}: a CPU scheduling policy for the SCHED server. A boot script uses it with
//     sched policy=${name}.ts
// SCHED asks init() for a process's first queue and quantum, and noQuantum() each time one
// uses its whole quantum; it passes every answer to the kernel (sys_schedule).
// Interface: servers/sched/policy.ts (SchedPolicy); minix, rr, mlfq and lottery in
// servers/sched/ are written against it. Queues: 0 (highest) .. 15; users start at 7.
// See docs/extending.md.

interface Proc {
  readonly endpoint: number;
  readonly name: string;
  readonly maxPriority: number;   // the best queue it may have (7 unless niced)
  readonly priority: number;      // its queue now
  readonly quantumNs: number;     // its quantum now
  readonly baseQuantumNs: number; // the quantum it started with
}
interface Decision { readonly priority: number; readonly quantumNs: number }

export default {
  name: '${name}',
  init(p: Proc): Decision {
    return { priority: p.maxPriority, quantumNs: p.baseQuantumNs };
  },
  noQuantum(p: Proc): Decision {
    // Used its whole quantum: one queue down (at most to 15), twice the quantum; change this.
    return { priority: Math.min(15, p.priority + 1), quantumNs: Math.min(8 * p.baseQuantumNs, 2 * p.quantumNs) };
  },
};
`;

const page = (name: string): string => `// ${name}: a page-replacement policy for the VM server. A boot script uses it with
//     vm frames=16 replacement=${name}.ts
// (add swap=DISK, a disk of the script, and VM can evict written pages too: it saves them there).
// VM tells the policy what happens to each frame (onMap, onReference, onFree) and, when it
// needs a frame and none is free, asks chooseVictim() which page to evict.
// Interface: servers/vm/policies/policy.ts (ReplacementPolicy); fifo, lru, clock and optimal
// in servers/vm/policies/ are written against it. See docs/extending.md.
// VM loads this file once per run: the state below is this run's, and starts empty.

/** frame -> how often its page was referenced since it was loaded, and when it was loaded. */
const uses = new Map<number, number>();
const loadedAt = new Map<number, number>();
let loads = 0;

interface Context {
  readonly nowNs: number;               // virtual time now
  nextUse(frame: number): number;       // the future (only with VM_ADVISE; an oracle, not for real policies)
}

export default {
  name: '${name}',
  /** A page was loaded into \`frame\` (a fault was served). */
  onMap(frame: number, _ctx: Context): void {
    uses.set(frame, 0);
    loadedAt.set(frame, ++loads);
  },
  /** The page in \`frame\` was referenced (every load and store, in order, before each choice). */
  onReference(frame: number, _write: boolean): void {
    uses.set(frame, (uses.get(frame) ?? 0) + 1);
  },
  /** \`frame\` is free again (its page was evicted, unmapped, or its process exited). */
  onFree(frame: number): void {
    uses.delete(frame);
    loadedAt.delete(frame);
  },
  /** One of \`candidates\` (frames holding pages; never empty) to evict. */
  chooseVictim(candidates: readonly number[], _ctx: Context): number {
    // Least frequently used, ties to the page loaded first; change this.
    let best = candidates[0]!;
    for (const f of candidates) {
      const a = uses.get(f) ?? 0, b = uses.get(best) ?? 0;
      if (a < b || (a === b && (loadedAt.get(f) ?? 0) < (loadedAt.get(best) ?? 0))) best = f;
    }
    return best;
  },
};
`;

function identifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

export const TEMPLATES = {
  program: { directive: (file: string, name: string) => `program ${name} ${file}`, text: program },
  disk: { directive: (file: string) => `disk disk0 create=16M sched=${file}`, text: disk },
  cache: { directive: (file: string) => `fs root=disk0 cache=64 replacement=${file}`, text: cache },
  cpu: { directive: (file: string) => `sched policy=${file}`, text: cpu },
  page: { directive: (file: string) => `vm frames=16 replacement=${file}`, text: page },
} as const satisfies Readonly<Record<string, Template>>;

export type TemplateKind = keyof typeof TEMPLATES;
export const POLICY_TEMPLATE_KINDS: readonly TemplateKind[] = ['disk', 'cache', 'cpu', 'page'];
