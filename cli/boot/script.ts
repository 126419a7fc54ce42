/*
 * The boot script, parsed: system directives and process blocks.
 *   BootScript       { file, directives, processes }
 *   Directive        one configuration line (disk, fs, clock, security, cpu, fault, ...)
 *   ProcessBlock     `process NAME key=value...` and its indented commands
 *   HostBlock        `host NAME addr=A.B.C.D` and its indented directives and process blocks
 *   DIRECTIVE_SPECS  the keys each directive takes, their value kinds and bounds
 *   RESERVED_NAMES   system process names a process block or disk may not take
 * Every number has a bound here, checked at parse time with the value's
 * position: a value the system cannot run with never reaches a server.
 */
import type { Command } from '../../lib/shell/commands.js';
import type { SourcePosition } from '../../lib/parse-error.js';
import { POLICY_NAMES } from '../../servers/sched/policies.js';
import { CACHE_REPLACEMENT_NAMES } from '../../servers/fs/replacement.js';
import { MAX_READER_DEPTH, MAX_READER_REQUESTS } from '../../servers/reader/main.js';
import { REPLACEMENT_NAMES } from '../../servers/vm/policies/index.js';


/** A `plugin` value names a built-in (one of `values`) or a student's module file with one of these extensions. */
export const PLUGIN_FILE_PATTERN = /\.(mjs|js|ts)$/;
export type ValueKind = 'size' | 'duration' | 'int' | 'bool' | 'path' | 'word' | 'context' | 'mode' | 'list' | 'plugin' | 'fraction' | 'bitrate';

export interface KeySpec {
  readonly kind: ValueKind;
  /** Allowed words, for kind 'word'. */
  readonly values?: readonly string[];
  /** Bounds of a number (size, int, duration), inclusive. */
  readonly min?: number;
  readonly max?: number;
  readonly summary: string;
}

export interface DirectiveSpec {
  /** Names of positional words before the keys (e.g. the disk's name). */
  readonly positional: readonly string[];
  /** Bare words allowed after the positionals (e.g. fault kinds). */
  readonly words?: readonly string[];
  readonly keys: Readonly<Record<string, KeySpec>>;
  /** May the directive appear more than once? */
  readonly repeatable: boolean;
  readonly summary: string;
}

export type DirectiveValue = number | boolean | string | readonly number[];

export interface Directive {
  readonly keyword: string;
  readonly positional: readonly string[];
  readonly words: readonly string[];
  readonly values: ReadonlyMap<string, DirectiveValue>;
  /** Where each key's value starts, for errors found later (a missing image file). */
  readonly keyPos: ReadonlyMap<string, SourcePosition>;
  readonly pos: SourcePosition;
  /** Columns of the positional words (errors about a name found later: a link's host). */
  readonly argColumns?: readonly number[];
}

export interface ProcessBlock {
  readonly name: string;
  /** Credentials the block declares (null: inherited from the parent). */
  readonly uid: number | null;
  readonly gid: number | null;
  readonly context: string | null;
  readonly priority: number | null;
  readonly quantumNs: number | null;
  readonly commands: readonly Command[];
  readonly pos: SourcePosition;
  /** Where the block's name is, for errors about the name. */
  readonly namePos: SourcePosition;
}

export interface BootScript {
  readonly file: string;
  readonly directives: readonly Directive[];
  readonly processes: readonly ProcessBlock[];
  /** Several hosts (`host` lines): each its own system; the top level then holds only `link` lines. Empty: one host. */
  readonly hosts?: readonly HostBlock[];
}

/** A host of a run of several: its address and its own script (directives and process blocks). */
export interface HostBlock {
  readonly name: string;
  /** IPv4 address as a 32-bit unsigned integer, and as written. */
  readonly addr: number;
  readonly addrText: string;
  readonly script: BootScript;
  readonly pos: SourcePosition;
}

const onOff = { kind: 'bool', summary: 'on or off' } as const;

