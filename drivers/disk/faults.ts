/*
 * Deterministic fault injection (the boot script's `fault DISK ...` lines).
 *   DiskFault              read-error / write-error on blocks, crash-after-writes, torn-write
 *   FaultInjector          readFails(block), writeFails(block), blockWritten() -> power cut?, tearBytes(...)
 *   checkFaults(faults)    user-facing errors for malformed fault specs
 * Blocks are in the disk's block size (the file system's), as a user names
 * them; a fault fires by the same rule on every run: no randomness.
 */
import { fail } from './errors.js';

export type DiskFault =
  /** Reading these blocks fails with EIO; `count` times per block (a transient error), or always. */
  | { readonly kind: 'read-error'; readonly blocks: readonly number[]; readonly count?: number }
  /** Writing these blocks fails with EIO; nothing of the failing block is written. */
  | { readonly kind: 'write-error'; readonly blocks: readonly number[]; readonly count?: number }
  /** The power fails right after the Nth block write reaches the image. */
  | { readonly kind: 'crash-after-writes'; readonly writes: number }
  /**
   * The power fails in the middle of the nth vectored write (counting only
   * writes that touch `block`, when given): the first half of its sectors,
   * in vector order, reach the image, the rest do not.
   */
  | { readonly kind: 'torn-write'; readonly nth?: number; readonly block?: number };

export type FaultKind = DiskFault['kind'];

export function checkFaults(faults: readonly DiskFault[], disk: string): void {
  for (const f of faults) {
    const where = `fault ${disk} ${f.kind}`;
    switch (f.kind) {
      case 'read-error': case 'write-error':
        if (f.blocks.length === 0) fail(`${where}: needs block=N`);
        for (const b of f.blocks) if (!isCount(b, 0)) fail(`${where}: block must be an integer >= 0, got ${b}`);
        if (f.count !== undefined && !isCount(f.count, 1)) fail(`${where}: count must be an integer >= 1, got ${f.count}`);
        break;
      case 'crash-after-writes':
        if (!isCount(f.writes, 1)) fail(`${where}: crash-after-writes must be an integer >= 1, got ${f.writes}`);
        break;
      case 'torn-write':
        if (f.nth !== undefined && !isCount(f.nth, 1)) fail(`${where}: nth must be an integer >= 1, got ${f.nth}`);
        if (f.block !== undefined && !isCount(f.block, 0)) fail(`${where}: block must be an integer >= 0, got ${f.block}`);
        break;
      default:
        fail(`fault ${disk}: unknown kind ${JSON.stringify((f as { kind: unknown }).kind)}`);
    }
  }
}

function isCount(v: number, min: number): boolean {
  return Number.isSafeInteger(v) && v >= min;
}

/** Remaining failures per block; Infinity for a permanent bad block. */
type Budget = Map<number, number>;

export class FaultInjector {
  private readonly readBad: Budget = new Map();
  private readonly writeBad: Budget = new Map();
  private readonly crashAfterWrites: number;
  private readonly torn: { nth: number; block: number | null } | null;
  private writesTotal = 0;
  private tornCandidates = 0;
  /** True when any fault needs the data moved block by block. */
  readonly perBlock: boolean;

  constructor(faults: readonly DiskFault[]) {
    let crash = Infinity;
    let torn: { nth: number; block: number | null } | null = null;
    for (const f of faults) {
      if (f.kind === 'read-error' || f.kind === 'write-error') {
        const budget = f.kind === 'read-error' ? this.readBad : this.writeBad;
        for (const b of f.blocks) budget.set(b, (budget.get(b) ?? 0) + (f.count ?? Infinity));
      } else if (f.kind === 'crash-after-writes') {
        crash = Math.min(crash, f.writes);
      } else {
        torn = { nth: f.nth ?? 1, block: f.block ?? null };
      }
    }
    this.crashAfterWrites = crash;
    this.torn = torn;
    this.perBlock = this.readBad.size > 0 || this.writeBad.size > 0 || crash !== Infinity;
  }

  readFails(block: number): boolean {
    return take(this.readBad, block);
  }

  writeFails(block: number): boolean {
    return take(this.writeBad, block);
  }

  /** Count one block written; true when that write is the last before the power fails. */
  blockWritten(): boolean {
    return ++this.writesTotal >= this.crashAfterWrites;
  }

  get blockWrites(): number {
    return this.writesTotal;
  }

  /**
   * Called once per vectored write as it starts: the bytes (in vector order)
   * that reach the image before the power fails, or -1 if this write is whole.
   */
  tearBytes(firstBlock: number, lastBlock: number, totalBytes: number, sectorBytes: number): number {
    if (this.torn === null) return -1;
    const b = this.torn.block;
    if (b !== null && (b < firstBlock || b > lastBlock)) return -1;
    if (++this.tornCandidates !== this.torn.nth) return -1;
    return Math.floor(totalBytes / 2 / sectorBytes) * sectorBytes;
  }
}

function take(budget: Budget, block: number): boolean {
  const left = budget.get(block);
  if (left === undefined || left <= 0) return false;
  budget.set(block, left - 1);
  return true;
}
