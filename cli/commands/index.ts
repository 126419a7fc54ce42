/*
 * The subcommand modules: each exports register(program: Command).
 * Add a line here for a new subcommand module.
 */
import type { Command } from 'commander';
import * as boot from './boot.js';
import * as bench from './bench.js';
import * as mkfs from './mkfs.js';
import * as fsck from './fsck.js';
import * as img from './img.js';
import * as trace from './trace.js';
import * as policy from './policy.js';
import * as audit2allow from './audit2allow.js';
import * as clock from './clock.js';
import * as crashtest from './crashtest.js';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: readonly CommandModule[] = [boot, bench, mkfs, fsck, img, trace, policy, audit2allow, clock, crashtest];
