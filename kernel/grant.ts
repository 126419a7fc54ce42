/*
 * Memory grants and safe copies, as MINIX 3's (lib/libsys/safecopies.c,
 * kernel/system/do_safecopy.c): the only way bulk data moves between processes.
 *   GrantTables                 the per-process grant tables of one kernel; registers the kernel calls:
 *     cpf_grant_direct { grantee, buffer, offset?, bytes?, access } -> grant id (>= 0) or -errno
 *     cpf_revoke { grant } -> OK or -errno
 *     sys_safecopyfrom / sys_safecopyto { owner, grant, offset, buffer, bufferOffset?, bytes } -> OK or -errno
 *     sys_vsafecopy { vector: [{ access, owner, grant, offset, buffer, bufferOffset?, bytes }] } -> OK or -errno:
 *                   up to SCPVEC_NR safe copies for the price of one (MINIX's do_vsafecopy)
 *   clearGrants(proc)           drop a dead (or exec'd) process's table: its grants die with it
 *   copyCostNs(config, bytes)   the virtual CPU time one safe copy is charged
 * A grant names a region of the owner's buffer, one grantee endpoint and
 * CPF_READ/CPF_WRITE; the kernel checks all four (verify_grant) on every copy.
 */
import { MAX_SLOTS, NONE, type Endpoint } from './endpoint.js';
import { EINVAL, ENOSPC, EPERM, errnoName, OK } from './errno.js';
import type { Kernel, KernelConfig } from './kernel.js';
import type { Proc } from './proc.js';

/** The grantee may read the region (sys_safecopyfrom). */
export const CPF_READ = 0x1;
/** The grantee may write the region (sys_safecopyto). */
export const CPF_WRITE = 0x2;

/**
 * Grant ids are GRANT_ID(idx, seq) as MINIX's safecopies.h: the slot index
 * in the low bits and a sequence number bumped on revoke, so a stale id of a
 * reused slot is refused instead of reaching the new grant.
 */
const GRANT_SHIFT = 12;
/** A bound on one process's live grants (MINIX grows its table; a simulation needs a limit). */
export const MAX_GRANTS = 1 << GRANT_SHIFT;
const GRANT_MAX_SEQ = 1 << (31 - GRANT_SHIFT);

interface Grant {
  grantee: Endpoint;
  buffer: Uint8Array | null;
  /** The region: buffer[offset, offset + bytes). */
  offset: number;
  bytes: number;
  access: number;
  seq: number;
  used: boolean;
}

class GrantTable {
  readonly slots: Grant[] = [];
  /** Free slot indexes, a stack: the most recently revoked slot is reused first. */
  readonly free: number[] = [];
  live = 0;
}

export interface GrantArgs {
  readonly grantee: Endpoint;
  readonly buffer: Uint8Array;
  readonly offset?: number;
  readonly bytes?: number;
  readonly access: number;
}

export interface SafecopyArgs {
  /** The process that made the grant. */
  readonly owner: Endpoint;
  readonly grant: number;
  /** Byte offset inside the granted region. */
  readonly offset: number;
  /** The caller's own buffer: copied into (safecopyfrom) or out of (safecopyto). */
  readonly buffer: Uint8Array;
  readonly bufferOffset?: number;
  readonly bytes: number;
}

/** One vsafecopy element: CPF_READ copies from the owner's grant into buffer, CPF_WRITE from buffer into the grant. */
export interface VsafecopyElement extends SafecopyArgs {
  readonly access: number;
}

/** MINIX's SCPVEC_NR: the most elements one sys_vsafecopy may carry. */
export const SCPVEC_NR = 64;

