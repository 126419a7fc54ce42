/*
 * The memory-management unit and physical memory: per-process page tables
 * the VM server fills, and the RAM its frames live in. A load or store that
 * finds no valid entry (or one without the right) is a page fault: the
 * process stops (RTS_PAGEFAULT) and the kernel sends VM_PAGEFAULT to VM on
 * its behalf, as MINIX's pagefault() in arch/i386/exception.c does.
 *   Mmu.register(k)     the kernel calls below; dropped tables when a process dies
 *   vm_memref    { addr, write, value?, data?, length? }  a user's load/store (-> byte, bytes, OK, or a fault)
 *   vm_init      { frames, pageSize }   VM sizes physical memory (once)
 *   vm_setpte    { endpoint, entries: [{ vpage, frame, flags }] | clear }  write page-table entries (frame -1 unmaps)
 *   vm_clearpf   { endpoint, status }   VM is done with the fault: retry the access (0) or fail it (-errno)
 *   vm_getrefs   { endpoints }  frames referenced since the last call, in order, and each process's reference count
 *   vm_frameread / vm_framewrite / vm_framecopy / vm_framezero   VM moves frame contents (sys_abscopy's role)
 * mksim simplification (docs/vm.md): besides x86's accessed and dirty bits the
 * MMU keeps the order of last reference, so VM can run exact LRU.
 */
import { EFAULT, EINVAL, ENOSYS, ESRCH, OK } from './errno.js';
import { copyCostNs } from './grant.js';
import { BLOCKED, kernelSend } from './ipc.js';
import type { Kernel } from './kernel.js';
import type { Message } from './message.js';
import { RTS_PAGEFAULT, type Proc } from './proc.js';

/** Page-table entry flags (x86's R/W and NX, inverted: X set means executable). */
export const PTE_W = 0x1;
export const PTE_X = 0x2;
/** A bound on physical memory: 256 MiB of simulated RAM. */
export const MAX_RAM_BYTES = 256 * 1024 * 1024;
/** Virtual addresses are below 2^40 (a bound, not an architecture). */
export const MAX_VADDR = 2 ** 40;
/** Retries of one access before the kernel gives up on VM's answer (it mapped the wrong thing). */
const MAX_FAULT_RETRIES = 4;

export interface MemrefArgs {
  readonly addr: number;
  readonly write: boolean;
  /** A store of one byte. */
  readonly value?: number;
  /** A store of these bytes (within one page). */
  readonly data?: Uint8Array;
  /** A load of this many bytes (within one page): returns a Uint8Array; without it one byte (a number). */
  readonly length?: number;
}

/** VM_PAGEFAULT: sent by the kernel on the faulting process's behalf (source = the process). */
export interface PageFaultMessage extends Message {
  readonly type: 'VM_PAGEFAULT';
  readonly endpoint: number;
  readonly addr: number;
  /** The access was a store (MINIX's PFERR_WRITE). */
  readonly write: boolean;
  /** A valid entry existed but lacked the right (MINIX's PFERR_PROT), else no page (PFERR_NOPAGE). */
  readonly protection: boolean;
  /** References the process made before this one (the optimal policy's position in its reference string). */
  readonly refNr: number;
}

export interface FrameRef {
  readonly frame: number;
  /** Order of the last reference (a global counter). */
  readonly seq: number;
  /** Some reference since the last call was a store. */
  readonly wrote: boolean;
}

