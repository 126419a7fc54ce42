/*
 * The VM server's state, shared by its handlers (MINIX's vm/glo.h).
 *   VmConfig    frames, page size, the replacement policy, the swap disk
 *   VmState     the tables, the policy instance, the swap area, the AVC
 *   vmReply(status, fields?)   the reply message
 *   vmTrace(s, op, fields)     a `vm` trace record (fault, map, evict, swapout, swapin, cow)
 */
import type { ActorContext } from '../../kernel/index.js';
import type { FramePool } from './frames.js';
import type { PolicyFactory, ReplacementPolicy } from './policies/policy.js';
import type { VmReply } from './protocol.js';
import type { SwapArea } from './swap.js';
import type { VmMac } from './mac.js';
import type { VmProcTable } from './vmproc.js';

export interface VmConfig {
  readonly frames: number;
  readonly pageSize: number;
  readonly policy: PolicyFactory;
  /** Name of the disk driver holding swap, or null: no swap (a dirty page cannot be evicted). */
  readonly swapDriver: string | null;
}

export interface VmState {
  readonly ctx: ActorContext;
  readonly config: VmConfig;
  readonly pageSize: number;
  readonly procs: VmProcTable;
  readonly frames: FramePool;
  readonly policy: ReplacementPolicy;
  swap: SwapArea | null;
  /** SELinux: the AVC once a security server was found (undefined: not looked for yet; null: none). */
  mac: VmMac | null | undefined;
}

export function vmReply(status: number, fields: Readonly<Record<string, unknown>> = {}): VmReply {
  return { type: 'VM_REPLY', status, ...fields };
}

export function vmTrace(s: VmState, op: string, fields: Readonly<Record<string, unknown>>): void {
  if (s.ctx.traceOn) s.ctx.trace('vm', { op, ...fields });
}
