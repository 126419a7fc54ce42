/*
 * From a parsed boot script to a running system: the kernel configuration,
 * the system image (tasks, drivers, servers in MINIX's start order), the
 * program table (one program per process block), and the report the boot
 * command prints and turns into an exit code.
 *   buildSystem(script, options)  -> BootedSystem { kernel, hosts, report, run, disks }
 *   A script of several hosts builds one kernel per host (buildHost each) on one Cluster.
 *   BootReport                    exits, expectations, console output, system processes that faulted
 * Mistakes found here (a missing image, a bad policy, `spawn` of a program
 * nobody defines) are ParseErrors at the script's line: exit 2 before the run.
 */
import {
  Cluster, hardwareOf, Kernel, Prng, TraceBus, kernelTaskAccessOf, loadImage, registerSystemCalls, SYSTEM_CHANNEL, systemPrivileges, userPrivileges, USER_Q,
  type ImageEntry, type KernelConfig, type Proc, type RunOutcome,
} from '../../kernel/index.js';
import { buildNetwork, withRamDisk } from './network.js';
import { runCommands } from '../../lib/shell/run.js';
import * as pmCalls from '../../lib/syscalls/pm.js';
import * as securityCalls from '../../lib/syscalls/security.js';
import { errnoName } from '../../kernel/errno.js';
import { userProgram, type SysGen, type UserProcess } from '../../lib/user/process.js';
import { followedBy } from '../../lib/server.js';
import { builtinPrograms } from '../../lib/programs/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diskDriver, type DiskConfig } from '../../drivers/disk/main.js';
import { diskConfigFromLines } from '../../drivers/disk/script.js';
import { ParseError, shorten } from '../../lib/parse-error.js';
import { capacityBytes, loadModel, parseModel } from '../../drivers/disk/model.js';
import type { Command } from '../../lib/shell/commands.js';
import { HostFileError, MAX_MODEL_BYTES, MAX_POLICY_BYTES, readHostText } from './host-files.js';
import { fsServer } from '../../servers/fs/main.js';
import { formatImage } from '../../servers/fs/tools/mkfs.js';
import { securityServer } from '../../servers/security/main.js';
import { pmServer } from '../../servers/pm/main.js';
import { schedServer } from '../../servers/sched/main.js';
import { vmServer } from '../../servers/vm/main.js';
import { replacementPolicy } from '../../servers/vm/policies/index.js';
import { policyNamed } from '../../servers/sched/policies.js';
import { rsServer, type ServiceSpec } from '../../servers/rs/main.js';
import { withSef, DEFAULT_REQUEST_DEADLINE_NS } from '../../servers/rs/sef.js';
import { scheduleTimedFaults, serviceFaultsFromLines, ServiceFaultPlan } from '../../servers/rs/faults.js';
import type { OpenDisk } from '../../drivers/disk/config.js';
import { clockTask } from '../../tasks/clock/main.js';
import { guestsConfig, startGuests } from '../../tasks/clock/guests.js';
import type { ClockMode } from '../../tasks/clock/config.js';
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from '../../servers/pm/protocol.js';
import { SIGNAL_NAMES } from '../../lib/shell/commands.js';
import type { BootScript, Directive, ProcessBlock } from './script.js';
import { PluginLoader } from '../../lib/plugin/loader.js';
import { studentProgram } from '../../lib/plugin/program.js';
import { UNWATCHED, type CodeWatch } from '../../lib/plugin/watch.js';
import { CACHE_REPLACEMENT_KIND, CPU_SCHED_KIND, DISK_SCHED_KIND, loadPolicy, PAGE_REPLACEMENT_KIND, PROGRAM_KIND, type PolicyKind } from './plugin-kinds.js';
import { PLUGIN_FILE_PATTERN } from './script.js';
import { REPLACEMENTS } from '../../servers/fs/replacement.js';
import { readerProgram } from '../../servers/reader/main.js';

/** A reader's unit: a page, as `dd bs=4k`. */
const READER_BLOCK_BYTES = 4096;