interface PendingFault {
  readonly args: MemrefArgs;
  retries: number;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export class Mmu {
  pageSize = 0;
  frames = 0;
  private ram: Uint8Array | null = null;
  /** Page tables by process slot: vpage -> frame * 4 + flags. */
  private readonly tables = new Map<number, Map<number, number>>();
  private readonly refNrs = new Map<number, number>();
  private readonly faults = new Map<number, PendingFault>();
  /** Per frame: last reference seq, referenced since the last vm_getrefs, stored to since then. */
  private lastRef = new Float64Array(0);
  private accessed = new Uint8Array(0);
  private wrote = new Uint8Array(0);
  private touched: number[] = [];
  private refSeq = 0;
  // Statistics.
  faultsTotal = 0;
  refsTotal = 0;

  constructor(private readonly k: Kernel) {}

  register(): void {
    const k = this.k;
    k.onExit((p) => { this.tables.delete(p.slot); this.refNrs.delete(p.slot); this.faults.delete(p.slot); });
    k.registerKernelCall('vm_memref', (caller, args) => this.memref(caller, args as MemrefArgs));
    k.registerKernelCall('vm_init', (_caller, args) => {
      const { frames, pageSize } = (args ?? {}) as { frames?: unknown; pageSize?: unknown };
      if (this.ram !== null) return -EINVAL;
      if (!isInt(frames) || !isInt(pageSize) || frames < 1 || pageSize < 64 || (pageSize & (pageSize - 1)) !== 0) return -EINVAL;
      if (frames * pageSize > MAX_RAM_BYTES) return -EINVAL;
      this.frames = frames;
      this.pageSize = pageSize;
      this.ram = new Uint8Array(frames * pageSize);
      this.lastRef = new Float64Array(frames);
      this.accessed = new Uint8Array(frames);
      this.wrote = new Uint8Array(frames);
      return OK;
    });
    k.registerKernelCall('vm_setpte', (_caller, args) => {
      const a = (args ?? {}) as { endpoint?: unknown; entries?: unknown; clear?: unknown };
      const p = isInt(a.endpoint) ? k.procOf(a.endpoint) : null;
      if (p === null) return -ESRCH;
      if (a.clear === true) this.tables.delete(p.slot);
      if (a.entries === undefined) return OK;
      if (!Array.isArray(a.entries) || a.entries.length > 1 << 20) return -EINVAL;
      let table = this.tables.get(p.slot);
      if (table === undefined) { table = new Map(); this.tables.set(p.slot, table); }
      for (const e of a.entries as { vpage?: unknown; frame?: unknown; flags?: unknown }[]) {
        if (!isInt(e.vpage) || !isInt(e.frame) || e.vpage < 0 || e.frame < -1 || e.frame >= this.frames) return -EINVAL;
        if (e.frame < 0) table.delete(e.vpage);
        else table.set(e.vpage, e.frame * 4 + ((e.flags as number) & (PTE_W | PTE_X)));
      }
      return OK;
    });
    k.registerKernelCall('vm_clearpf', (_caller, args) => {
      const a = (args ?? {}) as { endpoint?: unknown; status?: unknown };
      const p = isInt(a.endpoint) ? k.procOf(a.endpoint) : null;
      if (p === null || (p.rtsFlags & RTS_PAGEFAULT) === 0) return -EINVAL;
      const pending = this.faults.get(p.slot);
      this.faults.delete(p.slot);
      if (isInt(a.status) && a.status < 0) p.result = a.status;
      else if (pending !== undefined) {
        // The process re-executes the access (MINIX: the faulting instruction runs again).
        const r = this.access(p, pending.args);
        if (r === BLOCKED) {
          if (++pending.retries >= MAX_FAULT_RETRIES) p.result = -EFAULT;
          else { this.faults.set(p.slot, pending); this.sendFault(p, pending.args, true); return OK; }
        } else p.result = r;
      }
      k.resume(p, RTS_PAGEFAULT);
      return OK;
    });
    k.registerKernelCall('vm_getrefs', (_caller, args) => {
      const eps = ((args ?? {}) as { endpoints?: unknown }).endpoints;
      const refs: FrameRef[] = this.touched.map((f) => ({ frame: f, seq: this.lastRef[f]!, wrote: this.wrote[f] === 1 }));
      refs.sort((x, y) => x.seq - y.seq);
      for (const f of this.touched) { this.accessed[f] = 0; this.wrote[f] = 0; }
      this.touched = [];
      const counts = Array.isArray(eps) ? eps.slice(0, 4096).map((ep) => {
        const p = isInt(ep) ? k.procOf(ep) : null;
        return p === null ? -1 : this.refNrs.get(p.slot) ?? 0;
      }) : [];
      return { refs, counts };
    });
    const frameArg = (v: unknown): number => (isInt(v) && v >= 0 && v < this.frames ? v : -1);
    k.registerKernelCall('vm_frameread', (caller, args) => {
      const f = frameArg((args as { frame?: unknown } | null)?.frame);
      if (f < 0 || this.ram === null) return -EINVAL;
      k.charge(caller, copyCostNs(k.config, this.pageSize));
      return this.ram.slice(f * this.pageSize, (f + 1) * this.pageSize);
    });
    k.registerKernelCall('vm_framewrite', (caller, args) => {
      const a = (args ?? {}) as { frame?: unknown; bytes?: unknown };
      const f = frameArg(a.frame);
      if (f < 0 || this.ram === null || !(a.bytes instanceof Uint8Array) || a.bytes.length !== this.pageSize) return -EINVAL;
      k.charge(caller, copyCostNs(k.config, this.pageSize));
      this.ram.set(a.bytes, f * this.pageSize);
      return OK;
    });
    k.registerKernelCall('vm_framecopy', (caller, args) => {
      const a = (args ?? {}) as { src?: unknown; dst?: unknown };
      const src = frameArg(a.src), dst = frameArg(a.dst);
      if (src < 0 || dst < 0 || this.ram === null) return -EINVAL;
      k.charge(caller, copyCostNs(k.config, this.pageSize));
      this.ram.copyWithin(dst * this.pageSize, src * this.pageSize, (src + 1) * this.pageSize);
      return OK;
    });
    k.registerKernelCall('vm_framezero', (caller, args) => {
      const f = frameArg((args as { frame?: unknown } | null)?.frame);
      if (f < 0 || this.ram === null) return -EINVAL;
      k.charge(caller, copyCostNs(k.config, this.pageSize));
      this.ram.fill(0, f * this.pageSize, (f + 1) * this.pageSize);
      return OK;
    });
  }

  private memref(caller: Proc, args: MemrefArgs): unknown {
    if (this.ram === null) return -ENOSYS;
    if (args === null || typeof args !== 'object' || !isInt(args.addr) || args.addr < 0 || args.addr >= MAX_VADDR) return -EINVAL;
    const r = this.access(caller, args);
    if (r !== BLOCKED) return r;
    this.faults.set(caller.slot, { args, retries: 0 });
    this.sendFault(caller, args, false);
    return BLOCKED;
  }

  /** One access through caller's page table: its result, or BLOCKED when it faults (nothing changed). */
  private access(p: Proc, a: MemrefArgs): unknown {
    const ps = this.pageSize;
    const vpage = Math.floor(a.addr / ps);
    const offset = a.addr - vpage * ps;
    const bytes = a.data instanceof Uint8Array ? a.data.length : isInt(a.length) ? a.length : 1;
    if (bytes < 1 || offset + bytes > ps) return -EINVAL;
    const pte = this.tables.get(p.slot)?.get(vpage);
    if (pte === undefined || (a.write && (pte & PTE_W) === 0)) return BLOCKED;
    const frame = Math.floor(pte / 4);
    const refNr = this.refNrs.get(p.slot) ?? 0;
    this.refNrs.set(p.slot, refNr + 1);
    this.refsTotal++;
    this.lastRef[frame] = ++this.refSeq;
    if (this.accessed[frame] === 0) { this.accessed[frame] = 1; this.touched.push(frame); }
    const at = frame * ps + offset;
    const ram = this.ram!;
    if (a.write) {
      this.wrote[frame] = 1;
      if (a.data instanceof Uint8Array) ram.set(a.data, at);
      else ram[at] = (isInt(a.value) ? a.value : 0) & 0xff;
      return OK;
    }
    return isInt(a.length) ? ram.slice(at, at + bytes) : ram[at]!;
  }

  private sendFault(p: Proc, a: MemrefArgs, retry: boolean): void {
    const k = this.k;
    const vm = k.procByName('vm');
    const pte = this.tables.get(p.slot)?.get(Math.floor(a.addr / this.pageSize));
    this.faultsTotal++;
    // Don't schedule it until VM has handled the fault (exception.c: RTS_SET(pr, RTS_PAGEFAULT)).
    k.suspend(p, RTS_PAGEFAULT);
    const msg: PageFaultMessage = {
      type: 'VM_PAGEFAULT', endpoint: p.endpoint, addr: a.addr, write: a.write === true,
      protection: pte !== undefined, refNr: this.refNrs.get(p.slot) ?? 0,
    };
    const r = vm === null || !vm.alive ? -ESRCH : kernelSend(k, p, vm, msg);
    if (r < 0 && !retry) {
      // No VM to ask: the access fails rather than the process hang.
      this.faults.delete(p.slot);
      p.result = -EFAULT;
      k.resume(p, RTS_PAGEFAULT);
    }
  }
}
