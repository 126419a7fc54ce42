/*
 * The disk mechanism's lifecycle as a statechart: idle, seeking, rotating,
 * transferring, and off after a power cut. The head's cylinder is state.
 *   diskMechanismMachine   the machine, as data
 *   MechanismEvent         SEEK(toCyl), ON_CYLINDER, SECTOR_REACHED, TRANSFER_DONE(endCyl), POWER_OFF
 *   MechanismState         the state names
 * The machine holds no timers: xstate's delayed events never measure
 * simulated time; the device schedules each phase's end on the kernel's clock.
 */
import { assign, setup } from 'xstate';

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