export interface BootOptions {
  readonly seed: number;
  readonly scriptPath: string;
  /** The kernel's runaway guard (KernelConfig.maxStepsPerInstant); default the kernel's. */
  readonly maxStepsPerInstant?: number;
  /**
   * Keep every console line in report.output (default true, for tests and tools that read it
   * after the run). `mksim boot` streams lines through kernel.onConsole instead and keeps none:
   * a run that prints a million lines must not hold them all in memory.
   */
  readonly keepOutput?: boolean;
  /** Students' code: the stack of a crash (`--debug`), and who watches for a call that never returns. */
  readonly debug?: boolean;
  readonly watch?: CodeWatch;
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
  /** Console lines, "proc: text", when BootOptions.keepOutput (the default); empty under `mksim boot`. */
  readonly output: string[];
  /** System processes (servers, drivers, tasks) that faulted, in order. */
  readonly systemFaults: { readonly name: string; readonly reason: string }[];
  /** Errors system processes logged (SYSTEM_CHANNEL, severity error: the FS could not mount, or turned read-only): the run failed. */
  readonly systemErrors: string[];
}

export interface BootedSystem {
  /** The kernel (several hosts: the first host's; run them with run()). */
  readonly kernel: Kernel;
  /** Every host's kernel in script order (one host: name ''). */
  readonly hosts: readonly { readonly name: string; readonly kernel: Kernel }[];
  /** Simulate (one host: its kernel's run; several: the cluster's). */
  run(options?: { untilNs?: number }): RunOutcome;
  readonly stopReason: string | null;
  /** Virtual time reached, and messages sent on every host. */
  readonly nowNs: number;
  readonly messagesTotal: number;
  /** Is this system process running (several hosts: `host/name`)? */
  isRunning(name: string): boolean;
  readonly report: BootReport;
  /** User processes (by name) still alive: blocked or unfinished. */
  alive(): string[];
  /** Close the disk images (file images are written through; this releases them). */
  close(): void;
  /** The open disks by driver name (the crash-consistency tool records their writes). */
  readonly disks: ReadonlyMap<string, OpenDisk>;
}

/** The stop reason when every user process has exited: a successful end of the run. */
export const WORKLOAD_DONE = 'every user process has exited';

/** Scheduling queues (MINIX: tasks 0, drivers and servers above users). */
export const PRIORITY = { clock: 0, driver: 1, pm: 3, rs: 3, sched: 3, vm: 3, fs: 4, security: 4 } as const;

export function directive(script: BootScript, keyword: string): Directive | undefined {
  return script.directives.find((d) => d.keyword === keyword);
}

function kernelConfig(script: BootScript, options: BootOptions): Partial<KernelConfig> {
  const cpu = directive(script, 'cpu');
  const config: { -readonly [K in keyof KernelConfig]?: KernelConfig[K] } = { seed: options.seed };
  if (options.maxStepsPerInstant !== undefined) config.maxStepsPerInstant = options.maxStepsPerInstant;
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
  const commands = (proc: UserProcess) => runCommands(proc, block.commands, {
    expectation(_name, held, detail, where) {
      if (held) report.expectationsHeld++;
      else report.expectationFailures.push(`${proc.name} at ${where}: ${detail}`);
    },
  });
  // The commands' generator becomes the program's own once set up (followedBy, issue 20): no frame
  // of the setup's stays between the kernel and the block's system calls.
  return (proc: UserProcess) => followedBy(() => setup(proc), (failed) => failed === null ? commands(proc) : exitWith(failed));
  /** The block's priority, credentials and context; null, or the exit code when one cannot be taken. */
  function* setup(proc: UserProcess): SysGen<number | null> {
    // The block's priority= and quantum=, taken while it is still root (as a login script's nice would be).
    if (!isInit && (block.priority !== null || block.quantumNs !== null)) {
      const r = yield* pmCalls.setpriority(proc, {
        ...(block.priority !== null ? { priority: block.priority } : {}),
        ...(block.quantumNs !== null ? { quantumNs: block.quantumNs } : {}),
      });
      if (r < 0) {
        proc.print(`cannot take priority ${block.priority ?? '-'} quantum ${block.quantumNs ?? '-'}: ${errnoName(r)}`);
        return 1;
      }
    }
    if (!isInit) {
      const gid = block.gid === null ? 0 : yield* pmCalls.setgid(proc, block.gid);
      const uid = block.uid === null ? 0 : yield* pmCalls.setuid(proc, block.uid);
      if (gid < 0 || uid < 0) {
        // EPERM: the parent is not root, or its domain lacks capability:setuid / setgid.
        proc.print(`cannot take uid ${block.uid ?? '-'} gid ${block.gid ?? '-'}: ${errnoName(Math.min(gid, uid))}`);
        return 1;
      }
    }
    // Like login: the credentials first, while still root in the parent's domain (capability:setuid and
    // setgid are the parent's), then the block's security context (the policy must allow the transition;
    // init's is its own already).
    if (block.context !== null) {
      const r = yield* securityCalls.setcon(proc, block.context);
      if (r < 0) {
        proc.print(`cannot take context ${block.context}: ${errnoName(r)}`);
        return 1;
      }
    }
    return null;
  }
}

