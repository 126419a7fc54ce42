import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../cli/boot/image.js';
import { parseBootScript } from '../../cli/boot/parse.js';
import {
  ANY, ECALLDENIED, EINVAL, ENOENT, ESRCH, Kernel, kernelCall, OK, Prng, receive, sendrec, SystemLog, TraceBus, type ActorContext,
  type KernelCall, type ProcInfo, type TraceRecord,
} from '../../kernel/index.js';
import { EventQueue } from '../../kernel/event-queue.js';
import { Proc } from '../../kernel/proc.js';
import { RunQueues } from '../../kernel/run-queue.js';
import { userProgram, type UserProcess } from '../../lib/user/process.js';
import { testSystem } from './helpers.js';

/** Kernel-side objects no actor may hold: reaching any of them is reaching the kernel's state. */
const KERNEL_CLASSES = [Kernel, Proc, TraceBus, EventQueue, RunQueues, SystemLog, Prng] as const;

const BUILTIN_PROTOTYPES = new Set<unknown>([
  Object.prototype, Function.prototype, Array.prototype, Map.prototype, Set.prototype, Uint8Array.prototype,
  Object.getPrototypeOf(Uint8Array.prototype), Object.getPrototypeOf(function* () { /* */ }),
]);

/** A class's prototype: its getters are read on instances, not on the prototype itself. */
const isPrototype = (o: object): boolean => {
  const c = Object.getOwnPropertyDescriptor(o, 'constructor')?.value as unknown;
  return typeof c === 'function' && c.prototype === o;
};

/**
 * Every object reachable from `root` through properties (values, and getters
 * read on the object, including its classes' getters), prototypes other than
 * the built-ins, and Map/Set members. Functions are walked for their
 * properties but not called: a closure is code, not a reference.
 */
function reachable(root: unknown): Set<object> {
  const seen = new Set<object>();
  const queue: unknown[] = [root];
  while (queue.length > 0) {
    if (seen.size > 10_000) throw new Error('object graph larger than expected');
    const v = queue.shift();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v) || BUILTIN_PROTOTYPES.has(v)) continue;
    seen.add(v);
    const proto = isPrototype(v);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) queue.push(d.value);
      else if (d.get !== undefined && !proto) queue.push(d.get.call(v));
    }
    for (let p = Object.getPrototypeOf(v) as object | null; p !== null && !BUILTIN_PROTOTYPES.has(p); p = Object.getPrototypeOf(p) as object | null) {
      for (const d of Object.values(Object.getOwnPropertyDescriptors(p))) if (d.get !== undefined && !proto) queue.push(d.get.call(v));
      queue.push(p);
    }
    if (v instanceof Map) for (const [k, x] of v) queue.push(k, x);
    if (v instanceof Set) for (const x of v) queue.push(x);
  }
  return seen;
}

function kernelObjectsIn(root: unknown): string[] {
  const found: string[] = [];
  for (const o of reachable(root)) {
    for (const cls of KERNEL_CLASSES) if (o instanceof cls) found.push(cls.name);
    if (Object.prototype.hasOwnProperty.call(o, 'kernel')) found.push('a `kernel` property');
  }
  return found;
}

/** Boot init, which spawns `spy`: a user program registered in-process, as a coursework program is. */
function bootUserProgram(main: (proc: UserProcess) => Generator<KernelCall, number, any>): { records: TraceRecord[]; kernel: Kernel } {
  const script = parseBootScript('process init\n    spawn spy\n    wait spy\n', 'test.boot');
  const records: TraceRecord[] = [];
  const system = buildSystem(script, { seed: 1, scriptPath: 'test.boot' }, (k) => {
    k.trace.trace$.subscribe((r) => records.push(r));
    k.programs.set('spy', userProgram(main));
  });
  system.kernel.run();
  expect(system.alive()).toEqual([]);
  return { records, kernel: system.kernel };
}

