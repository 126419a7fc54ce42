/*
 * `mksim clock guests [--guests N] [--hz N] [--mode periodic|tickless|both]
 * [--period D] [--duration D] [--seed N] [--per-guest] [--json]`: run N guest
 * kernels on one host's virtual timeline and print what their clocks cost
 * the host (timer events, interrupts, idle ticks), one row per mode.
 *   register(program)          the subcommand
 *   guestsRun(mode, options)   one run's row (also used by the lab document)
 */
import type { Command } from 'commander';
import { Kernel } from '../../kernel/index.js';
import { formatDurationNs, parseDurationNs, parseIntStrict } from '../../lib/shell/values.js';
import type { ClockMode } from '../../tasks/clock/config.js';
import { guestsConfig, startGuests, type GuestReport } from '../../tasks/clock/guests.js';
import { UsageError } from '../errors.js';

interface GuestsOptions {
  guests: string;
  hz: string;
  mode: string;
  period: string;
  duration: string;
  seed: string;
  perGuest?: boolean;
  json?: boolean;
}

export interface GuestsRow {
  readonly mode: ClockMode;
  readonly guests: number;
  readonly hz: number;
  readonly simulatedSec: number;
  readonly hostTimerEvents: number;
  readonly hostInterrupts: number;
  readonly hostEventsPerSec: number;
  readonly idleTicks: number;
  readonly timersFired: number;
  readonly wallMs: number;
  readonly perGuest: readonly GuestReport[];
}

export function guestsRun(mode: ClockMode, o: { guests: number; hz: number; periodNs: number; durationNs: number; seed: number }): GuestsRow {
  const config = guestsConfig({ guests: o.guests, hz: o.hz, mode, timerPeriodNs: o.periodNs });
  const kernel = new Kernel({ seed: o.seed });
  const host = startGuests(kernel, config);
  const start = performance.now();
  kernel.run({ untilNs: o.durationNs });
  const wallMs = Math.round((performance.now() - start) * 10) / 10;
  const report = host.report();
  const sum = (f: (g: GuestReport) => number): number => report.guests.reduce((n, g) => n + f(g), 0);
  const simulatedSec = o.durationNs / 1e9;
  return {
    mode, guests: o.guests, hz: o.hz, simulatedSec,
    hostTimerEvents: report.hostTimerEvents,
    hostInterrupts: report.hostInterrupts,
    hostEventsPerSec: Math.round(report.hostTimerEvents / simulatedSec),
    idleTicks: sum((g) => g.idleTicks),
    timersFired: sum((g) => g.timersFired),
    wallMs,
    perGuest: report.guests,
  };
}

function int(text: string, option: string, min: number): number {
  const v = parseIntStrict(text);
  if (v === null || v < min) throw new UsageError(`${option} must be an integer >= ${min}, got '${text}'`);
  return v;
}

function duration(text: string, option: string, min: number): number {
  const v = text === '0' ? 0 : parseDurationNs(text);
  if (v === null || v < min) throw new UsageError(`${option} must be a duration such as 100ms or 60s${min > 0 ? ` (at least ${formatDurationNs(min)})` : ''}, got '${text}'`);
  return v;
}

const COLUMNS = ['mode', 'guests', 'hz', 'simulatedSec', 'hostTimerEvents', 'hostInterrupts', 'hostEventsPerSec', 'idleTicks', 'timersFired', 'wallMs'] as const;
const GUEST_COLUMNS = ['name', 'hostEvents', 'deviceEvents', 'idleTicks', 'irqsRaised', 'timersFired', 'wakeups'] as const;

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  return cells.map((r) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function register(program: Command): void {
  const clock = program.command('clock').description('clock experiments');
  clock
    .command('guests')
    .description('N guest kernels on one host: the host timer events their clocks cost, periodic vs tickless')
    .option('--guests <n>', 'guest kernels', '10')
    .option('--hz <n>', 'guest tick rate', '1000')
    .option('--mode <mode>', 'periodic, tickless or both', 'both')
    .option('--period <duration>', "each guest's one interval timer (0 for none)", '100ms')
    .option('--duration <duration>', 'simulated time', '60s')
    .option('--seed <n>', 'PRNG seed (guest boot offsets)', '1')
    .option('--per-guest', 'a row per guest too')
    .option('--json', 'one JSON line per mode')
    .action((opts: GuestsOptions) => {
      const modes: ClockMode[] = opts.mode === 'both' ? ['periodic', 'tickless'] : opts.mode === 'periodic' || opts.mode === 'tickless' ? [opts.mode] : [];
      if (modes.length === 0) throw new UsageError(`--mode must be periodic, tickless or both, got '${opts.mode}'`);
      const o = {
        guests: int(opts.guests, '--guests', 1), hz: int(opts.hz, '--hz', 1), seed: int(opts.seed, '--seed', 0),
        periodNs: duration(opts.period, '--period', 0), durationNs: duration(opts.duration, '--duration', 1),
      };
      const rows = modes.map((mode) => guestsRun(mode, o));
      if (opts.json) {
        for (const row of rows) {
          const { perGuest: _perGuest, ...totals } = row;
          process.stdout.write(JSON.stringify(opts.perGuest ? row : totals) + '\n');
        }
        return;
      }
      process.stdout.write(table(COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c]))));
      if (opts.perGuest) {
        for (const row of rows) {
          process.stdout.write(`\n${row.mode}:\n`);
          process.stdout.write(table(GUEST_COLUMNS, row.perGuest.map((g) => GUEST_COLUMNS.map((c) => g[c]))));
        }
      }
    });
}
