/*
 * The clock-event device's lifecycle as a statechart, with Linux's states
 * (include/linux/clockchips.h, enum clock_event_state).
 *   clockEventMachine       the machine, as data
 *   ClockEventState         'detached' | 'shutdown' | 'periodic' | 'oneshot' | 'oneshot-stopped'
 *   ClockEventEvent         ATTACH, DETACH, SET_PERIODIC, SET_ONESHOT, STOP_ONESHOT, SHUTDOWN
 * The machine holds no timers: xstate's delayed events never measure
 * simulated time; the device programs the kernel's event queue itself.
 */
import { setup } from 'xstate';

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