/** Longest path a script may give (Linux's PATH_MAX is 4096; a script's own paths are short). */
export const MAX_PATH_CHARS = 1024;
/** Longest process or disk name (it is a trace field and the console prefix). */
export const MAX_NAME_CHARS = 64;
/** A disk made in memory (size=, create=) is an ArrayBuffer of this many bytes at most. */
export const MAX_DISK_BYTES = 1024 ** 3;
/** The buffer cache refuses fewer (servers/fs/cache.ts, BufferCache's constructor). */
export const MIN_CACHE_BUFFERS = 4;
/** 64 Ki buffers: 256 MiB of cache at 4 KiB blocks. */
export const MAX_CACHE_BUFFERS = 65_536;
/** The clock task's bound (tasks/clock/config.ts MAX_HZ). */
export const MAX_HZ = 100_000;
/**
 * A quantum shorter than this makes every kernel call expire it: the run
 * crawls (0 never ends: no process ever gets CPU time).
 */
export const MIN_QUANTUM_NS = 1_000;
/** A CPU cost (ipc-cost, context-switch) above a second is a typo, not a machine. */
export const MAX_CPU_COST_NS = 1_000_000_000;
/** MINIX V3 inodes keep uid and gid in 16 bits. */
export const MAX_ID = 65_535;

