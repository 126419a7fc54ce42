/*
 * The clock-event device's lifecycle as a statechart, with Linux's states
 * (include/linux/clockchips.h, enum clock_event_state).
 *   clockEventMachine       the machine, as data
 *   ClockEventState         'detached' | 'shutdown' | 'periodic' | 'oneshot' | 'oneshot-stopped'
 *   ClockEventEvent         ATTACH, DETACH, SET_PERIODIC, SET_ONESHOT, STOP_ONESHOT, SHUTDOWN
 *   nextClockEventState(from, event)   the machine's transition (xstate's pure transition(),
 *                           tabulated at load: a host with many guests has many devices, and
 *                           starting an xstate actor for each cost more than the rest of a run)
 * The machine holds no timers: xstate's delayed events never measure
 * simulated time; the device programs the kernel's event queue itself.
 */
import { setup, transition } from 'xstate';

export type ClockEventState = 'detached' | 'shutdown' | 'periodic' | 'oneshot' | 'oneshot-stopped';

export type ClockEventEvent =
  | { type: 'ATTACH' }
  | { type: 'DETACH' }
  | { type: 'SET_PERIODIC' }
  | { type: 'SET_ONESHOT' }
  | { type: 'STOP_ONESHOT' }
  | { type: 'SHUTDOWN' };

export const clockEventMachine = setup({
  types: { events: {} as ClockEventEvent },
}).createMachine({
  id: 'clockevent',
  // A registered device nobody uses yet (clockevents_register_device).
  initial: 'detached',
  states: {
    detached: { on: { ATTACH: 'shutdown' } },
    // Bound to the tick layer but not ticking: the state a device is switched
    // to on exchange, and before its first mode is chosen.
    shutdown: { on: { DETACH: 'detached', SET_PERIODIC: 'periodic', SET_ONESHOT: 'oneshot' } },
    periodic: { on: { SET_ONESHOT: 'oneshot', SHUTDOWN: 'shutdown' } },
    oneshot: { on: { STOP_ONESHOT: 'oneshot-stopped', SET_PERIODIC: 'periodic', SHUTDOWN: 'shutdown' } },
    // Nothing pending (tickless idle with an empty queue): the device is off
    // until the next programming switches it back to oneshot.
    'oneshot-stopped': { on: { SET_ONESHOT: 'oneshot', SET_PERIODIC: 'periodic', SHUTDOWN: 'shutdown' } },
  },
});

const CLOCK_EVENT_STATES: readonly ClockEventState[] = ['detached', 'shutdown', 'periodic', 'oneshot', 'oneshot-stopped'];
const CLOCK_EVENT_TYPES: readonly ClockEventEvent['type'][] = ['ATTACH', 'DETACH', 'SET_PERIODIC', 'SET_ONESHOT', 'STOP_ONESHOT', 'SHUTDOWN'];

/**
 * Every transition, computed once at load with xstate's pure transition():
 * a constant table, not a cache that fills as systems run (no module-level
 * mutable state, DESIGN §2).
 */
const TRANSITIONS: ReadonlyMap<string, ClockEventState | null> = new Map(CLOCK_EVENT_STATES.flatMap((from) => CLOCK_EVENT_TYPES.map((event) => {
  const [next] = transition(clockEventMachine, clockEventMachine.resolveState({ value: from }), { type: event });
  return [`${from}|${event}`, next.value === from ? null : next.value as ClockEventState] as const;
})));

/** Where the machine goes from `from` on `event`, or null if the event is not allowed there. */
export function nextClockEventState(from: ClockEventState, event: ClockEventEvent['type']): ClockEventState | null {
  const to = TRANSITIONS.get(`${from}|${event}`);
  if (to === undefined) throw new Error(`clock-event machine: no state ${from} or event ${event} in the table`);
  return to;
}
