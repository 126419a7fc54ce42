/*
 * The disk mechanism's lifecycle as a statechart: idle, seeking, rotating,
 * transferring, and off after a power cut. The head's cylinder is state.
 *   diskMechanismMachine   the machine, as data
 *   MechanismEvent         SEEK(toCyl), ON_CYLINDER, SECTOR_REACHED, TRANSFER_DONE(endCyl), POWER_OFF
 *   MechanismState         the state names
 *   nextMechanismState(from, event)   the machine's state transition (xstate's pure transition(), tabulated
 *                          at load), for a disk without mechanics: its head never leaves cylinder 0, so
 *                          the context never changes and a table replaces the actor (3 µs a send) per phase
 * The machine holds no timers: xstate's delayed events never measure
 * simulated time; the device schedules each phase's end on the kernel's clock.
 */
import { assign, setup, transition } from 'xstate';

export type MechanismState = 'idle' | 'seeking' | 'rotating' | 'transferring' | 'off';

export type MechanismEvent =
  | { type: 'SEEK'; toCyl: number }
  | { type: 'ON_CYLINDER' }
  | { type: 'SECTOR_REACHED' }
  | { type: 'TRANSFER_DONE'; endCyl: number }
  | { type: 'POWER_OFF' };

export interface MechanismContext {
  readonly headCyl: number;
  readonly targetCyl: number;
}

export const diskMechanismMachine = setup({
  types: {
    context: {} as MechanismContext,
    events: {} as MechanismEvent,
    input: {} as { headCyl: number },
  },
}).createMachine({
  id: 'disk',
  context: ({ input }) => ({ headCyl: input.headCyl, targetCyl: input.headCyl }),
  initial: 'idle',
  // Power can fail in any state; the head stays where it was.
  on: { POWER_OFF: '.off' },
  states: {
    idle: { on: { SEEK: { target: 'seeking', actions: assign({ targetCyl: ({ event }) => event.toCyl }) } } },
    // The arm moves (a zero-length seek still passes through: the controller's overhead is spent here).
    seeking: { on: { ON_CYLINDER: { target: 'rotating', actions: assign({ headCyl: ({ context }) => context.targetCyl }) } } },
    rotating: { on: { SECTOR_REACHED: 'transferring' } },
    // A run crossing cylinders leaves the head on the cylinder of its last sector.
    transferring: { on: { TRANSFER_DONE: { target: 'idle', actions: assign({ headCyl: ({ event }) => event.endCyl, targetCyl: ({ event }) => event.endCyl }) } } },
    off: { type: 'final' },
  },
});

const MECHANISM_STATES: readonly MechanismState[] = ['idle', 'seeking', 'rotating', 'transferring', 'off'];
const MECHANISM_EVENTS: readonly MechanismEvent[] = [
  { type: 'SEEK', toCyl: 0 }, { type: 'ON_CYLINDER' }, { type: 'SECTOR_REACHED' }, { type: 'TRANSFER_DONE', endCyl: 0 }, { type: 'POWER_OFF' },
];

/**
 * Every state transition with the head on cylinder 0, computed once at load
 * with xstate's pure transition(): a constant table, not a cache that fills
 * as systems run (no module-level mutable state, DESIGN §2).
 */
const TRANSITIONS: Readonly<Record<MechanismState, Readonly<Record<MechanismEvent['type'], MechanismState>>>> = Object.fromEntries(
  MECHANISM_STATES.map((from) => [from, Object.fromEntries(MECHANISM_EVENTS.map((event) => {
    const [next] = transition(diskMechanismMachine, diskMechanismMachine.resolveState({ value: from, context: { headCyl: 0, targetCyl: 0 } }), event);
    return [event.type, next.value as MechanismState];
  }))]),
) as Record<MechanismState, Record<MechanismEvent['type'], MechanismState>>;

/** Where the machine goes from `from` on `event` with the head on cylinder 0 (itself if the event does nothing there). */
export function nextMechanismState(from: MechanismState, event: MechanismEvent['type']): MechanismState {
  // Two property reads, no key string built: this runs three times a request.
  const to = TRANSITIONS[from]?.[event];
  if (to === undefined) throw new Error(`disk mechanism: no state ${from} or event ${event} in the table`);
  return to;
}
