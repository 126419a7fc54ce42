/*
 * A service's lifecycle as RS sees it, as a statechart (DESIGN §3).
 *   serviceMachine            the machine, as data
 *   ServiceEvent              READY, DIED, RESTART, GIVE_UP, BACKOFF_DONE
 *   nextServiceState(from, e) the machine's transition (xstate's pure transition(), tabulated at load),
 *                             null when the event does not apply in that state
 * The machine holds no timers: the backoff is a clock-task alarm RS arms
 * itself, because xstate's delayed events would not measure simulated time.
 */
import { setup, transition } from 'xstate';
import type { ServiceState } from './protocol.js';

export type ServiceEvent =
  | { type: 'READY' }
  | { type: 'DIED' }
  | { type: 'RESTART' }
  | { type: 'GIVE_UP' }
  | { type: 'BACKOFF_DONE' };

export const serviceMachine = setup({
  types: { events: {} as ServiceEvent },
}).createMachine({
  id: 'service',
  // Spawned (or adopted from the boot image), not yet initialized.
  initial: 'starting',
  states: {
    starting: { on: { READY: 'up', DIED: 'crashed' } },
    up: { on: { DIED: 'crashed' } },
    // Dead, and RS has not decided yet: restart after a backoff, or give up.
    crashed: { on: { RESTART: 'restarting', GIVE_UP: 'dead' } },
    // Waiting out the backoff before the next start.
    restarting: { on: { BACKOFF_DONE: 'starting' } },
    // Failed too often in a row: reported, not restarted.
    dead: { type: 'final' },
  },
});

const SERVICE_STATES: readonly ServiceState[] = ['starting', 'up', 'crashed', 'restarting', 'dead'];
const SERVICE_EVENTS: readonly ServiceEvent['type'][] = ['READY', 'DIED', 'RESTART', 'GIVE_UP', 'BACKOFF_DONE'];

/** Every transition, computed once at load: a constant table, not a cache filled by running systems. */
const TRANSITIONS: ReadonlyMap<string, ServiceState | null> = new Map(SERVICE_STATES.flatMap((from) => SERVICE_EVENTS.map((event) => {
  const [next] = transition(serviceMachine, serviceMachine.resolveState({ value: from }), { type: event });
  return [`${from}|${event}`, next.value === from ? null : next.value as ServiceState] as const;
})));

export function nextServiceState(from: ServiceState, event: ServiceEvent['type']): ServiceState | null {
  const to = TRANSITIONS.get(`${from}|${event}`);
  if (to === undefined) throw new Error(`service machine: no state ${from} or event ${event} in the table`);
  return to;
}