/** A block that could not be set up: its exit code, with no system call. */
function* exitWith(code: number): SysGen<number> {
  return code;
}

/** Called before each host's image loads: register programs, attach sinks (host: null for a one-host script). */
export type BeforeLoad = (k: Kernel, host: string | null) => void;

export function buildSystem(script: BootScript, options: BootOptions, beforeLoad?: BeforeLoad): BootedSystem {
  if (script.hosts !== undefined && script.hosts.length > 0) return buildHosts(script, options, beforeLoad);
  const report: BootReport = { exits: [], expectationsHeld: 0, expectationFailures: [], output: [], systemFaults: [], systemErrors: [] };
  const kernel = new Kernel(kernelConfig(script, options));
  const built = buildHost(script, options, kernel, report, { host: null, header: true, workloadDone: () => kernel.stop(WORKLOAD_DONE) }, beforeLoad);
  return {
    ...built,
    kernel,
    report,
    hosts: [{ name: '', kernel }],
    run: (o) => kernel.run(o),
    get stopReason() { return kernel.stopReason; },
    get nowNs() { return kernel.nowNs; },
    get messagesTotal() { return kernel.messagesTotal; },
    isRunning: (name) => kernel.procByName(name) !== null,
  };
}

/** What one host's build hands back and how the run around it treats it. */
interface HostBuild {
  readonly disks: ReadonlyMap<string, OpenDisk>;
  alive(): string[];
  close(): void;
}

interface HostRole {
  /** The host's name in a run of several (console lines and exits are `host/proc`), or null. */
  readonly host: string | null;
  /** Emit the trace header (the first host of a run, or the only one). */
  readonly header: boolean;
  /** The host's last user process exited. */
  readonly workloadDone: () => void;
  /** Extra system image entries after the servers (a host's network driver and INET). */
  readonly extraEntries?: (kernel: Kernel) => ImageEntry[];
  /** The trace header's configuration and seed (several hosts: the whole run's). */
  readonly headerConfig?: Record<string, unknown>;
  readonly headerSeed?: number;
}

/**
 * Several hosts (DESIGN §2): one kernel each, on one timeline (Cluster), one
 * trace bus whose records carry `host`, and PRNG seeds derived in host order
 * from the run's seed, so the run is one deterministic function of the seed.
 */
