/*
 * From a parsed boot script to a running system: the kernel configuration,
 * the system image (tasks, drivers, servers in MINIX's start order), the
 * program table (one program per process block), and the report the boot
 * command prints and turns into an exit code.
 *   buildSystem(script, options)  -> BootedSystem { kernel, report, run }
 *   BootReport                    exits, expectations, console output
 */
import {
  Kernel, loadImage, registerSystemCalls, systemPrivileges, userPrivileges, USER_Q,
  type ImageEntry, type KernelConfig, type Proc,
} from '../../kernel/index.js';
import { runCommands } from '../../lib/shell/run.js';
import * as pmCalls from '../../lib/syscalls/pm.js';
import { userProgram, type UserProcess } from '../../lib/user/process.js';
import { builtinPrograms } from '../../lib/programs/index.js';
import { pmServer } from '../../servers/pm/main.js';
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from '../../servers/pm/protocol.js';
import { SIGNAL_NAMES } from '../../lib/shell/commands.js';
import type { BootScript, Directive, ProcessBlock } from './script.js';

export interface BootOptions {
  readonly seed: number;
  readonly scriptPath: string;
}

export interface ProcessExit {
  readonly name: string;
  /** Wait status as PM encodes it. */
  readonly status: number;
  readonly atNs: number;
}

export interface BootReport {
  readonly exits: ProcessExit[];
  expectationsHeld: number;
  readonly expectationFailures: string[];
  readonly output: string[];
}

export interface BootedSystem {
  readonly kernel: Kernel;
  readonly report: BootReport;
  /** User processes (by name) still alive: blocked or unfinished. */
  alive(): string[];
}

/** Scheduling queues (MINIX: tasks 0, drivers and servers above users). */
export const PRIORITY = { clock: 0, driver: 1, pm: 3, rs: 3, fs: 4, security: 4 } as const;

export function directive(script: BootScript, keyword: string): Directive | undefined {
  return script.directives.find((d) => d.keyword === keyword);
}

function kernelConfig(script: BootScript, seed: number): Partial<KernelConfig> {
  const cpu = directive(script, 'cpu');
  const config: { -readonly [K in keyof KernelConfig]?: KernelConfig[K] } = { seed };
  if (cpu?.values.has('quantum')) config.quantumNs = cpu.values.get('quantum') as number;
  if (cpu?.values.has('ipc-cost')) config.ipcCostNs = cpu.values.get('ipc-cost') as number;
  if (cpu?.values.has('context-switch')) config.contextSwitchNs = cpu.values.get('context-switch') as number;
  return config;
}

/** The first process: `init` if the script has one, else its first block. */
export function initBlock(script: BootScript): ProcessBlock | undefined {
  return script.processes.find((p) => p.name === 'init') ?? script.processes[0];
}

/** A process block as a program: take on the block's credentials, run its commands, exit. */
function blockMain(block: ProcessBlock, report: BootReport, isInit: boolean) {
  return function* (proc: UserProcess) {
    // Like login: a block that declares credentials takes them (it must start as root to change uid).
    if (!isInit) {
      const gid = block.gid === null ? 0 : yield* pmCalls.setgid(proc, block.gid);
      const uid = block.uid === null ? 0 : yield* pmCalls.setuid(proc, block.uid);
      if (gid < 0 || uid < 0) {
        proc.print(`cannot take uid ${block.uid ?? '-'} gid ${block.gid ?? '-'}: the parent is not root`);
        return 1;
      }
    }
    return yield* runCommands(proc, block.commands, {
      expectation(_name, held, detail, where) {
        if (held) report.expectationsHeld++;
        else report.expectationFailures.push(`${proc.name} at ${where}: ${detail}`);
      },
    });
  };
}

export function buildSystem(script: BootScript, options: BootOptions, beforeLoad?: (k: Kernel) => void): BootedSystem {
  const kernel = new Kernel(kernelConfig(script, options.seed));
  registerSystemCalls(kernel);
  const report: BootReport = { exits: [], expectationsHeld: 0, expectationFailures: [], output: [] };
  kernel.onConsole((proc, text) => report.output.push(`${proc}: ${text}`));
  const userProcs = new Set<Proc>();
  kernel.onExit((p) => {
    if (userProcs.has(p) || !p.priv.system) report.exits.push({ name: p.name, status: p.exitCode ?? 0, atNs: kernel.nowNs });
  });

  const init = initBlock(script);
  for (const [name, program] of builtinPrograms()) kernel.programs.set(name, program);
  // A process block may take a built-in's name: the script's own program wins.
  for (const block of script.processes) {
    kernel.programs.set(block.name, userProgram(blockMain(block, report, block === init)));
  }

  const entries: ImageEntry[] = [];
  entries.push({
    name: 'pm', priority: PRIORITY.pm, privileges: systemPrivileges(),
    program: pmServer({ initName: init?.name ?? 'init', initUid: init?.uid ?? 0, initGid: init?.gid ?? 0 }),
  });
  if (init !== undefined) {
    entries.push({
      name: init.name, program: kernel.programs.get(init.name)!, priority: init.priority ?? USER_Q,
      privileges: userPrivileges(), quantumNs: init.quantumNs ?? undefined,
    });
  }

  beforeLoad?.(kernel);
  const procs = loadImage(kernel, {
    script: options.scriptPath,
    seed: options.seed,
    config: configSummary(script),
    entries,
  });
  for (const p of procs) if (!p.priv.system) userProcs.add(p);
  return {
    kernel,
    report,
    alive: () => kernel.processes().filter((p) => !p.priv.system).map((p) => p.name),
  };
}

/** The configuration as plain data, for the trace header. */
function configSummary(script: BootScript): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of script.directives) {
    const entry: Record<string, unknown> = Object.fromEntries(d.values);
    if (d.positional.length > 0) entry.name = d.positional.join(' ');
    if (d.words.length > 0) entry.kind = d.words.join(' ');
    const key = d.keyword;
    if (key === 'disk' || key === 'fault') ((out[key + 's'] ??= []) as unknown[]).push(entry);
    else out[key] = entry;
  }
  out.processes = script.processes.map((p) => p.name);
  return out;
}

/** How a wait status reads to a user. */
export function describeStatus(status: number): string {
  if (WIFEXITED(status)) return `exit ${WEXITSTATUS(status)}`;
  const sig = WTERMSIG(status);
  return `killed by ${SIGNAL_NAMES[sig] ?? `signal ${sig}`}`;
}
