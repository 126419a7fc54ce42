/*
 * The SCHED server's call table (MINIX's sched/main.c switch): message type -> handler.
 */
import type { CallTable } from '../../lib/server.js';
import { doNice, doNoQuantum, doStartScheduling, doStopScheduling, type SchedState } from './schedule.js';

export function schedCallTable(s: SchedState): CallTable {
  return {
    SCHEDULING_START: (m) => doStartScheduling(s, m),
    SCHEDULING_INHERIT: (m) => doStartScheduling(s, m),
    SCHEDULING_STOP: (m) => doStopScheduling(s, m),
    SCHEDULING_SET_NICE: (m) => doNice(s, m),
    SCHEDULING_NO_QUANTUM: (m) => doNoQuantum(s, m),
  };
}
