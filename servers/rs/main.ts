/*
 * The reincarnation server (MINIX 3's RS): starts and watches the drivers,
 * and brings a dead one back under the same name with a new endpoint.
 *   rsServer(config)   the Program of the rs actor: adopt the services already running (the
 *                      boot image's drivers), start the others, then serve (table.ts)
 * A death is seen three ways: the process threw, it exited (the kernel
 * reports both, service.ts), or it stopped answering pings (the heartbeat,
 * driven by clock-task alarms). Clients (the FS) ask RS_WAIT_UP and re-send
 * their pending I/O to the endpoint in the answer.
 */
import { kernelCall, NONE, type ActorContext, type KernelCall } from '../../kernel/index.js';
import { serve } from '../../lib/server.js';
import { RS_REPLY } from './protocol.js';
import { createRsState, serviceReady, startService, type RsConfig } from './services.js';
import { armAlarm, rsCallTable, rsOnNotify } from './table.js';

export type { RsConfig, ServiceSpec } from './services.js';

export function rsServer(config: RsConfig) {
  return function* rsMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const rs = createRsState(ctx, config);
    for (const svc of rs.services) {
      const running = ctx.endpointOf(svc.spec.label);
      const adopted: number = running === NONE ? -1 : yield kernelCall('sys_srv_watch', { endpoint: running });
      if (adopted === 0) {
        svc.endpoint = running;
        yield* serviceReady(rs, svc);
      } else {
        yield* startService(rs, svc);
      }
    }
    yield* armAlarm(rs);
    yield* serve(rsCallTable(rs), { errorReplyType: RS_REPLY, onNotify: rsOnNotify(rs) });
  };
}
