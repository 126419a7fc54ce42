/*
 * The FS server (MINIX's main.c): mount the device, then serve.
 *   fsServer(config)   the Program of the fs actor: fsMount (DEV_OPEN the driver, read and check
 *                      the superblock; with a security server, MAC through an AVC: mac.ts), then
 *                      then serve fsServe's table: receive requests, look them up, reply
 * If the mount fails, every request gets EIO with the mount error as its message.
 */
import { ANY, EIO, NONE, NOTIFY, receive, send, sendrec, SYSTEM_CHANNEL, type ActorContext, type Envelope, type KernelCall, type Severity } from '../../kernel/index.js';
import { serveAfter, type CallTable, type ServeOptions } from '../../lib/server.js';
import type { DevReply } from '../../drivers/disk/protocol.js';
import { driverDevice, sendrecRecovering } from './device.js';
import { offerFsDumps } from './dump.js';
import { initMac } from './mac.js';
import { fsReply } from './protocol.js';
import { MountError, mountDevice } from './super.js';
import type { FsConfig, FsState } from './state.js';
import { fsCallTable, validateRequest } from './table.js';

export type { FsConfig } from './state.js';

export function fsServer(config: FsConfig) {
  // Mounted, the FS is its serve loop alone (serveAfter): no generator stays between the kernel and it.
  return (ctx: ActorContext): Generator<KernelCall, void, any> => serveAfter(() => fsMount(ctx, config), fsServe);
}

/** DEV_OPEN the driver, read and check the superblock, start MAC; never returns if the mount fails. */
function* fsMount(ctx: ActorContext, config: FsConfig): Generator<KernelCall, FsState, any> {
  const driver = ctx.endpointOf(config.driver);
  if (driver === NONE) yield* mountFailed(ctx, `cannot mount ${config.driver}: no such driver`);
  const minor = config.minor ?? 0;
  const recovery = { label: config.driver, lookup: ctx.endpointOf };
  const open: Envelope<DevReply> | number = yield* sendrecRecovering({ endpoint: driver }, { type: 'DEV_OPEN', minor }, recovery);
  if (typeof open === 'number' || open.status < 0) {
    yield* mountFailed(ctx, `cannot mount ${config.driver}: DEV_OPEN failed (${typeof open === 'number' ? open : open.status})`);
  }
  let fs: FsState;
  try {
    fs = yield* mountDevice(ctx, driverDevice(driver, minor, recovery), config);
  } catch (err) {
    if (!(err instanceof MountError)) throw err;
    return yield* mountFailed(ctx, err.message);
  }
  yield* initMac(fs, ctx, config);
  offerFsDumps(ctx, fs, config.driver);
  return fs;
}

/** The receive loop's table and options: look the request up in the call table, run it, reply. */
function fsServe(fs: FsState): { table: CallTable; options: ServeOptions } {
  return {
    table: fsCallTable(fs),
    options: {
      errorReplyType: 'FS_REPLY', validate: validateRequest,
      // The security server's notification: a policy reload or a mode change flushes the AVC.
      onNotify: function* (m: Envelope) { fs.mac?.avc.handleNotify(m); return null; },
    },
  };
}

/** Answer every request with the mount error, so a client can show why. */
function* mountFailed(ctx: ActorContext, message: string): Generator<KernelCall, never, any> {
  ctx.trace('error', { call: 'mount', message });
  // On the console for the user, and in the system log at severity error, which makes `mksim boot` exit 1.
  ctx.print(`error: ${message}`);
  ctx.log(SYSTEM_CHANNEL, message, { severity: 'error' satisfies Severity });
  for (;;) {
    const m: Envelope | number = yield receive(ANY);
    if (typeof m === 'number' || m.type === NOTIFY) continue;
    yield send(m.source, fsReply(-EIO, { message }));
  }
}
