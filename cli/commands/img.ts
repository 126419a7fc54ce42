/*
 * `mksim img ls|cat|stat|mkdir|rm IMAGE:/PATH`, `mksim img cp SRC DST` and
 * `mksim img label IMAGE:/PATH [CONTEXT]`: each boots a small system (a disk
 * actor on the image, the FS server, one user process; for label also the
 * security server) and does its work through FS messages. `--trace FILE`
 * writes the run's trace as JSONL. ls, cat, stat and cp from an image open
 * it O_RDONLY and mount it read-only: they cannot write a byte (docs/fs.md).
 *   register(program)              the subcommands
 *   runOnImage(image, body, opts, config)  boot, run one client generator, sync, write back (config.readOnly: nothing written)
 *   streamFile(fs, path, out, opts) a file's bytes in bounded chunks, after checking i_size against s_max_size and its zones
 *   memoryDiskProgram(bytes, onWrite)   the disk actor: the device protocol over the image in memory
 * memoryDiskProgram is a minimal disk actor over bytes in memory (tests and
 * the fs benchmark use it); the commands run the real driver on the file.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { packagePath } from '../package-root.js';
import type { Command } from 'commander';
import {
  ANY, EINVAL, errnoName, hardwareOf, Kernel, kernelCall, receive, send, sendrec, systemPrivileges, userPrivileges,
  attachJsonlSink, type Envelope, type KernelCall, type Message, type Program,
} from '../../kernel/index.js';
import type { DevReply, DevRequest } from '../../drivers/disk/protocol.js';
import { isDir, S_IFLNK, S_IFMT } from '../../servers/fs/layout.js';
import { diskDriver, type DiskProgram } from '../../drivers/disk/main.js';
import { fsServer, type FsConfig } from '../../servers/fs/main.js';
import { securityServer } from '../../servers/security/main.js';
import type { FsReply, FsRequest, FsStat } from '../../servers/fs/protocol.js';
import { lendBuffer, type BufferRequest } from '../../lib/syscalls/fs.js';
import { OperationError, UsageError } from '../errors.js';

export function memoryDiskProgram(bytes: Uint8Array, onWrite?: (position: number, data: Uint8Array) => void): Program {
  return function* (): Generator<KernelCall, void, any> {
    for (;;) {
      const m: Envelope<DevRequest> | number = yield receive(ANY);
      if (typeof m === 'number') continue;
      let reply: DevReply;
      switch (m.type) {
        case 'DEV_OPEN': case 'DEV_CLOSE': reply = { type: 'DEV_REPLY', status: 0 }; break;
        case 'DEV_IOCTL': reply = { type: 'DEV_REPLY', status: 0, data: { size: bytes.length } }; break;
        case 'DEV_GATHER': case 'DEV_SCATTER': {
          const write = m.type === 'DEV_SCATTER';
          const done = m.vector.map(() => 0);
          let status = 0;
          for (let i = 0; i < m.vector.length; i++) {
            const { position, grant, offset, bytes: n } = m.vector[i]!;
            if (!(position >= 0 && n >= 0 && position + n <= bytes.length)) { status = -EINVAL; break; }
            // The image is this actor's memory: the caller's grant is copied straight into or out of it.
            const r = (yield kernelCall(write ? 'sys_safecopyfrom' : 'sys_safecopyto', { owner: m.source, grant, offset: offset ?? 0, buffer: bytes, bufferOffset: position, bytes: n })) as number;
            if (r < 0) { status = r; break; }
            if (write) onWrite?.(position, bytes.subarray(position, position + n));
            done[i] = n;
          }
          reply = { type: 'DEV_REPLY', status, done };
          break;
        }
        default: reply = { type: 'DEV_REPLY', status: -EINVAL };
      }
      yield send(m.source, reply);
    }
  };
}

export interface ImgOptions {
  trace?: string;
  cache?: string;
}

const isSymlink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;

/** Read-only commands: the driver opens the image O_RDONLY and the FS mounts it read-only. */
const READ_ONLY: Partial<FsConfig> = { readOnly: true };

