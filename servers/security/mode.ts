/*
 * The security server's mode as a statechart: enforcing or permissive
 * (SELinux's /sys/fs/selinux/enforce). Transitions become `state` records.
 *   createModeMachine(initial)   the machine, started in `initial`
 *   SecurityMode                 'enforcing' | 'permissive'
 */
import { createActor, setup, type Actor } from 'xstate';

export type SecurityMode = 'enforcing' | 'permissive';

const modeMachine = setup({
  types: {
    events: {} as { type: 'SET_ENFORCING' } | { type: 'SET_PERMISSIVE' },
    input: {} as { initial: SecurityMode },
    context: {} as { initial: SecurityMode },
  },
}).createMachine({
  id: 'selinux-mode',
  context: ({ input }) => ({ initial: input.initial }),
  initial: 'booting',
  states: {
    // A transient state so the boot configuration picks the first mode.
    booting: { always: [{ guard: ({ context }) => context.initial === 'permissive', target: 'permissive' }, { target: 'enforcing' }] },
    enforcing: { on: { SET_PERMISSIVE: 'permissive' } },
    permissive: { on: { SET_ENFORCING: 'enforcing' } },
  },
});

export type ModeActor = Actor<typeof modeMachine>;

export function createModeMachine(initial: SecurityMode): ModeActor {
  return createActor(modeMachine, { input: { initial } }).start();
}

export function currentMode(actor: ModeActor): SecurityMode {
  return actor.getSnapshot().value as SecurityMode;
}