function buildHosts(script: BootScript, options: BootOptions, beforeLoad?: BeforeLoad): BootedSystem {
  const hostBlocks = script.hosts!;
  const bus = new TraceBus();
  const root = new Prng(options.seed);
  const report: BootReport = { exits: [], expectationsHeld: 0, expectationFailures: [], output: [], systemFaults: [], systemErrors: [] };
  const hosts: { name: string; kernel: Kernel }[] = [];
  const builds: HostBuild[] = [];
  const done = new Set<string>();
  let cluster: Cluster | null = null;
  const network = buildNetwork(script, root.fork());
  const linked = new Set(script.directives.filter((d) => d.keyword === 'link').flatMap((d) => d.positional));
  for (const [i, h] of hostBlocks.entries()) {
    const seed = root.nextU32();
    const hostScript = withRamDisk(h, linked.has(h.name));
    const kernel = new Kernel(kernelConfig(hostScript, { ...options, seed }), bus.hostView(h.name));
    hosts.push({ name: h.name, kernel });
    const hasUsers = h.script.processes.length > 0;
    if (!hasUsers) done.add(h.name);
    builds.push(buildHost(hostScript, { ...options, seed }, kernel, report, {
      host: h.name, header: i === 0, headerSeed: options.seed,
      headerConfig: { hosts: hostBlocks.map((b) => ({ name: b.name, addr: b.addrText, ...configSummary(b.script) })), links: network.summary() },
      // The run ends when every host's last user process has exited.
      workloadDone: () => {
        done.add(h.name);
        if (done.size === hostBlocks.length) cluster?.stop(WORKLOAD_DONE);
      },
      extraEntries: (k) => network.entriesFor(h, k),
    }, beforeLoad));
  }
  cluster = new Cluster(hosts, network.lookaheadNs);
  network.attach();
  const find = (name: string): { host: string; proc: string } => {
    const slash = name.indexOf('/');
    return { host: name.slice(0, slash), proc: name.slice(slash + 1) };
  };
  const c = cluster;
  return {
    kernel: hosts[0]!.kernel,
    report,
    hosts,
    disks: new Map(builds.flatMap((b, i) => [...b.disks].map(([d, v]) => [`${hosts[i]!.name}/${d}`, v] as const))),
    alive: () => builds.flatMap((b, i) => b.alive().map((n) => `${hosts[i]!.name}/${n}`)),
    close: () => { for (const b of builds) b.close(); },
    run: (o) => c.run(o),
    get stopReason() { return c.stopReason; },
    get nowNs() { return c.nowNs; },
    get messagesTotal() { return hosts.reduce((n, h) => n + h.kernel.messagesTotal, 0); },
    isRunning: (name) => {
      const { host, proc } = find(name);
      return hosts.find((h) => h.name === host)?.kernel.procByName(proc) != null;
    },
  };
}

