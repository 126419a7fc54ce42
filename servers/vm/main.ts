/*
 * The VM server (MINIX 3's servers/vm): address spaces, page faults,
 * frames, copy-on-write fork, and (mksim's addition) swap on a disk.
 *   vmServer(config)   the Program of the `vm` actor: { frames, pageSize, policy, swapDriver }
 * At start it sizes physical memory (vm_init) and opens the swap disk; a
 * configuration the kernel refuses faults the server (the boot reports it).
 */
import { kernelCall, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { serve } from '../../lib/server.js';
import { FramePool } from './frames.js';
import { VM_REPLY } from './protocol.js';
import { openSwap } from './swap.js';
import type { VmConfig, VmState } from './state.js';
import { vmCallTable } from './table.js';
import { VmProcTable } from './vmproc.js';

export type { VmConfig } from './state.js';

export function vmServer(config: VmConfig) {
  return function* vmMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const r = (yield kernelCall('vm_init', { frames: config.frames, pageSize: config.pageSize })) as number;
    if (r < 0) throw new Error(`vm: the kernel refused ${config.frames} frames of ${config.pageSize} bytes (${r})`);
    const s: VmState = {
      ctx, config, pageSize: config.pageSize, procs: new VmProcTable(config.pageSize),
      frames: new FramePool(config.frames), policy: config.policy(config.frames), swap: null, mac: undefined,
    };
    if (config.swapDriver !== null) {
      const swap = yield* openSwap(ctx, config.swapDriver, config.pageSize);
      if (typeof swap === 'number') throw new Error(`vm: cannot use ${config.swapDriver} for swap (${swap})`);
      s.swap = swap;
    }
    yield* serve(vmCallTable(s), {
      errorReplyType: VM_REPLY,
      onNotify: function* (m: Envelope) {
        // A policy reload or mode change: flush the AVC.
        if (s.mac) s.mac.avc.handleNotify(m);
        return null;
      },
    });
  };
}