describe('actors are isolated from the kernel', () => {
  it('the walk finds the kernel when it is there (the oracle can fail)', () => {
    const k = new Kernel();
    expect(kernelObjectsIn({ deep: [{ k }] })).toContain('Kernel');
    expect(kernelObjectsIn({ get hidden() { return { p: k.log }; } })).toContain('SystemLog');
  });

  it('nothing reachable from a user program\'s context or runtime is a kernel object', () => {
    let found: string[] | null = null;
    let walked = 0;
    let ctxKeys: string[] = [];
    bootUserProgram(function* (proc) {
      found = kernelObjectsIn(proc);
      walked = reachable(proc).size;
      ctxKeys = Object.keys(proc.ctx).sort();
      return 0;
    });
    expect(found).toEqual([]);
    // The walk did go somewhere: the runtime, its context, args, env, the PRNG's draws.
    expect(walked).toBeGreaterThan(10);
    // offerDump hands the debugger a function of the actor's (kernel/debug.ts); it reaches nothing of the kernel's.
    expect(ctxKeys).toEqual([
      'args', 'causeId', 'endpointOf', 'env', 'log', 'name', 'nowNs', 'offerDump', 'print', 'random', 'self', 'takeSignals', 'trace', 'traceOn',
    ]);
  });

  it('a user program\'s privileged kernel calls fail with ECALLDENIED, and each denial is traced', () => {
    const results: Record<string, unknown> = {};
    const { records } = bootUserProgram(function* (proc) {
      results.getProc = yield kernelCall('sys_getinfo', { request: 'GET_PROC', endpoint: proc.ctx.self });
      results.getProgram = yield kernelCall('sys_getinfo', { request: 'GET_PROGRAM', name: 'sh' });
      // Privileges and the raw disk are out of reach too: no fork of its own, no message to the driver.
      results.fork = yield kernelCall('sys_fork', { name: 'evil', program: 'sh' });
      results.srvStart = yield kernelCall('sys_srv_start', { name: 'evil', program: () => null, priority: 0 });
      results.clock = yield sendrec(proc.ctx.endpointOf('clock'), { type: 'CLOCK_GETTIME' });
      return 0;
    });
    expect(results.getProc).toBe(-ECALLDENIED);
    expect(results.getProgram).toBe(-ECALLDENIED);
    expect(results.fork).toBe(-ECALLDENIED);
    expect(results.srvStart).toBe(-ECALLDENIED);
    expect(results.clock).toBe(-ECALLDENIED);
    const denials = records.filter((r) => r.ev === 'error' && r.proc === 'spy' && r.err === 'ECALLDENIED');
    expect(denials.length).toBe(5);
    // No kernel call of the spy's got as far as a kcall record.
    expect(records.filter((r) => r.ev === 'kcall' && r.proc === 'spy')).toEqual([]);
  });
});

describe('sys_getinfo for system processes', () => {
  it('answers GET_PROC with a copy and GET_PROGRAM from the program table; each is a traced kernel call', () => {
    const sys = testSystem();
    const k = sys.kernel;
    k.programs.set('known', function* () { /* */ });
    const out: Record<string, unknown> = {};
    const peer = sys.spawn('peer', function* () { yield receive(ANY); });
    sys.spawn('server', function* (ctx: ActorContext) {
      const info = (yield kernelCall('sys_getinfo', { request: 'GET_PROC', endpoint: peer })) as ProcInfo;
      out.info = { ...info };
      (info as { name: string }).name = 'renamed';
      out.self = yield kernelCall('sys_getinfo', { request: 'GET_PROC', endpoint: ctx.self });
      out.known = yield kernelCall('sys_getinfo', { request: 'GET_PROGRAM', name: 'known' });
      out.unknown = yield kernelCall('sys_getinfo', { request: 'GET_PROGRAM', name: 'nosuch' });
      out.gone = yield kernelCall('sys_getinfo', { request: 'GET_PROC', endpoint: peer + 1024 });
      out.bad = yield kernelCall('sys_getinfo', { request: 'GET_PRIVTAB' });
    });
    k.run();
    expect(out.info).toEqual({ endpoint: peer, name: 'peer', system: true, cpuTimeNs: k.procByName('peer')!.cpuTimeNs });
    expect((out.info as ProcInfo).cpuTimeNs).toBeGreaterThan(0);
    expect(k.procByName('peer')!.name).toBe('peer');
    expect((out.self as ProcInfo).name).toBe('server');
    expect(out.known).toBe(OK);
    expect(out.unknown).toBe(-ENOENT);
    expect(out.gone).toBe(-ESRCH);
    expect(out.bad).toBe(-EINVAL);
    expect(sys.records.filter((r) => r.ev === 'kcall' && r.proc === 'server').map((r) => r.call)).toEqual(Array(6).fill('sys_getinfo'));
  });
});
