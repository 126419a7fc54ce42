/*
 * The process manager's call table (MINIX's table.c): message type -> handler.
 */
import type { CallTable } from '../../lib/server.js';
import { doExec } from './exec.js';
import { doExit, doFork, doWait } from './forkexit.js';
import { doGetpid, doGetuid, doSetgid, doSetuid } from './getset.js';
import { doFsSignal, doVmSignal, doKill, doSigaction, doSigprocmask, doSigsuspend } from './signal.js';
import { doGetcon, doNewrole, doSetcon, doSetexeccon } from './security.js';
import type { PmState } from './state.js';
import { doAlarm, doSleep } from './time.js';
import { doSetpriority } from './schedule.js';

export function pmCallTable(pm: PmState): CallTable {
  return {
    PM_FORK: (m) => doFork(pm, m),
    PM_EXEC: (m) => doExec(pm, m),
    PM_EXIT: (m) => doExit(pm, m),
    PM_WAIT: (m) => doWait(pm, m),
    PM_KILL: (m) => doKill(pm, m),
    PM_SIGACTION: (m) => doSigaction(pm, m),
    PM_SIGPROCMASK: (m) => doSigprocmask(pm, m),
    PM_SIGSUSPEND: (m) => doSigsuspend(pm, m),
    PM_ALARM: (m) => doAlarm(pm, m),
    PM_SLEEP: (m) => doSleep(pm, m),
    PM_GETPID: (m) => doGetpid(pm, m),
    PM_GETUID: (m) => doGetuid(pm, m),
    PM_SETUID: (m) => doSetuid(pm, m),
    PM_SETGID: (m) => doSetgid(pm, m),
    PM_GETCON: (m) => doGetcon(pm, m),
    PM_SETCON: (m) => doSetcon(pm, m),
    PM_SETEXECCON: (m) => doSetexeccon(pm, m),
    PM_NEWROLE: (m) => doNewrole(pm, m),
    PM_SETPRIORITY: (m) => doSetpriority(pm, m),
    FS_SIGNAL: (m) => doFsSignal(pm, m),
    VM_SIGNAL: (m) => doVmSignal(pm, m),
  };
}