/**
 * Names of the system's own processes (the boot image's, MINIX's and mksim's)
 * and words the commands give a meaning (`kill self`). A process block with
 * one of these names would be found by `endpointOf` instead of the server.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'kernel', 'system', 'clock', 'hardware', 'idle', 'pm', 'fs', 'vfs', 'rs', 'ds', 'sched', 'vm',
  'inet', 'security', 'tty', 'memory', 'log', 'any', 'none', 'self',
]);

export const DIRECTIVE_SPECS: Readonly<Record<string, DirectiveSpec>> = {
  disk: {
    positional: ['name'], repeatable: true, summary: 'disk NAME [image=PATH] [create=SIZE] [block-size=N] [model=NAME|FILE.json] [sched=fcfs|sstf|look|clook|FILE]',
    keys: {
      image: { kind: 'path', summary: 'image file (in memory when absent)' },
      create: { kind: 'size', min: 1, max: MAX_DISK_BYTES, summary: 'make a fresh image of this size (and a file system on it)' },
      size: { kind: 'size', min: 1, max: MAX_DISK_BYTES, summary: 'size of an in-memory disk' },
      'block-size': { kind: 'int', min: 512, max: 32_768, summary: 'file system block size for create (1024 or 4096)' },
      inodes: { kind: 'int', summary: 'inode count for create' },
      model: { kind: 'path', summary: 'timing model: hp97560, ramdisk, or a JSON file' },
      sched: { kind: 'plugin', values: ['fcfs', 'sstf', 'look', 'clook'], summary: 'request scheduling policy (or a student\'s .mjs/.js/.ts)' },
    },
  },
  fs: {
    positional: [], repeatable: false, words: ['readonly', 'trust-bitmaps', 'trust-links'], summary: 'fs root=DISK [cache=N] [robust=on|off] [elevator=on|off] [replacement=lru|FILE] [readonly] [trust-bitmaps] [trust-links]',
    keys: {
      root: { kind: 'word', summary: 'the disk holding the root file system' },
      cache: { kind: 'int', min: MIN_CACHE_BUFFERS, max: MAX_CACHE_BUFFERS, summary: 'buffer cache size in blocks' },
      robust: onOff,
      elevator: onOff,
      replacement: { kind: 'plugin', values: CACHE_REPLACEMENT_NAMES, summary: 'buffer-cache replacement: lru (MINIX\'s, the default) or a student\'s .mjs/.js/.ts' },
      context: { kind: 'context', summary: 'mount-wide security context' },
    },
  },
  clock: {
    positional: [], repeatable: false, summary: 'clock mode=tickless|periodic [hz=N]',
    keys: {
      mode: { kind: 'word', values: ['tickless', 'periodic'], summary: 'clock-event mode' },
      hz: { kind: 'int', min: 1, max: MAX_HZ, summary: 'tick rate in periodic mode' },
      guests: { kind: 'int', min: 1, max: 1000, summary: 'guest kernels sharing this host timeline' },
    },
  },
  security: {
    positional: [], repeatable: false, summary: 'security policy=FILE [mode=enforcing|permissive]',
    keys: {
      policy: { kind: 'path', summary: 'policy.conf in the SELinux kernel policy language' },
      mode: { kind: 'word', values: ['enforcing', 'permissive'], summary: 'enforcement mode' },
    },
  },
  sched: {
    positional: [], repeatable: false, summary: `sched policy=${POLICY_NAMES.join('|')}|FILE`,
    keys: {
      policy: { kind: 'plugin', values: POLICY_NAMES, summary: 'the SCHED server\'s policy for user processes (default minix)' },
    },
  },
  vm: {
    positional: [], repeatable: false, summary: `vm [frames=N] [page-size=N] [replacement=${REPLACEMENT_NAMES.join('|')}|FILE] [swap=DISK]`,
    keys: {
      frames: { kind: 'int', min: 1, max: 65_536, summary: 'physical frames (default 64)' },
      'page-size': { kind: 'int', min: 512, max: 65_536, summary: 'page size in bytes, a power of two (default 4096)' },
      replacement: { kind: 'plugin', values: REPLACEMENT_NAMES, summary: 'page-replacement policy (default clock) or a student\'s .mjs/.js/.ts' },
      swap: { kind: 'word', summary: 'a disk of this script used as swap space (not the file system\'s)' },
    },
  },
  cpu: {
    positional: [], repeatable: false, summary: 'cpu [quantum=D] [ipc-cost=D] [context-switch=D]',
    keys: {
      quantum: { kind: 'duration', min: MIN_QUANTUM_NS, summary: 'scheduling quantum of user processes' },
      'ipc-cost': { kind: 'duration', max: MAX_CPU_COST_NS, summary: 'CPU time of one kernel call' },
      'context-switch': { kind: 'duration', max: MAX_CPU_COST_NS, summary: 'CPU time of a context switch' },
    },
  },
  // A raw reader of a disk with several reads in flight (servers/reader/main.ts): the disk-scheduling lab.
  reader: {
    positional: ['name'], repeatable: true, summary: 'reader NAME disk=DISK [requests=N] [depth=N]',
    keys: {
      disk: { kind: 'word', summary: 'the disk to read' },
      requests: { kind: 'int', min: 1, max: MAX_READER_REQUESTS, summary: 'reads of random 4 KiB blocks (default 200)' },
      depth: { kind: 'int', min: 1, max: MAX_READER_DEPTH, summary: 'reads in flight at once (default 8)' },
    },
  },
  // Students' code (docs/extending.md): programs by name; policies are the plugin-valued keys above.
  program: {
    positional: ['name', 'file'], repeatable: true, summary: 'program NAME FILE.mjs|.js|.ts (default export function* (sys))',
    keys: {},
  },
  fault: {
    positional: ['target'], repeatable: true,
    words: ['read-error', 'write-error', 'torn-write', 'kill-driver', 'crash-driver', 'drop-reply'],
    summary: 'fault TARGET KIND [block=N] [at=D] [nth=N] | fault DISK crash-after-writes=N',
    keys: {
      block: { kind: 'list', max: 0xffff_ffff, summary: 'block number(s), comma-separated' },
      at: { kind: 'duration', summary: 'virtual time of the fault' },
      nth: { kind: 'int', summary: 'on the Nth request' },
      'crash-after-writes': { kind: 'int', summary: 'power cut after N writes' },
      count: { kind: 'int', summary: 'how many times' },
    },
  },
};

/** Directives of a multi-host script's top level (a host's own are DIRECTIVE_SPECS). */
export const LINK_SPEC: DirectiveSpec = {
  positional: ['host', 'host'], repeatable: true, summary: 'link HOST HOST [latency=D] [bandwidth=RATE] [loss=P]',
  keys: {
    latency: { kind: 'duration', min: 1_000, max: 10_000_000_000, summary: 'one-way propagation delay (at least 1us)' },
    bandwidth: { kind: 'bitrate', min: 1_000, max: 100_000_000_000, summary: 'bits per second, e.g. 100Mbit, 1Gbit' },
    loss: { kind: 'fraction', min: 0, max: 0.9, summary: 'probability that a frame is lost (seeded), 0 to 0.9' },
  },
};

/** Hosts in one run, and the longest host name. */
export const MAX_HOSTS = 64;

export const PROCESS_KEYS: Readonly<Record<string, KeySpec>> = {
  uid: { kind: 'int', max: MAX_ID, summary: 'user id' },
  gid: { kind: 'int', max: MAX_ID, summary: 'group id' },
  context: { kind: 'context', summary: 'security context user:role:type' },
  priority: { kind: 'int', max: 15, summary: 'best scheduling queue 0..15 (users default 7); below 7 needs root' },
  quantum: { kind: 'duration', min: MIN_QUANTUM_NS, summary: 'scheduling quantum (needs root)' },
};
