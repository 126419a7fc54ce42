/*
 * `mksim mkfs IMAGE [--size BYTES] [--block-size 1024|4096] [--inodes N]`:
 * write an empty MINIX V3 file system to IMAGE (created or resized to
 * --size; without --size an existing file keeps its size).
 *   register(program)   the subcommand
 *   mkfsFile(path, options) -> the superblock written
 */
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { parseIntStrict, parseSizeBytes } from '../../lib/shell/values.js';
import type { Superblock } from '../../servers/fs/layout.js';
import { formatMetadata, planFileSystem } from '../../servers/fs/tools/mkfs.js';
import { OperationError, UsageError } from '../errors.js';

export interface MkfsCommandOptions {
  size?: string;
  blockSize?: string;
  inodes?: string;
}

export function mkfsFile(path: string, opts: MkfsCommandOptions): Superblock {
  const sizeBytes = opts.size === undefined ? null : parseSizeBytes(opts.size);
  if (opts.size !== undefined && sizeBytes === null) throw new UsageError(`--size must be a byte count such as 4194304 or 16M, got '${opts.size}'`);
  const blockSize = opts.blockSize === undefined ? 1024 : parseIntStrict(opts.blockSize);
  if (blockSize === null) throw new UsageError(`--block-size must be an integer, got '${opts.blockSize}'`);
  const inodes = opts.inodes === undefined ? undefined : parseIntStrict(opts.inodes);
  if (inodes === null || (inodes !== undefined && inodes < 1)) throw new UsageError(`--inodes must be a positive integer, got '${opts.inodes}'`);
  let fd: number;
  try {
    fd = openSync(path, sizeBytes === null ? 'r+' : 'w+');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new OperationError(sizeBytes === null && code === 'ENOENT'
      ? `${path} does not exist: give --size to create it`
      : `cannot open ${path}: ${code}`);
  }
  try {
    const size = sizeBytes ?? fstatSync(fd).size;
    const plan = planFileSystem({ sizeBytes: size, blockSize, inodes });
    if (sizeBytes !== null) ftruncateSync(fd, sizeBytes);
    const meta = formatMetadata(plan);
    writeSync(fd, meta, 0, meta.length, 0);
    return plan.sb;
  } finally {
    closeSync(fd);
  }
}

export function register(program: Command): void {
  program
    .command('mkfs')
    .description('make an empty MINIX V3 file system on an image file')
    .argument('<image>', 'image file (created with --size)')
    .option('--size <bytes>', 'image size, e.g. 16M (default: the existing file size)')
    .option('--block-size <bytes>', 'block size: 1024 (what fsck.minix checks) or 4096 (MINIX 3 default)', '1024')
    .option('--inodes <n>', 'number of inodes (default: a third of the blocks, as mkfs.minix)')
    .action((image: string, opts: MkfsCommandOptions) => {
      const sb = mkfsFile(image, opts);
      process.stdout.write(`${image}: ${sb.ninodes} inodes, ${sb.zones} blocks of ${sb.blockSize} bytes, first data zone ${sb.firstDataZone}\n`);
    });
}
