/*
 * VM's per-process table (MINIX's struct vmproc, vmproc.h): the address
 * space (regions and the pages VM has given them) and the counters vmstat shows.
 *   VmProc, Page            one process; one virtual page's state
 *   VmProcTable             by endpoint; get(ep) makes a fresh space for a process VM has not met
 * A page is resident (frame >= 0), or in swap (swapSlot >= 0), or neither
 * (never touched: zero-fill or its file's bytes on the first fault). A
 * resident page may also keep a clean copy in swap (swapSlot >= 0).
 */
import { defaultRegions, type Region } from './region.js';
import { MMAP_VADDR } from './protocol.js';

export interface Page {
  frame: number;
  swapSlot: number;
}

export interface VmCounters {
  faults: number;
  evictions: number;
  swapins: number;
  swapouts: number;
  cows: number;
}

export interface VmProc {
  readonly endpoint: number;
  /** For the trace (PM's name for it, or ep<N>). */
  name: string;
  /** Security context (PM tells VM: VM_PM_SETCON), null without one. */
  context: string | null;
  regions: Region[];
  readonly pages: Map<number, Page>;
  /** Next free virtual page for mmap. */
  nextMmapVpage: number;
  readonly counters: VmCounters;
  /** The coming references (VM_ADVISE), from the process's reference number `base`. */
  future: { base: number; vpages: readonly number[] } | null;
}

export const newCounters = (): VmCounters => ({ faults: 0, evictions: 0, swapins: 0, swapouts: 0, cows: 0 });

export class VmProcTable {
  private readonly procs = new Map<number, VmProc>();

  constructor(private readonly pageSize: number) {}

  /** The process's space; a boot-image process VM has not met gets the default one. */
  get(endpoint: number, name = `ep${endpoint}`): VmProc {
    let vp = this.procs.get(endpoint);
    if (vp === undefined) {
      vp = this.fresh(endpoint, name);
      this.procs.set(endpoint, vp);
    }
    return vp;
  }

  has(endpoint: number): boolean {
    return this.procs.has(endpoint);
  }

  fresh(endpoint: number, name: string): VmProc {
    return {
      endpoint, name, context: null, regions: defaultRegions(this.pageSize), pages: new Map(),
      nextMmapVpage: MMAP_VADDR / this.pageSize, counters: newCounters(), future: null,
    };
  }

  set(vp: VmProc): void {
    this.procs.set(vp.endpoint, vp);
  }

  delete(endpoint: number): void {
    this.procs.delete(endpoint);
  }

  all(): VmProc[] {
    return [...this.procs.values()];
  }
}