function buildHost(script: BootScript, options: BootOptions, kernel: Kernel, report: BootReport, role: HostRole, beforeLoad?: BeforeLoad): HostBuild {
  const scriptDir = dirname(resolve(options.scriptPath));
  registerSystemCalls(kernel);
  const who = (proc: string): string => (role.host === null ? proc : `${role.host}/${proc}`);
  const keepOutput = options.keepOutput ?? true;
  kernel.onConsole((proc, text) => { if (keepOutput) report.output.push(`${who(proc)}: ${text}`); });
  // A failure is what a system process says it is, at severity error in the system log, not what its console text looks like.
  kernel.log.subscribe(SYSTEM_CHANNEL, (entry) => {
    if (entry.fields.severity === 'error' && kernel.processes().some((p) => p.name === entry.writer && p.priv.system)) {
      report.systemErrors.push(`${who(entry.writer)}: ${entry.text}`);
    }
  });
  const userProcs = new Set<Proc>();
  kernel.onExit((p, _code, fault) => {
    // A server that throws (a bad configuration it found at start, a bug) is gone for good
    // unless RS restarts it: the boot command says so on the console, not only in the trace.
    if (fault !== null && p.priv.system) report.systemFaults.push({ name: who(p.name), reason: fault.message });
    if (userProcs.has(p) || !p.priv.system) report.exits.push({ name: who(p.name), status: p.exitCode ?? 0, atNs: kernel.nowNs });
    // The workload is over when the last user process exits; a periodic clock would tick on forever.
    if (!p.priv.system && !kernel.processes().some((q) => !q.priv.system)) role.workloadDone();
  });

  const init = initBlock(script);
  for (const [name, program] of builtinPrograms()) kernel.programs.set(name, program);
  const plugins = new PluginLoader({ baseDir: scriptDir, watch: options.watch ?? UNWATCHED, debug: options.debug === true });
  loadPrograms(script, plugins, kernel);
  // A process block may take a built-in's name: the script's own program wins.
  for (const block of script.processes) {
    kernel.programs.set(block.name, userProgram(blockMain(block, report, block === init)));
  }

  const entries: ImageEntry[] = [];
  // Devices get the machine's Hardware and the clock task its KernelTaskAccess; no actor gets the kernel.
  const hardware = hardwareOf(kernel);
  const closers: (() => void)[] = [];
  const clock = directive(script, 'clock');
  entries.push({
    name: 'clock', priority: PRIORITY.clock, privileges: systemPrivileges(),
    program: clockTask(kernelTaskAccessOf(kernel), {
      ...(clock?.values.has('mode') ? { mode: clock.values.get('mode') as ClockMode } : {}),
      ...(clock?.values.has('hz') ? { hz: clock.values.get('hz') as number } : {}),
    }),
  });
  const disks = script.directives.filter((d) => d.keyword === 'disk');
  const faults = script.directives.filter((d) => d.keyword === 'fault');
  const openDisks = new Map<string, OpenDisk>();
  // Drivers run under the reincarnation server: wrapped with its SEF part, restarted from the same program.
  const services: { spec: ServiceSpec; plan: ServiceFaultPlan }[] = [];
  for (const d of disks) {
    const name = d.positional[0]!;
    const sched = policyFrom(d, 'sched', DISK_SCHED_KIND, plugins, report, name);
    const driver = atDirective(d, () => diskDriver({ ...diskConfig(d, faults, scriptDir), ...(sched !== undefined ? { sched } : {}) }, hardware));
    closers.push(() => driver.disk.image.close());
    openDisks.set(name, driver.disk);
    const mine = faults.filter((f) => f.positional[0] === name);
    const plan = new ServiceFaultPlan(mine.flatMap((f) => atDirective(f, () => serviceFaultsFromLines(name, [f]))));
    const program = withSef(driver, { requestDeadlineNs: DEFAULT_REQUEST_DEADLINE_NS, faults: plan });
    services.push({ spec: { label: name, program, priority: PRIORITY.driver }, plan });
    entries.push({ name, priority: PRIORITY.driver, privileges: systemPrivileges(), program });
  }
  for (const f of faults) {
    if (!disks.some((d) => d.positional[0] === f.positional[0])) {
      throw new ParseError(`fault names '${f.positional[0]}', which is not a disk of this script`, f.pos);
    }
  }
  // VM (MINIX 3): address spaces, paging, swap; before PM, which tells it of init's context at start.
  const vmLine = directive(script, 'vm');
  const swapDisk = vmLine?.values.get('swap') as string | undefined;
  if (vmLine !== undefined) {
    const pageSize = (vmLine.values.get('page-size') as number | undefined) ?? 4096;
    if ((pageSize & (pageSize - 1)) !== 0) throw new ParseError(`vm page-size=${pageSize}: not a power of two`, vmLine.keyPos.get('page-size') ?? vmLine.pos);
    if (swapDisk !== undefined && !disks.some((d) => d.positional[0] === swapDisk)) {
      throw new ParseError(`vm swap=${swapDisk}: no disk of that name`, vmLine.keyPos.get('swap') ?? vmLine.pos);
    }
    const frames = (vmLine.values.get('frames') as number | undefined) ?? 64;
    const student = policyFrom(vmLine, 'replacement', PAGE_REPLACEMENT_KIND, plugins, report, 'vm', frames);
    entries.push({
      name: 'vm', priority: PRIORITY.vm, privileges: systemPrivileges(),
      program: vmServer({
        frames, pageSize,
        policy: student !== undefined ? () => student : replacementPolicy((vmLine.values.get('replacement') as string | undefined) ?? 'clock')!,
        swapDriver: swapDisk ?? null,
      }),
    });
  }
  entries.push({
    name: 'pm', priority: PRIORITY.pm, privileges: systemPrivileges(),
    program: pmServer({
      initName: init?.name ?? 'init', initUid: init?.uid ?? 0, initGid: init?.gid ?? 0,
      ...(init?.context != null ? { initContext: init.context } : {}),
      initPriority: init?.priority ?? USER_Q,
      initQuantumNs: init?.quantumNs ?? kernel.config.quantumNs,
    }),
  });
  // SCHED (MINIX 3.2): the policy for user processes; system processes stay with the kernel.
  const sched = directive(script, 'sched');
  entries.push({
    name: 'sched', priority: PRIORITY.sched, privileges: systemPrivileges(),
    program: schedServer({
      policy: (sched === undefined ? undefined : policyFrom(sched, 'policy', CPU_SCHED_KIND, plugins, report, 'sched')) ?? policyNamed((sched?.values.get('policy') as string | undefined) ?? 'minix')!,
      // Its own PRNG (lottery draws), derived from the boot seed so every run with this seed draws the same.
      seed: options.seed ^ 0x5c4ed,
    }),
  });
  if (services.length > 0) {
    entries.push({ name: 'rs', priority: PRIORITY.rs, privileges: systemPrivileges(), program: rsServer({ services: services.map((s) => s.spec) }) });
  }
  const fsLine = directive(script, 'fs');
  // The swap disk holds no file system.
  const fsDisks = disks.filter((d) => d.positional[0] !== swapDisk);
  if (fsLine !== undefined || fsDisks.length > 0) {
    const root = (fsLine?.values.get('root') as string | undefined) ?? fsDisks[0]?.positional[0];
    if (root === undefined || !disks.some((d) => d.positional[0] === root)) {
      throw new ParseError(root === undefined ? 'fs needs a disk: add a `disk NAME ...` line' : `fs root=${root}: no disk of that name`, fsLine?.keyPos.get('root') ?? fsLine!.pos);
    }
    const v = fsLine?.values;
    entries.push({
      name: 'fs', priority: PRIORITY.fs, privileges: systemPrivileges(),
      program: fsServer({
        driver: root,
        ...(v?.has('cache') ? { cacheBuffers: v.get('cache') as number } : {}),
        ...(v?.has('robust') ? { robust: v.get('robust') as boolean } : {}),
        ...(v?.has('elevator') ? { elevator: v.get('elevator') as boolean } : {}),
        ...(v?.has('context') ? { context: v.get('context') as string } : {}),
        ...(fsLine !== undefined && v?.has('replacement') ? { replacement: policyFrom(fsLine, 'replacement', CACHE_REPLACEMENT_KIND, plugins, report, 'fs') ?? REPLACEMENTS[v.get('replacement') as string]! } : {}),
        ...(fsLine?.words.includes('readonly') ? { readOnly: true } : {}),
        ...(fsLine?.words.includes('trust-bitmaps') ? { trustBitmaps: true } : {}),
        ...(fsLine?.words.includes('trust-links') ? { trustLinks: true } : {}),
      }),
    });
  }
  for (const r of script.directives.filter((d) => d.keyword === 'reader')) {
    const name = r.positional[0]!;
    const disk = r.values.get('disk') as string | undefined;
    if (disk === undefined || !disks.some((d) => d.positional[0] === disk)) {
      throw new ParseError(disk === undefined ? `reader ${name} needs disk=DISK` : `reader ${name}: disk=${disk}: no disk of that name`, r.keyPos.get('disk') ?? r.pos);
    }
    entries.push({
      name, priority: PRIORITY.fs, privileges: systemPrivileges(),
      program: readerProgram({
        driver: disk, requests: (r.values.get('requests') as number | undefined) ?? 200, depth: (r.values.get('depth') as number | undefined) ?? 8,
        blockBytes: READER_BLOCK_BYTES, seed: options.seed ^ 0x4ead,
      }),
    });
  }
  const security = directive(script, 'security');
  if (security !== undefined) {
    const policy = security.values.get('policy') as string | undefined;
    if (policy === undefined) throw new ParseError('security needs policy=FILE', security.pos);
    const policyPath = resolve(scriptDir, policy);
    const policyText = atDirective(security, () => readHostText(policyPath, MAX_POLICY_BYTES, 'policy'), 'policy');
    entries.push({
      name: 'security', priority: PRIORITY.security, privileges: systemPrivileges(),
      program: policyErrorsAt(security, policy, () => securityServer({
        policyPath, policyText,
        mode: (security.values.get('mode') as 'enforcing' | 'permissive' | undefined) ?? 'enforcing',
      })),
    });
  }
  entries.push(...(role.extraEntries?.(kernel) ?? []));
  if (init !== undefined) {
    entries.push({
      name: init.name, program: kernel.programs.get(init.name)!, priority: init.priority ?? USER_Q,
      privileges: userPrivileges(), quantumNs: init.quantumNs ?? undefined,
    });
  }

  beforeLoad?.(kernel, role.host);
  // spawn NAME forks the program NAME: a block, a built-in or one a test registered. Checked
  // now, so a typo is exit 2 at its line rather than EINVAL halfway through the run.
  for (const block of script.processes) checkProgramNames(block.commands, (name) => kernel.programs.has(name));
  const procs = loadImage(kernel, {
    script: options.scriptPath,
    seed: role.headerSeed ?? options.seed,
    config: role.headerConfig ?? configSummary(script),
    entries,
  }, role.header);
  for (const p of procs) if (!p.priv.system) userProcs.add(p);
  // `clock guests=N`: N guest kernels on this host's timeline, each guest's clock-event
  // device backed by a host hrtimer (the tick-vs-tickless lab; see docs/clock.md).
  if (clock?.values.has('guests')) {
    atDirective(clock, () => startGuests(kernel, guestsConfig({
      guests: clock.values.get('guests') as number,
      ...(clock.values.has('mode') ? { mode: clock.values.get('mode') as ClockMode } : {}),
      ...(clock.values.has('hz') ? { hz: clock.values.get('hz') as number } : {}),
    })), 'guests');
  }
  for (const s of services) scheduleTimedFaults(kernel, s.spec.label, s.plan);
  return {
    disks: openDisks,
    alive: () => kernel.processes().filter((p) => !p.priv.system).map((p) => p.name),
    close: () => { for (const c of closers) c(); },
  };
}

