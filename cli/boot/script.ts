/*
 * The boot script, parsed: system directives and process blocks.
 *   BootScript       { file, directives, processes }
 *   Directive        one configuration line (disk, fs, clock, security, cpu, fault, ...)
 *   ProcessBlock     `process NAME key=value...` and its indented commands
 *   DIRECTIVE_SPECS  the keys each directive takes and their value kinds
 */
import type { Command } from '../../lib/shell/commands.js';
import type { SourcePosition } from '../../lib/parse-error.js';
import { POLICY_NAMES } from '../../servers/sched/policies.js';

export type ValueKind = 'size' | 'duration' | 'int' | 'bool' | 'path' | 'word' | 'context' | 'mode' | 'list';

export interface KeySpec {
  readonly kind: ValueKind;
  /** Allowed words, for kind 'word'. */
  readonly values?: readonly string[];
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
}

export interface BootScript {
  readonly file: string;
  readonly directives: readonly Directive[];
  readonly processes: readonly ProcessBlock[];
}

const onOff = { kind: 'bool', summary: 'on or off' } as const;

export const DIRECTIVE_SPECS: Readonly<Record<string, DirectiveSpec>> = {
  disk: {
    positional: ['name'], repeatable: true, summary: 'disk NAME [image=PATH] [create=SIZE] [block-size=N] [model=NAME|FILE.json] [sched=fcfs|sstf|look|clook]',
    keys: {
      image: { kind: 'path', summary: 'image file (in memory when absent)' },
      create: { kind: 'size', summary: 'make a fresh image of this size (and a file system on it)' },
      size: { kind: 'size', summary: 'size of an in-memory disk' },
      'block-size': { kind: 'int', summary: 'file system block size for create (1024 or 4096)' },
      inodes: { kind: 'int', summary: 'inode count for create' },
      model: { kind: 'path', summary: 'timing model: hp97560, ramdisk, or a JSON file' },
      sched: { kind: 'word', values: ['fcfs', 'sstf', 'look', 'clook'], summary: 'request scheduling policy' },
    },
  },
  fs: {
    positional: [], repeatable: false, words: ['readonly', 'trust-bitmaps', 'trust-links'], summary: 'fs root=DISK [cache=N] [robust=on|off] [elevator=on|off] [readonly] [trust-bitmaps] [trust-links]',
    keys: {
      root: { kind: 'word', summary: 'the disk holding the root file system' },
      cache: { kind: 'int', summary: 'buffer cache size in blocks' },
      robust: onOff,
      elevator: onOff,
      context: { kind: 'context', summary: 'mount-wide security context' },
    },
  },
  clock: {
    positional: [], repeatable: false, summary: 'clock mode=tickless|periodic [hz=N]',
    keys: {
      mode: { kind: 'word', values: ['tickless', 'periodic'], summary: 'clock-event mode' },
      hz: { kind: 'int', summary: 'tick rate in periodic mode' },
      guests: { kind: 'int', summary: 'guest kernels sharing this host timeline' },
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
    positional: [], repeatable: false, summary: `sched policy=${POLICY_NAMES.join('|')}`,
    keys: {
      policy: { kind: 'word', values: POLICY_NAMES, summary: 'the SCHED server\'s policy for user processes (default minix)' },
    },
  },
  cpu: {
    positional: [], repeatable: false, summary: 'cpu [quantum=D] [ipc-cost=D] [context-switch=D]',
    keys: {
      quantum: { kind: 'duration', summary: 'scheduling quantum of user processes' },
      'ipc-cost': { kind: 'duration', summary: 'CPU time of one kernel call' },
      'context-switch': { kind: 'duration', summary: 'CPU time of a context switch' },
    },
  },
  fault: {
    positional: ['target'], repeatable: true,
    words: ['read-error', 'write-error', 'torn-write', 'kill-driver', 'crash-driver', 'drop-reply'],
    summary: 'fault TARGET KIND [block=N] [at=D] [nth=N] | fault DISK crash-after-writes=N',
    keys: {
      block: { kind: 'list', summary: 'block number(s), comma-separated' },
      at: { kind: 'duration', summary: 'virtual time of the fault' },
      nth: { kind: 'int', summary: 'on the Nth request' },
      'crash-after-writes': { kind: 'int', summary: 'power cut after N writes' },
      count: { kind: 'int', summary: 'how many times' },
    },
  },
};

export const PROCESS_KEYS: Readonly<Record<string, KeySpec>> = {
  uid: { kind: 'int', summary: 'user id' },
  gid: { kind: 'int', summary: 'group id' },
  context: { kind: 'context', summary: 'security context user:role:type' },
  priority: { kind: 'int', summary: 'best scheduling queue 0..15 (users default 7); below 7 needs root' },
  quantum: { kind: 'duration', summary: 'scheduling quantum (needs root)' },
};
