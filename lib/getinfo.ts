/*
 * The sys_getinfo wrappers a system process links (MINIX's libsys
 * sys_getinfo.c: sys_getproctab, sys_getprivtab, ...): each is one kernel call.
 *   getProc(ep)            yield*: the ProcInfo copy, or -ESRCH if ep is not a live process
 *   procName(ep)           yield*: its name, or `ep<N>` once it is gone
 *   isSystemProcess(ep)    yield*: does ep have system privileges (false if gone)
 *   programExists(name)    yield*: is `name` in the program table (what sys_exec can run)
 */
import { kernelCall, OK, type Endpoint, type KernelCall, type ProcInfo } from '../kernel/index.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* getProc(ep: Endpoint): Gen<ProcInfo | number> {
  return yield kernelCall('sys_getinfo', { request: 'GET_PROC', endpoint: ep });
}

export function* procName(ep: Endpoint): Gen<string> {
  const info = yield* getProc(ep);
  return typeof info === 'number' ? `ep${ep}` : info.name;
}

export function* isSystemProcess(ep: Endpoint): Gen<boolean> {
  const info = yield* getProc(ep);
  return typeof info !== 'number' && info.system;
}

export function* programExists(name: string): Gen<boolean> {
  const r: number = yield kernelCall('sys_getinfo', { request: 'GET_PROGRAM', name });
  return r === OK;
}