/**
 * A policy key naming a student's file (`sched=my.ts`): the policy behind its
 * shield, whose first fault is a system error of the run (exit 1); a
 * built-in's name: undefined (the caller looks it up).
 */
function policyFrom<T extends object>(d: Directive, key: string, kind: PolicyKind<T>, plugins: PluginLoader, report: BootReport, who: string, size = 0): T | undefined {
  const value = d.values.get(key);
  if (typeof value !== 'string' || !PLUGIN_FILE_PATTERN.test(value)) return undefined;
  return loadPolicy(plugins, kind, value, d.keyPos.get(key) ?? d.pos, (message) => report.systemErrors.push(`${who}: ${kind.title} ${message}`), size);
}

/** `program NAME FILE`: a student's module as a program, run by spawn, exec and `#!mksim NAME` like a built-in. */
function loadPrograms(script: BootScript, plugins: PluginLoader, kernel: Kernel): void {
  for (const d of script.directives.filter((x) => x.keyword === 'program')) {
    const [name, file] = d.positional as [string, string];
    const block = script.processes.find((p) => p.name === name);
    if (block !== undefined) throw new ParseError(`program ${name}: a process block has that name too (line ${block.pos.line})`, d.pos);
    const { value, origin } = plugins.load(PROGRAM_KIND, file, d.pos);
    kernel.programs.set(name, studentProgram(value, origin));
  }
}

