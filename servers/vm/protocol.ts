/*
 * The VM server's messages (MINIX 3's VM_* calls, minix/com.h) and the
 * address-space layout every process gets.
 *   From user processes: VM_BRK, VM_MMAP, VM_MPROTECT, VM_REGION, VM_ADVISE, VM_INFO
 *   From PM:   VM_FORK, VM_EXIT, VM_EXEC (MINIX: vm_fork, vm_exit, exec's new memory), VM_PM_SETCON
 *   From the kernel: VM_PAGEFAULT (kernel/mmu.ts PageFaultMessage), sent on the faulting process's behalf
 *   To PM:     VM_SIGNAL (senda): kill a process with SIGSEGV (MINIX's VM calls sys_kill)
 *   VmReply    { type: 'VM_REPLY', status, ... }
 *   PROT_*, protFromText(text), protText(prot), layout constants (TEXT_VADDR, HEAP_VADDR, MMAP_VADDR, STACK_TOP)
 */
import type { Message } from '../../kernel/index.js';

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const PROT_EXEC = 0x4;

/** `r`, `rw`, `rx`, `rwx`, `none` (or `---`) as PROT_* bits; -1 when malformed. */
export function protFromText(text: string): number {
  if (text === 'none' || text === '---') return 0;
  if (!/^r?w?x?$/.test(text) || text.length === 0) return -1;
  return (text.includes('r') ? PROT_READ : 0) | (text.includes('w') ? PROT_WRITE : 0) | (text.includes('x') ? PROT_EXEC : 0);
}

export function protText(prot: number): string {
  return `${prot & PROT_READ ? 'r' : '-'}${prot & PROT_WRITE ? 'w' : '-'}${prot & PROT_EXEC ? 'x' : '-'}`;
}

/**
 * The layout (in bytes; regions start on page boundaries of any page size up
 * to 64 KiB): page 0 unmapped (a null pointer faults), text, the heap above
 * it growing up by brk, mmap regions from MMAP_VADDR up, the stack below STACK_TOP.
 */
export const TEXT_VADDR = 0x10000;
export const HEAP_VADDR = 0x1000000;
export const MMAP_VADDR = 0x40000000;
export const STACK_TOP = 0x80000000;
/** Text and stack a process starts with (in pages). */
export const TEXT_PAGES = 4;
export const STACK_PAGES = 16;
/** Bounds: the heap may not reach the mmap area, one mapping is at most 256 MiB, 64 mappings a process. */
export const MAX_HEAP_BYTES = MMAP_VADDR - HEAP_VADDR;
export const MAX_MAP_BYTES = 256 * 1024 * 1024;
export const MAX_REGIONS = 64;
/** Longest future reference string VM_ADVISE keeps (the optimal policy's oracle). */
export const MAX_ADVISE_REFS = 1_000_000;

/** Grow (or shrink) the heap by `deltaBytes` (sbrk); reply value: the new break. */
export interface VmBrk extends Message { readonly type: 'VM_BRK'; readonly deltaBytes: number }
/** An anonymous mapping, or a private mapping of a file's first bytes (file: a path). Reply: addr. */
export interface VmMmap extends Message {
  readonly type: 'VM_MMAP'; readonly name: string; readonly bytes: number; readonly prot: number; readonly file?: string;
}
export interface VmMprotect extends Message { readonly type: 'VM_MPROTECT'; readonly name: string; readonly prot: number }
/** Where a region is: reply addr, bytes, pageSize, prot. */
export interface VmRegionQuery extends Message { readonly type: 'VM_REGION'; readonly name: string }
/** The caller's coming references (virtual page numbers), for the optimal policy (madvise-like; mksim only). */
export interface VmAdvise extends Message { readonly type: 'VM_ADVISE'; readonly vpages: readonly number[] }
/** The caller's counters: reply faults, evictions, swapins, swapouts, resident. */
export interface VmInfo extends Message { readonly type: 'VM_INFO' }

export interface VmFork extends Message { readonly type: 'VM_FORK'; readonly parent: number; readonly child: number }
export interface VmExit extends Message { readonly type: 'VM_EXIT'; readonly endpoint: number }
export interface VmExec extends Message { readonly type: 'VM_EXEC'; readonly endpoint: number }
export interface VmSetcon extends Message { readonly type: 'VM_PM_SETCON'; readonly endpoint: number; readonly context: string }

/** To PM: generate `signal` for the process (VM's sys_kill(ep, SIGSEGV) in MINIX). */
export interface VmSignal extends Message { readonly type: 'VM_SIGNAL'; readonly endpoint: number; readonly signal: number }

export interface VmReply extends Message {
  readonly type: 'VM_REPLY';
  readonly status: number;
  readonly [field: string]: unknown;
}

export const VM_REPLY = 'VM_REPLY';

export type VmRequest = VmBrk | VmMmap | VmMprotect | VmRegionQuery | VmAdvise | VmInfo | VmFork | VmExit | VmExec | VmSetcon;
