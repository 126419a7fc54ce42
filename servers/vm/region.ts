/*
 * Regions of an address space (MINIX's vir_region, region.c): a named run
 * of virtual pages with one protection and one source of contents.
 *   Region                 { name, kind, startVpage, pages, prot, file }
 *   regionAt(vp, vpage)    the region holding a virtual page (map_lookup), or undefined
 *   regionNamed(vp, name)  by name: text, heap, stack, or an mmap's name
 *   defaultRegions(pageSize)   what a new process starts with: text (r-x), an empty heap (rw-), a stack (rw-)
 * Invariant: regions of one space never overlap (mmap places each above the last).
 */
import { HEAP_VADDR, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_PAGES, STACK_TOP, TEXT_PAGES, TEXT_VADDR } from './protocol.js';

export type RegionKind = 'text' | 'heap' | 'stack' | 'anon' | 'file';

/** A private file mapping's source: the file's label and its bytes as read at mmap time. */
export interface FileSource {
  readonly path: string;
  readonly context: string | null;
  readonly bytes: Uint8Array;
}

export interface Region {
  readonly name: string;
  readonly kind: RegionKind;
  readonly startVpage: number;
  pages: number;
  prot: number;
  /** mprotect made a private writable file mapping writable and it was written: execmod applies (Linux: vma->anon_vma). */
  modified: boolean;
  readonly file: FileSource | null;
}

export interface RegionOwner {
  readonly regions: Region[];
}

export function regionAt(vp: RegionOwner, vpage: number): Region | undefined {
  for (const r of vp.regions) if (vpage >= r.startVpage && vpage < r.startVpage + r.pages) return r;
  return undefined;
}

export function regionNamed(vp: RegionOwner, name: string): Region | undefined {
  return vp.regions.find((r) => r.name === name);
}

export function defaultRegions(pageSize: number): Region[] {
  const stackPages = STACK_PAGES;
  return [
    { name: 'text', kind: 'text', startVpage: TEXT_VADDR / pageSize, pages: TEXT_PAGES, prot: PROT_READ | PROT_EXEC, modified: false, file: null },
    { name: 'heap', kind: 'heap', startVpage: HEAP_VADDR / pageSize, pages: 0, prot: PROT_READ | PROT_WRITE, modified: false, file: null },
    { name: 'stack', kind: 'stack', startVpage: STACK_TOP / pageSize - stackPages, pages: stackPages, prot: PROT_READ | PROT_WRITE, modified: false, file: null },
  ];
}

export function copyRegion(r: Region): Region {
  return { ...r };
}
