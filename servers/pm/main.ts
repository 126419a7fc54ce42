/*
 * The process manager (MINIX's pm/main.c): adopt init, then serve.
 *   pmServer(config)   the Program of the pm actor
 * Requests from endpoints PM does not know get EINVAL; notifications from
 * the clock are its alarm.
 */
import { EINVAL, NONE, USER_Q, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { serve } from '../../lib/server.js';
import { INIT_PID, newMProc, ProcTable } from './mproc.js';
import { NSIG } from './protocol.js';
import { pmCallTable } from './table.js';
import { tellSecurity } from './security.js';
import { tellFs, tellVm, type PmConfig, type PmState } from './state.js';
import { onClockNotify } from './time.js';
import { schedInit } from './schedule.js';

export type { PmConfig } from './state.js';

/** init's quantum when the boot image gives none (the kernel's default). */
const DEFAULT_USER_QUANTUM_NS = 10_000_000;

export function pmServer(config: PmConfig) {
  return function* pmMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const pm: PmState = { ctx, config, procs: new ProcTable(), clockAlarmAtNs: 0 };
    const initEp = ctx.endpointOf(config.initName);
    if (initEp !== NONE) {
      pm.procs.allocPid(); // pid 1
      pm.procs.add(newMProc({
        pid: INIT_PID, parentPid: 0, endpoint: initEp, name: config.initName, program: config.initName,
        uid: config.initUid, gid: config.initGid,
      }, NSIG));
      const init = pm.procs.byPid(INIT_PID)!;
      init.context = config.initContext ?? null;
      // The file system takes an unknown process for root: tell it init's identity.
      if (config.initUid !== 0 || config.initGid !== 0) {
        yield* tellFs(pm, { type: 'FS_PM_SETUID', endpoint: initEp, uid: config.initUid, gid: config.initGid });
      }
      if (init.context !== null) yield* tellFs(pm, { type: 'FS_PM_SETCON', endpoint: initEp, context: init.context });
      yield* tellSecurity(pm, init);
      if (init.context !== null) yield* tellVm(pm, { type: 'VM_PM_SETCON', endpoint: initEp, context: init.context });
      yield* schedInit(pm, init, config.initPriority ?? USER_Q, config.initQuantumNs ?? DEFAULT_USER_QUANTUM_NS);
    }
    const clock = ctx.endpointOf('clock');
    yield* serve(pmCallTable(pm), {
      errorReplyType: 'PM_REPLY',
      onNotify: function* (m: Envelope) {
        if (m.source === clock) yield* onClockNotify(pm);
        else pm.security?.avc.handleNotify(m); // a policy reload or mode change: flush the AVC
        return null;
      },
      validate: (m) => (pm.procs.byEndpoint(m.source) === undefined && m.type.startsWith('PM_') ? EINVAL : 0),
    });
  };
}
