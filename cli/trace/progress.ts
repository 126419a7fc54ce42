/*
 * A progress bar for long runs, on a terminal only: nothing on a pipe or a file.
 *   createProgress(label, options)   -> Progress { update(done, total), finish() }
 *   Progress.none                     the one that draws nothing
 * It draws at most a few times a second and only once the work has run for
 * a moment, so quick commands never flicker. Wall-clock time is fine here:
 * this is the command line, not the simulation.
 */

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream | { isTTY?: boolean; columns?: number; write(text: string): boolean };
  /** Draw only after this much wall time has passed. */
  readonly delayMs?: number;
  /** Format done/total as bytes (a file being read) rather than plain counts. */
  readonly unit?: 'bytes' | 'count';
}

const REDRAW_MS = 100;
const NO_PROGRESS: Progress = { update() {}, finish() {} };

function formatAmount(n: number, unit: 'bytes' | 'count'): string {
  if (unit === 'count') return String(n);
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(0)} KiB`;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return NO_PROGRESS;
  const startMs = Date.now();
  const delayMs = options.delayMs ?? 500;
  const unit = options.unit ?? 'count';
  let lastDrawMs = 0;
  let drawn = false;
  return {
    update(done, total) {
      const nowMs = Date.now();
      if (nowMs - startMs < delayMs || nowMs - lastDrawMs < REDRAW_MS) return;
      lastDrawMs = nowMs;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 40));
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      stream.write(`\r${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatAmount(done, unit)}/${formatAmount(total, unit)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
