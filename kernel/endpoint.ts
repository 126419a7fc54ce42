/*
 * Endpoints: the small integers that name processes, as in MINIX 3.
 *   makeEndpoint(generation, slot)  an endpoint for a process-table slot
 *   slotOf(ep), generationOf(ep)    its parts
 *   ANY, NONE, SELF, HARDWARE       the special endpoints
 * An endpoint carries a generation so that a restarted service gets a new
 * endpoint and messages for the dead one fail with EDEADSRCDST.
 */

export type Endpoint = number;

/** Slots per generation; also the size of the process table. */
export const MAX_SLOTS = 1024;

export const ANY: Endpoint = 0x7ace;
export const NONE: Endpoint = 0x6ace;
export const SELF: Endpoint = 0x8ace;

/** Slot 0 is the kernel itself; interrupts are notifications from it. */
export const HARDWARE_SLOT = 0;
export const HARDWARE: Endpoint = 0;

export function makeEndpoint(generation: number, slot: number): Endpoint {
  return generation * MAX_SLOTS + slot;
}

export function slotOf(endpoint: Endpoint): number {
  return endpoint % MAX_SLOTS;
}

export function generationOf(endpoint: Endpoint): number {
  return Math.floor(endpoint / MAX_SLOTS);
}

/** True for ANY, NONE and SELF, which never name one process. */
export function isSpecialEndpoint(endpoint: Endpoint): boolean {
  return endpoint === ANY || endpoint === NONE || endpoint === SELF;
}