/** Names that spawn, wait and kill give must be programs the kernel can start (kill also takes self or a pid). */
function checkProgramNames(commands: readonly Command[], known: (name: string) => boolean): void {
  for (const first of commands) {
    // Walk the prefix chain (expect/repeat/trap) iteratively: its depth is bounded, but no recursion is needed.
    let c: Command | null = first;
    while (c !== null) {
      if (c.kind === 'expect' || c.kind === 'repeat') { c = c.command; continue; }
      if (c.kind === 'trap') { c = typeof c.action === 'string' ? null : c.action; continue; }
      const name = c.args[0];
      const named = c.name === 'spawn' || c.name === 'wait' || (c.name === 'kill' && name !== 'self' && !/^\d+$/.test(name ?? ''));
      if (named && name !== undefined && !known(name)) {
        throw new ParseError(`${c.name} ${shorten(name)}: no process block (or program) of that name`, { ...c.pos, column: c.argColumns[0] ?? c.pos.column });
      }
      c = null;
    }
  }
}

/**
 * A policy's syntax error, shown at the script's `policy=` with the policy's
 * own line and column but without quoting the line: the file may be any
 * host file (/etc/shadow), and `mksim policy check FILE` shows the line.
 */
function policyErrorsAt<T>(d: Directive, policy: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ParseError) {
      const w = e.where;
      throw new ParseError(`policy ${shorten(policy)}:${w.line}:${w.column}: ${shorten(e.detail, 200)}`, d.keyPos.get('policy') ?? d.pos);
    }
    return atDirective(d, () => { throw e; }, 'policy');
  }
}

