/*
 * The page-replacement policy interface: the plug-in point of the VM server
 * (`vm replacement=NAME`), small enough to write in an afternoon.
 *   ReplacementPolicy   { name, onMap, onReference, onFree, chooseVictim }
 *   PolicyContext       what a policy may ask when it chooses: the time, and the future (optimal only)
 * Frames are numbers 0..frames-1. VM calls onMap when it puts a page in a
 * frame, onReference for the references the MMU saw since VM last asked
 * (in the order they happened, before every choice), onFree when a frame
 * is released (its process exited, the page was unmapped), and
 * chooseVictim when it needs a frame and none is free. A policy keeps its
 * own state in the object (a queue, a clock hand); VM makes one per run.
 */

export interface PolicyContext {
  /** Virtual time now (ns). */
  readonly nowNs: number;
  /**
   * References until the page in `frame` is next used by its process, or
   * Infinity if never (or unknown): the future reference string VM_ADVISE
   * gave. Only an oracle (optimal) may use it; a real system has no future.
   */
  nextUse(frame: number): number;
}

export interface ReplacementPolicy {
  readonly name: string;
  /** A page was loaded into `frame` (a fault was served). */
  onMap(frame: number, ctx: PolicyContext): void;
  /** The page in `frame` was referenced (write: a store). */
  onReference(frame: number, write: boolean): void;
  /** `frame` is free again. */
  onFree(frame: number): void;
  /** Pick one of `candidates` (never empty; each holds a page) to evict. */
  chooseVictim(candidates: readonly number[], ctx: PolicyContext): number;
}

/** How VM gets a policy: a fresh object per VM instance (no state shared between runs). */
export type PolicyFactory = (frames: number) => ReplacementPolicy;
