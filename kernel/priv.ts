/*
 * Privilege structures, as MINIX's struct priv: which IPC primitives a
 * process may use, which endpoints it may send to, which kernel calls it
 * may make.
 *   Privileges            the structure a boot image gives each process
 *   systemPrivileges()    drivers, servers, tasks: every primitive, any target
 *   userPrivileges()      sendrec only, to pm, fs, security and vm (DESIGN §2), its own grants, memory accesses
 *   mayUseOp, maySendTo, mayKernelCall   the checks the kernel makes
 */
import { Op } from './call.js';

export interface Privileges {
  /** A system process may use senda and may be the target of notify from anyone. */
  readonly system: boolean;
  /** IPC primitives allowed, as a bit set of 1 << Op. */
  readonly opMask: number;
  /** Names of the endpoints it may send to, or '*' for any. */
  readonly sendTo: '*' | ReadonlySet<string>;
  /** Kernel calls allowed, or '*' for all. */
  readonly kernelCalls: '*' | ReadonlySet<string>;
}

const ALL_IPC = (1 << Op.Send) | (1 << Op.Receive) | (1 << Op.Sendrec) | (1 << Op.Sendnb)
  | (1 << Op.Notify) | (1 << Op.Senda) | (1 << Op.Work) | (1 << Op.KernelCall);

export function systemPrivileges(): Privileges {
  return { system: true, opMask: ALL_IPC, sendTo: '*', kernelCalls: '*' };
}

export function userPrivileges(): Privileges {
  return {
    system: false,
    opMask: (1 << Op.Sendrec) | (1 << Op.Work) | (1 << Op.KernelCall),
    // vm: libc's mmap, brk and mprotect go to VM directly in MINIX 3 (minix/lib/libc/sys/mmap.c: VM_MMAP).
    sendTo: new Set(['pm', 'fs', 'security', 'vm']),
    // A user process manages its own grant table (MINIX: cpf_grant_direct writes the table in its memory);
    // vm_memref is a load or store through the MMU (mmu.ts): the CPU's work, a kernel call only in the simulation.
    kernelCalls: new Set(['cpf_grant_direct', 'cpf_revoke', 'vm_memref']),
  };
}

export function mayUseOp(priv: Privileges, op: Op): boolean {
  return (priv.opMask & (1 << op)) !== 0;
}

export function maySendTo(priv: Privileges, targetName: string): boolean {
  return priv.sendTo === '*' || priv.sendTo.has(targetName);
}

export function mayKernelCall(priv: Privileges, name: string): boolean {
  return priv.kernelCalls === '*' || priv.kernelCalls.has(name);
}