/**
 * Build a component from its directive; a mistake it reports (a missing
 * image, a bad model file, a policy error without a position) is shown at
 * the directive's line.
 */
function atDirective<T>(d: Directive, build: () => T, key?: string): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ParseError) throw e;
    if (e instanceof Error && (e as { userFacing?: boolean }).userFacing === true) {
      throw new ParseError(e.message, (key !== undefined ? d.keyPos.get(key) : undefined) ?? d.pos);
    }
    throw e;
  }
}

/** A `disk` line as the driver's configuration: paths from the script's folder; `create=` makes a fresh file system. */
function diskConfig(d: Directive, faults: readonly Directive[], scriptDir: string): DiskConfig {
  const config = diskConfigFromLines(d, faults);
  const imagePath = typeof config.image === 'string' ? resolve(scriptDir, config.image) : undefined;
  // A model file is read here, bounded, so a script naming /dev/zero or a directory is refused, not hung on.
  const modelPath = typeof config.model === 'string' && config.model.endsWith('.json') ? resolve(scriptDir, config.model) : undefined;
  const model = modelPath === undefined ? config.model : parseModelText(readHostText(modelPath, MAX_MODEL_BYTES, 'disk model'), modelPath);
  // Checked before a byte is allocated: the driver would refuse the image anyway.
  const wantBytes = config.createBytes ?? (config.image === undefined ? config.sizeBytes : undefined);
  if (wantBytes !== undefined) {
    const loaded = loadModel(model ?? 'hp97560');
    const capacity = capacityBytes(loaded);
    if (wantBytes > capacity) {
      throw new ParseError(`disk ${config.name}: ${wantBytes} bytes is more than model ${loaded.name} holds (${capacity})`,
        d.keyPos.get(config.createBytes !== undefined ? 'create' : 'size') ?? d.pos);
    }
  }
  if (config.createBytes === undefined) return { ...config, image: imagePath ?? config.image, model };
  // create=SIZE: a new MINIX V3 file system on every boot, so a lab starts from the same image.
  const bytes = formatImage({
    sizeBytes: config.createBytes,
    ...(d.values.has('block-size') ? { blockSize: d.values.get('block-size') as number } : {}),
    ...(d.values.has('inodes') ? { inodes: d.values.get('inodes') as number } : {}),
  });
  const { createBytes: _created, ...rest } = config;
  if (imagePath === undefined) return { ...rest, image: bytes, model };
  mkdirSync(dirname(imagePath), { recursive: true });
  writeFileSync(imagePath, bytes);
  return { ...rest, image: imagePath, model };
}

function parseModelText(text: string, path: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HostFileError(`disk model ${shorten(path)}: not JSON (${shorten((err as Error).message, 100)})`);
  }
  return parseModel(value, path);
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