/** A client's request (a read or write names its buffer: lent to FS by grant); a failure stops the command with the server's message. */
export type FsCall = (m: FsRequest | BufferRequest) => Generator<KernelCall, FsReply, any>;

export function splitImagePath(arg: string): { image: string; path: string } | null {
  const at = arg.indexOf(':/');
  if (at <= 0) return null;
  return { image: arg.slice(0, at), path: arg.slice(at + 1) };
}

/** A request whose failure is an answer, not an error: the reply, or null. */
function* fsTry(fs: FsCall, m: FsRequest): Generator<KernelCall, FsReply | null, any> {
  try {
    return yield* fs(m);
  } catch (err) {
    if (err instanceof OperationError) return null;
    throw err;
  }
}

function needImagePath(arg: string): { image: string; path: string } {
  const r = splitImagePath(arg);
  if (r === null) throw new UsageError(`expected IMAGE:/PATH, got '${arg}'`);
  return r;
}

/**
 * Boot disk + FS + one user process on an image file, run `body` as that
 * process, sync, and leave the image written through (every device write
 * reaches the file in order).
 */
export function runOnImage<T>(image: string, body: (fs: FsCall) => Generator<KernelCall, T, any>, opts: ImgOptions = {}, config: Partial<FsConfig> = {}, policyPath?: string): T {
  // The real disk driver on the image file (ramdisk timing: an image tool wants no seek model);
  // writes reach the file in order as they happen.
  const kernel = new Kernel({ seed: 1 });
  let disk: DiskProgram;
  try {
    disk = diskDriver({ name: 'disk0', image, model: 'ramdisk', readOnly: config.readOnly === true }, hardwareOf(kernel));
  } catch (err) {
    throw new OperationError(`cannot open image ${image}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sink = opts.trace === undefined ? null : attachJsonlSink(kernel.trace, opts.trace);
  try {
    kernel.spawn({ name: 'disk0', priority: 1, privileges: systemPrivileges(), program: disk });
    const fsEp = kernel.spawn({ name: 'fs', priority: 4, privileges: systemPrivileges(), program: fsServer({ driver: 'disk0', ...config }) }).endpoint;
    if (policyPath !== undefined) {
      // Labels need the policy (to validate contexts and compute defaults). An administrator's
      // relabelling tool: permissive, so every valid label can be set; denials are only logged.
      let program;
      try {
        program = securityServer({ policyPath, mode: 'permissive' });
      } catch (err) {
        if (err instanceof Error && (err as { userFacing?: boolean }).userFacing === true) throw new UsageError(err.message);
        throw new OperationError(`cannot read policy ${policyPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      kernel.spawn({ name: 'security', priority: 4, privileges: systemPrivileges(), program });
    }
    const fsCall: FsCall = function* (m) {
      const r: Envelope<FsReply> | number = 'buffer' in m
        ? yield* lendBuffer(fsEp, m as BufferRequest, function* (g) { return (yield sendrec(fsEp, g as Message)) as Envelope<FsReply> | number; })
        : yield sendrec(fsEp, m as Message);
      if (typeof r === 'number') throw new OperationError(`${image}: the FS server did not answer (${errnoName(r)})`);
      if (r.status < 0) {
        const path = 'path' in m ? `:${m.path}` : '';
        throw new OperationError(`${image}${path}: ${errnoName(r.status)}${r.message ? `: ${r.message}` : ''}`);
      }
      return r;
    };
    let result: { value: T } | null = null;
    let failure: unknown = null;
    kernel.spawn({
      name: 'img', priority: 7, privileges: userPrivileges(),
      program: function* () {
        try {
          const value = yield* body(fsCall);
          yield* fsCall({ type: 'FS_SYNC' });
          result = { value };
        } catch (err) {
          failure = err;
        }
      },
    });
    kernel.run();
    if (failure !== null) throw failure;
    if (result === null) throw new OperationError(`${image}: the command did not finish`);
    return (result as { value: T }).value;
  } finally {
    sink?.close();
    disk.disk.image.close();
  }
}

const CHUNK_BYTES = 64 * 1024;

export interface StreamOptions {
  /** Print a file whose i_size runs past its last zone anyway (the tail reads as zeros). */
  readonly trustSize?: boolean;
}

/**
 * The size to read from a file, checked: i_size beyond the file system's maximum (s_max_size)
 * is corruption, and so is a size past the block of its last data zone (a hole at the end:
 * MINIX would read it as zeros; a truncate that grew a file makes one too, so trustSize lets it through).
 */
function* checkedSize(fs: FsCall, image: string, path: string, opts: StreamOptions): Generator<KernelCall, number, any> {
  const st = (yield* fs({ type: 'FS_STAT', path })).stat!;
  if (isDir(st.mode)) throw new OperationError(`${image}:${path}: is a directory`);
  const sfs = (yield* fs({ type: 'FS_STATFS' })).statfs!;
  if (st.size > sfs.maxFileBytes) {
    throw new OperationError(`${image}:${path}: corrupt inode ${st.ino}: i_size ${st.size} is beyond the maximum file size ${sfs.maxFileBytes} (s_max_size)`);
  }
  const mappedBytes = ((st.lastBlock ?? -1) + 1) * sfs.blockSize;
  if (st.size > mappedBytes && opts.trustSize !== true) {
    throw new OperationError(`${image}:${path}: corrupt inode ${st.ino}: i_size ${st.size} runs past its last data zone`
      + ` (${st.lastBlock === -1 ? 'it has none' : `file block ${st.lastBlock} ends at byte ${mappedBytes}`}); --trust-size prints the tail as zeros`);
  }
  return st.size;
}

/** A file's bytes, CHUNK_BYTES at a time, to `out` (memory stays bounded whatever the size). */
export function* streamFile(fs: FsCall, image: string, path: string, out: (chunk: Uint8Array) => void, opts: StreamOptions = {}): Generator<KernelCall, number, any> {
  const size = yield* checkedSize(fs, image, path, opts);
  const buffer = new Uint8Array(Math.min(size, CHUNK_BYTES));
  for (let pos = 0; pos < size; pos += CHUNK_BYTES) {
    const chunk = buffer.subarray(0, Math.min(CHUNK_BYTES, size - pos));
    const n = (yield* fs({ type: 'FS_READ', path, position: pos, buffer: chunk })).status;
    if (n !== chunk.length) throw new OperationError(`${image}:${path}: short read at byte ${pos} (${n} of ${chunk.length}): the file changed or is corrupt`);
    out(chunk);
  }
  return size;
}

/** The whole file in memory (img cp between images); its size is checked first. */
export function* readWhole(fs: FsCall, path: string, image = 'image', opts: StreamOptions = {}): Generator<KernelCall, Uint8Array, any> {
  const parts: Uint8Array[] = [];
  yield* streamFile(fs, image, path, (chunk) => parts.push(chunk.slice()), opts);
  return Buffer.concat(parts);
}

/** The reader closed its end (`mksim img cat ... | head`): stop quietly. */
class OutputClosed extends Error {}

/** Bound on consecutive EAGAIN waits (10 ms each) on a non-blocking stdout that does not drain. */
const MAX_OUTPUT_WAITS = 6000;

/**
 * Write to a descriptor at once (writeSync: the simulation runs synchronously, so a stream's
 * buffered writes and its EPIPE would only surface after the whole file). EPIPE stops the command.
 */
function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0, waits = 0; off < data.length;) {
    try {
      off += writeSync(fd, data, off, data.length - off);
      waits = 0;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new OutputClosed('output closed');
      if (code !== 'EAGAIN' || ++waits > MAX_OUTPUT_WAITS) throw new OperationError(`cannot write the output: ${code ?? String(err)}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

export function* writeWhole(fs: FsCall, path: string, data: Uint8Array, mode = 0o644): Generator<KernelCall, void, any> {
  yield* fs({ type: 'FS_CREATE', path, mode, truncate: true });
  for (let pos = 0; pos < data.length; pos += CHUNK_BYTES) {
    yield* fs({ type: 'FS_WRITE', path, position: pos, buffer: data.subarray(pos, Math.min(data.length, pos + CHUNK_BYTES)) });
  }
}

const TYPE_CHAR: Readonly<Record<number, string>> = { 0o040000: 'd', 0o100000: '-', 0o120000: 'l', 0o020000: 'c', 0o060000: 'b', 0o010000: 'p', 0o140000: 's' };

export function modeString(mode: number): string {
  let s = TYPE_CHAR[mode & 0o170000] ?? '?';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (mode >> shift) & 7;
    s += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  return s;
}

function statLines(path: string, st: FsStat): string {
  return [
    `  File: ${path}`,
    `  Size: ${st.size}  Zones: ${st.zones}  Inode: ${st.ino}  Links: ${st.nlinks}`,
    `Access: (${(st.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(st.mode)})  Uid: ${st.uid}  Gid: ${st.gid}  Mode: 0${st.mode.toString(8)}`,
    `Access: ${st.atime}  Modify: ${st.mtime}  Change: ${st.ctime}`,
  ].join('\n') + '\n';
}

function withTrace(cmd: Command): Command {
  return cmd.option('--trace <file>', 'write the run\'s trace as JSONL').option('--cache <buffers>', 'buffer cache size');
}

function fsConfigOf(opts: ImgOptions): Partial<FsConfig> {
  if (opts.cache === undefined) return {};
  const n = Number(opts.cache);
  if (!Number.isSafeInteger(n) || n < 4) throw new UsageError(`--cache must be an integer >= 4, got '${opts.cache}'`);
  return { cacheBuffers: n };
}

/** The policy `img label` uses unless --policy names another: the package's base policy. */
export const DEFAULT_POLICY = packagePath('examples', 'policy', 'base.conf');

export function register(program: Command): void {
  const img = program.command('img').description('work on a MINIX V3 image through a booted FS server');
  withTrace(img.command('ls').argument('<image:/path>').description('list a directory')).action((arg: string, opts: ImgOptions) => {
    const { image, path } = needImagePath(arg);
    const lines = runOnImage(image, function* (fs) {
      // As ls: a link named on the command line is followed if it can be; entries are lstat'ed,
      // so a dangling symbolic link is listed, with its target.
      const linkNote = function* (p: string, st: FsStat): Generator<KernelCall, string, any> {
        return isSymlink(st.mode) ? ` -> ${(yield* fs({ type: 'FS_READLINK', path: p })).link!}` : '';
      };
      let st = (yield* fs({ type: 'FS_LSTAT', path })).stat!;
      if (isSymlink(st.mode)) st = (yield* fsTry(fs, { type: 'FS_STAT', path }))?.stat ?? st;
      if (!isDir(st.mode)) return [`${modeString(st.mode)} ${st.nlinks} ${st.uid} ${st.gid} ${st.size} ${path}${yield* linkNote(path, st)}`];
      const out: string[] = [];
      for (let index = 0; index >= 0;) {
        const r = yield* fs({ type: 'FS_GETDENTS', path, index, count: 64 });
        for (const e of r.entries!) {
          const entryPath = `${path.replace(/\/$/, '')}/${e.name}`;
          const es = (yield* fs({ type: 'FS_LSTAT', path: entryPath })).stat!;
          out.push(`${modeString(es.mode)} ${String(es.nlinks).padStart(3)} ${String(es.uid).padStart(5)} ${String(es.gid).padStart(5)} ${String(es.size).padStart(10)} ${e.name}${yield* linkNote(entryPath, es)}`);
        }
        index = r.next!;
      }
      return out;
    }, opts, { ...fsConfigOf(opts), ...READ_ONLY });
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  });
  withTrace(img.command('cat').argument('<image:/path>').description('print a file')
    .option('--trust-size', 'print a file whose size runs past its last zone (the tail as zeros)'))
    .action((arg: string, opts: ImgOptions & StreamOptions) => {
      const { image, path } = needImagePath(arg);
      try {
        runOnImage(image, (fs) => streamFile(fs, image, path, (chunk) => writeAll(1, chunk), opts), opts, { ...fsConfigOf(opts), ...READ_ONLY });
      } catch (err) {
        if (!(err instanceof OutputClosed)) throw err;
      }
    });
  withTrace(img.command('stat').argument('<image:/path>').description('show an inode')).action((arg: string, opts: ImgOptions) => {
    const { image, path } = needImagePath(arg);
    const st = runOnImage(image, function* (fs) { return (yield* fs({ type: 'FS_STAT', path })).stat!; }, opts, { ...fsConfigOf(opts), ...READ_ONLY });
    process.stdout.write(statLines(path, st));
  });
  withTrace(img.command('mkdir').argument('<image:/path>').option('--mode <octal>', 'permissions', '755').description('make a directory'))
    .action((arg: string, opts: ImgOptions & { mode: string }) => {
      const { image, path } = needImagePath(arg);
      if (!/^[0-7]{1,4}$/.test(opts.mode)) throw new UsageError(`--mode must be octal, got '${opts.mode}'`);
      runOnImage(image, function* (fs) { yield* fs({ type: 'FS_MKDIR', path, mode: parseInt(opts.mode, 8) }); }, opts, fsConfigOf(opts));
    });
  withTrace(img.command('rm').argument('<image:/path>').description('remove a file or an empty directory')).action((arg: string, opts: ImgOptions) => {
    const { image, path } = needImagePath(arg);
    runOnImage(image, function* (fs) {
      const st = (yield* fs({ type: 'FS_STAT', path })).stat!;
      yield* fs({ type: isDir(st.mode) ? 'FS_RMDIR' : 'FS_UNLINK', path });
    }, opts, fsConfigOf(opts));
  });
  withTrace(img.command('label').argument('<image:/path>').argument('[context]')
    .option('--policy <file>', 'policy.conf that validates contexts (default: examples/policy/base.conf)')
    .description('print the security.selinux label of a file, or set it to CONTEXT'))
    .action((arg: string, context: string | undefined, opts: ImgOptions & { policy?: string }) => {
      const { image, path } = needImagePath(arg);
      const label = runOnImage(image, function* (fs) {
        if (context !== undefined) yield* fs({ type: 'FS_SETFILECON', path, context });
        const r = yield* fs({ type: 'FS_GETFILECON', path });
        return (r as FsReply & { context?: string }).context ?? '';
      }, opts, fsConfigOf(opts), opts.policy ?? DEFAULT_POLICY);
      process.stdout.write(`${path} ${label}\n`);
    });
  withTrace(img.command('cp').argument('<src>').argument('<dst>').description('copy a file; either side may be IMAGE:/PATH'))
    .action((src: string, dst: string, opts: ImgOptions) => {
      const from = splitImagePath(src);
      const to = splitImagePath(dst);
      if (from !== null && to === null) {
        // Image to host: streamed in bounded chunks from a read-only mount.
        let fd: number;
        try { fd = openSync(dst, 'w'); } catch (err) { throw new OperationError(`cannot write ${dst}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`); }
        try {
          runOnImage(from.image, (fs) => streamFile(fs, from.image, from.path, (chunk) => writeAll(fd, chunk)), opts, { ...fsConfigOf(opts), ...READ_ONLY });
        } finally {
          closeSync(fd);
        }
        return;
      }
      let data: Uint8Array;
      if (from === null) {
        try { data = readFileSync(src); } catch (err) { throw new OperationError(`cannot read ${src}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`); }
      } else {
        data = runOnImage(from.image, (fs) => readWhole(fs, from.path, from.image), { ...opts, trace: undefined }, { ...fsConfigOf(opts), ...READ_ONLY });
      }
      if (to === null) writeFileSync(dst, data);
      else runOnImage(to.image, (fs) => writeWhole(fs, to.path, data), opts, fsConfigOf(opts));
    });
}
