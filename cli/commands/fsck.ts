/*
 * `mksim fsck IMAGE [--repair]`: check a MINIX V3 image (bitmaps, link
 * counts, zone ownership, directory structure); --repair fixes what it can
 * and writes the image back. Exit 0 clean (or all repaired), 1 problems left.
 *   register(program)   the subcommand
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkImage } from '../../servers/fs/tools/fsck.js';
import { OperationError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('fsck')
    .description('check a MINIX V3 image; --repair fixes what it can')
    .argument('<image>', 'image file')
    .option('--repair', 'fix the problems found and write the image back')
    .action((image: string, opts: { repair?: boolean }) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(image);
      } catch (err) {
        throw new OperationError(`cannot read ${image}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const report = checkImage(bytes, { repair: opts.repair === true });
      if (report.fatal !== null) throw new OperationError(`${image}: ${report.fatal}`);
      for (const p of report.problems) process.stdout.write(`${image}: ${p}\n`);
      if (report.modified) writeFileSync(image, bytes);
      process.stdout.write(`${image}: ${report.directories} directories, ${report.files} files, ${report.inodesUsed} inodes and ${report.zonesUsed} zones in use`
        + (report.problems.length === 0 ? ', clean\n' : `, ${report.repaired} problems repaired\n`));
      if (report.unrepaired > 0) process.exitCode = 1;
    });
}
