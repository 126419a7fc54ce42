/*
 * The disk driver task: what the boot loader starts for a `disk` line.
 *   diskDriver(config, hw)   open the disk (model, image, faults) and return its Program;
 *                            program.disk is the open disk (program.disk.image.close() when done)
 *   DiskProgram          that Program with its disk and its statistics (read them after a run)
 * The loop is the generic server loop; transfers are answered from the
 * completion interrupt (see table.ts). The boot loader hands the machine's
 * Hardware here; each run of the driver (a restart too) builds its device
 * on it, so the driver actor holds a device object, never the kernel.
 */
import type { ActorContext, Hardware, Program } from '../../kernel/index.js';
import { serve } from '../../lib/server.js';
import { openDisk, type DiskConfig, type OpenDisk } from './config.js';
import { DiskDevice } from './device.js';
import { RequestQueue } from './queue.js';
import { DiskStats } from './stats.js';
import { diskCallTable, DmaPool, onInterrupt, validateDevRequest, type DriverState } from './table.js';

export type { DiskConfig } from './config.js';

export type DiskProgram = Program & { readonly disk: OpenDisk; readonly stats: DiskStats };

export function diskDriver(config: DiskConfig, hw: Hardware): DiskProgram {
  // Opened now, not when the task first runs, so a bad path or model fails the boot with its message.
  const disk = openDisk(config);
  const stats = new DiskStats();
  const program = function* (ctx: ActorContext) {
    const device = new DiskDevice(hw, disk, stats);
    device.attach(ctx.self, ctx.name);
    // For the debugger (kernel/debug.ts): the image's bytes, read without the mechanism's timing or a trace record.
    ctx.offerDump('read', (arg) => {
      const [position, length] = arg.split(',').map(Number) as [number, number];
      if (!(Number.isSafeInteger(position) && Number.isSafeInteger(length) && position >= 0 && length > 0 && length <= 65536 && position + length <= disk.image.sizeBytes)) return null;
      const out = new Uint8Array(length);
      disk.image.read(position, out);
      return out;
    });
    const state: DriverState = { ctx, disk, device, queue: new RequestQueue(disk.sched, disk.queueLimit), stats, dma: new DmaPool(), nextSeq: 1 };
    yield* serve(diskCallTable(state), { onNotify: onInterrupt(state), errorReplyType: 'DEV_REPLY', validate: validateDevRequest });
  };
  return Object.assign(program, { disk, stats });
}