export function copyCostNs(config: KernelConfig, bytes: number): number {
  return config.copyFixedNs + Math.round((config.copyNsPerKiB * bytes) / 1024);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export class GrantTables {
  private readonly tables: (GrantTable | null)[] = new Array(MAX_SLOTS).fill(null);
  // Statistics.
  grantsTotal = 0;
  copiesTotal = 0;
  bytesCopiedTotal = 0;

  constructor(private readonly k: Kernel) {
    k.registerKernelCall('cpf_grant_direct', (caller, args) => this.grantDirect(caller, args as GrantArgs));
    k.registerKernelCall('cpf_revoke', (caller, args) => this.revoke(caller, (args as { grant?: unknown } | null)?.grant));
    k.registerKernelCall('sys_safecopyfrom', (caller, args) => this.safecopy(caller, args as SafecopyArgs, CPF_READ));
    k.registerKernelCall('sys_safecopyto', (caller, args) => this.safecopy(caller, args as SafecopyArgs, CPF_WRITE));
    k.registerKernelCall('sys_vsafecopy', (caller, args) => this.vsafecopy(caller, (args as { vector?: unknown } | null)?.vector));
  }

  /** MINIX's cpf_grant_direct: a new grant of buffer[offset, offset+bytes) to `grantee`. */
  grantDirect(caller: Proc, a: GrantArgs): number {
    const call = 'cpf_grant_direct';
    if (typeof a !== 'object' || a === null || !(a.buffer instanceof Uint8Array)) return this.refuse(caller, call, EINVAL, 'no buffer');
    const offset = a.offset ?? 0;
    const bytes = a.bytes ?? a.buffer.length - offset;
    if (!isCount(offset) || !isCount(bytes) || offset + bytes > a.buffer.length) return this.refuse(caller, call, EINVAL, 'region outside the buffer');
    if (typeof a.access !== 'number' || a.access === 0 || (a.access & ~(CPF_READ | CPF_WRITE)) !== 0) return this.refuse(caller, call, EINVAL, `access ${String(a.access)}`);
    // Any endpoint, live or not: MINIX's cpf_grant_direct only fills in the table; a dead grantee can never copy.
    if (!isCount(a.grantee)) return this.refuse(caller, call, EINVAL, `grantee ${String(a.grantee)}`);
    let table = this.tables[caller.slot];
    if (table === null || table === undefined) table = this.tables[caller.slot] = new GrantTable();
    let idx = table.free.pop();
    if (idx === undefined) {
      if (table.slots.length >= MAX_GRANTS) return this.refuse(caller, call, ENOSPC, `${MAX_GRANTS} grants live`);
      idx = table.slots.length;
      table.slots.push({ grantee: NONE, buffer: null, offset: 0, bytes: 0, access: 0, seq: 0, used: false });
    }
    const g = table.slots[idx]!;
    g.grantee = a.grantee;
    g.buffer = a.buffer;
    g.offset = offset;
    g.bytes = bytes;
    g.access = a.access;
    g.used = true;
    table.live++;
    this.grantsTotal++;
    const id = g.seq * MAX_GRANTS + idx;
    if (this.k.trace.on) this.k.emit({ seq: 0, t: this.k.nowNs, ev: 'grant', proc: caller.name, op: 'grant', grant: id, to: this.k.nameOf(a.grantee), bytes, access: accessName(a.access) });
    return id;
  }

  /** MINIX's cpf_revoke: the grant stops working at once; its slot's sequence moves on. */
  revoke(caller: Proc, id: unknown): number {
    const g = this.lookup(caller.slot, id);
    if (g === null) return this.refuse(caller, 'cpf_revoke', EINVAL, `no grant ${String(id)}`);
    this.release(this.tables[caller.slot]!, g, id as number);
    if (this.k.trace.on) this.k.emit({ seq: 0, t: this.k.nowNs, ev: 'grant', proc: caller.name, op: 'revoke', grant: id });
    return OK;
  }

  /**
   * sys_safecopyfrom (CPF_READ: owner -> caller) and sys_safecopyto
   * (CPF_WRITE: caller -> owner), after verify_grant: the owner is alive,
   * the grant is in use, names the caller, allows the access and covers the range.
   */
  safecopy(caller: Proc, a: SafecopyArgs, access: number): number {
    const call = access === CPF_READ ? 'sys_safecopyfrom' : 'sys_safecopyto';
    const region = this.verify(caller, call, a, access);
    if (typeof region === 'number') return region;
    this.move(a, access, region);
    const costNs = copyCostNs(this.k.config, a.bytes);
    this.k.charge(caller, costNs);
    this.copiesTotal++;
    this.bytesCopiedTotal += a.bytes;
    if (this.k.trace.on) {
      this.k.emit({ seq: 0, t: this.k.nowNs, ev: 'copy', proc: caller.name, call, owner: this.k.nameOf(a.owner), grant: a.grant, offset: a.offset, bytes: a.bytes, ns: costNs });
    }
    return OK;
  }

  /**
   * MINIX's do_vsafecopy: a vector of safe copies in one kernel call, each
   * element checked as one safecopy is, charged one fixed cost for the call
   * plus the bytes. mksim checks every element before it copies any (MINIX
   * copies up to the failing one): a failed vsafecopy has moved nothing.
   */
  vsafecopy(caller: Proc, vector: unknown): number {
    const call = 'sys_vsafecopy';
    if (!Array.isArray(vector) || vector.length === 0 || vector.length > SCPVEC_NR) return this.refuse(caller, call, EINVAL, `a vector of 1..${SCPVEC_NR} elements`);
    const regions: Uint8Array[] = new Array(vector.length);
    let bytes = 0;
    for (let i = 0; i < vector.length; i++) {
      const el = vector[i] as VsafecopyElement;
      if (typeof el !== 'object' || el === null || (el.access !== CPF_READ && el.access !== CPF_WRITE)) return this.refuse(caller, call, EINVAL, `element ${i}: access must be CPF_READ or CPF_WRITE`);
      const region = this.verify(caller, call, el, el.access);
      if (typeof region === 'number') return region;
      regions[i] = region;
      bytes += el.bytes;
    }
    for (let i = 0; i < vector.length; i++) this.move(vector[i] as VsafecopyElement, (vector[i] as VsafecopyElement).access, regions[i]!);
    const costNs = copyCostNs(this.k.config, bytes);
    this.k.charge(caller, costNs);
    this.copiesTotal++;
    this.bytesCopiedTotal += bytes;
    if (this.k.trace.on) {
      const first = vector[0] as VsafecopyElement;
      this.k.emit({ seq: 0, t: this.k.nowNs, ev: 'copy', proc: caller.name, call, owner: this.k.nameOf(first.owner), grant: first.grant, offset: first.offset, elements: vector.length, bytes, ns: costNs });
    }
    return OK;
  }

  /** verify_grant for one copy: the owner's granted bytes it may touch, or -errno (refused and traced). */
  private verify(caller: Proc, call: string, a: SafecopyArgs, access: number): Uint8Array | number {
    if (typeof a !== 'object' || a === null || !(a.buffer instanceof Uint8Array)) return this.refuse(caller, call, EINVAL, 'no buffer');
    const bufferOffset = a.bufferOffset ?? 0;
    if (!isCount(a.offset) || !isCount(a.bytes) || !isCount(bufferOffset) || bufferOffset + a.bytes > a.buffer.length) {
      return this.refuse(caller, call, EINVAL, 'local range outside the buffer');
    }
    const owner = this.k.procOf(a.owner);
    // verify_grant: an invalid granter is EINVAL; every other failure is EPERM.
    if (owner === null) return this.refuse(caller, call, EINVAL, 'no such owner');
    const g = this.lookup(owner.slot, a.grant);
    if (g === null) return this.refuse(caller, call, EPERM, `${owner.name} has no grant ${String(a.grant)}`);
    if (g.grantee !== caller.endpoint) return this.refuse(caller, call, EPERM, `grant ${a.grant} of ${owner.name} is not for ${caller.name}`);
    if ((g.access & access) === 0) return this.refuse(caller, call, EPERM, `grant ${a.grant} of ${owner.name} is ${accessName(g.access)}`);
    if (a.offset + a.bytes > g.bytes) return this.refuse(caller, call, EPERM, `bytes ${a.offset}..${a.offset + a.bytes} outside grant ${a.grant} (${g.bytes} bytes)`);
    return g.buffer!.subarray(g.offset + a.offset, g.offset + a.offset + a.bytes);
  }

  private move(a: SafecopyArgs, access: number, region: Uint8Array): void {
    const bufferOffset = a.bufferOffset ?? 0;
    if (access === CPF_READ) a.buffer.set(region, bufferOffset);
    else region.set(a.buffer.subarray(bufferOffset, bufferOffset + a.bytes));
  }

  /** Live grants of a process (tests, statistics). */
  liveGrants(p: Proc): number {
    return this.tables[p.slot]?.live ?? 0;
  }

  /** A dead or exec'd process's grants go with its memory (MINIX: the table lives in the process). */
  clear(p: Proc): void {
    this.tables[p.slot] = null;
  }

  private lookup(slot: number, id: unknown): Grant | null {
    if (!isCount(id)) return null;
    const table = this.tables[slot];
    if (table === null || table === undefined) return null;
    const g = table.slots[id % MAX_GRANTS];
    if (g === undefined || !g.used || g.seq !== Math.floor(id / MAX_GRANTS)) return null;
    return g;
  }

  private release(table: GrantTable, g: Grant, id: number): void {
    g.used = false;
    g.buffer = null;
    g.grantee = NONE;
    g.seq = (g.seq + 1) % GRANT_MAX_SEQ;
    table.live--;
    table.free.push(id % MAX_GRANTS);
  }

  private refuse(caller: Proc, call: string, errno: number, why: string): number {
    if (this.k.trace.on) this.k.emit({ seq: 0, t: this.k.nowNs, ev: 'error', proc: caller.name, call, err: errnoName(errno), why });
    return -errno;
  }
}

function accessName(access: number): string {
  return (access & CPF_READ ? 'R' : '') + (access & CPF_WRITE ? 'W' : '');
}

/** The death and exec paths call this: the process's grant table is gone (clear_endpoint's part for grants). */
export function clearGrants(k: Kernel, p: Proc): void {
  k.grants.clear(p);
}
