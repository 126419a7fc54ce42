/*
 * Endpoints: the small integers that name processes, as in MINIX 3.
 *   makeEndpoint(generation, slot)  an endpoint for a process-table slot
 *   slotOf(ep), generationOf(ep)    its parts
 *   nextGeneration(last)            the generation a slot's next process gets (wraps as do_fork does)
 *   ANY, NONE, SELF, HARDWARE       the special endpoints
 * An endpoint carries a generation so that a restarted service gets a new
 * endpoint and messages for the dead one fail with EDEADSRCDST.
 * Layout (MINIX's <minix/endpoint.h>): endpoint = generation * MAX_SLOTS + slot.
 * ANY, NONE and SELF are generation-0 numbers whose slot part no process
 * slot reaches (MINIX: _ENDPOINT_SLOT_TOP - 1, - 2, - 3, and MAX_NR_PROCS
 * stops below them), so no process endpoint of any generation equals them.
 */

export type Endpoint = number;

/** Slot numbers per generation (MINIX's _ENDPOINT_GENERATION_SIZE); the notify bitmaps are this wide. */
export const MAX_SLOTS = 1024;

export const ANY: Endpoint = MAX_SLOTS - 1;
export const NONE: Endpoint = MAX_SLOTS - 2;
export const SELF: Endpoint = MAX_SLOTS - 3;

/** Process-table slots: 0 .. NR_SLOTS - 1 (MINIX's MAX_NR_PROCS is (int)SELF too). */
export const NR_SLOTS = SELF;

/** Slot 0 is the kernel itself; interrupts are notifications from it. No process is ever put in it. */
export const HARDWARE_SLOT = 0;
export const HARDWARE: Endpoint = 0;

/**
 * Largest generation: endpoints stay 31-bit integers, as MINIX's
 * _ENDPOINT_MAX_GENERATION keeps them under INT_MAX.
 */
export const MAX_GENERATION = Math.floor(0x7fffffff / MAX_SLOTS) - 1;

export function makeEndpoint(generation: number, slot: number): Endpoint {
  if (!(Number.isInteger(slot) && slot >= 0 && slot < NR_SLOTS)) throw new RangeError(`endpoint slot ${slot} outside 0..${NR_SLOTS - 1}`);
  if (!(Number.isInteger(generation) && generation >= 0 && generation <= MAX_GENERATION)) throw new RangeError(`endpoint generation ${generation} outside 0..${MAX_GENERATION}`);
  return generation * MAX_SLOTS + slot;
}

/**
 * The generation for a slot's next process, given the last one it had
 * (-1: never used). Past MAX_GENERATION it starts again at 1, as MINIX's
 * do_fork does: generation 0 stays the boot image's.
 */
export function nextGeneration(last: number): number {
  return last >= MAX_GENERATION ? 1 : last + 1;
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
