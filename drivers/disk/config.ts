/*
 * A disk driver's configuration (the boot script's `disk` and `fault` lines)
 * and its resolution into the parts the driver runs on.
 *   DiskConfig           name, image or in-memory size, create size, block size, model, sched, faults, CPU cost
 *   DiskCpuCost          the driver's own CPU work per request, per interrupt and per KiB copied
 *   openDisk(config)     check the configuration, load the model, open or create the image -> OpenDisk
 * Mistakes (unknown model, missing image, image larger than the geometry)
 * are user-facing errors that name the disk and the cause.
 */
import { fail } from './errors.js';
import { checkFaults, type DiskFault } from './faults.js';
import { createFileImage, memoryImage, openFileImage, type DiskImage } from './image.js';
import { capacityBytes, loadModel, type DiskModel } from './model.js';
import { SCHED_POLICIES, type DiskScheduler, type SchedPolicy } from './queue.js';

export interface DiskCpuCost {
  /** Decoding and queueing a request. */
  readonly requestNs: number;
  /** Handling a completion interrupt and building the reply. */
  readonly interruptNs: number;
  /** Copying by the CPU (a RAM disk's memcpy); 0 for a DMA controller. */
  readonly copyNsPerKiB: number;
}

export interface DiskConfig {
  /** The driver process's name, e.g. disk0. */
  readonly name: string;
  /** An image file's path, or the bytes of an in-memory image; absent: a zeroed in-memory image. */
  readonly image?: string | Uint8Array;
  /** Make a fresh zeroed image of this many bytes (a file when `image` is a path, else in memory). */
  readonly createBytes?: number;
  /** Size of the in-memory image when neither `image` nor `createBytes` is given. */
  readonly sizeBytes?: number;
  /** The unit of block numbers in faults and `disk` trace records: the file system's block size. */
  readonly blockSize?: number;
  /** A built-in model's name, a .json file's path, or a model object. */
  readonly model?: string | DiskModel;
  /** A built-in's name, or a policy object (a student's, from `sched=FILE`). */
  readonly sched?: SchedPolicy | DiskScheduler;
  readonly faults?: readonly DiskFault[];
  readonly cpu?: Partial<DiskCpuCost>;
  /** Bound on queued requests; more get EAGAIN. */
  readonly queueLimit?: number;
  /** Open the image file O_RDONLY; every write request gets EROFS (read-only commands: mksim img ls, cat, stat). */
  readonly readOnly?: boolean;
}

export const DEFAULT_DISK_CPU: DiskCpuCost = { requestNs: 2_000, interruptNs: 1_000, copyNsPerKiB: 0 };
export const DEFAULT_DISK_BYTES = 16 * 1024 * 1024;
export const DEFAULT_BLOCK_SIZE = 1024;
/** MINIX's NR_IOREQS bounds a vector; a queue bound of the same size is ample for one FS. */
export const DEFAULT_QUEUE_LIMIT = 64;

export interface OpenDisk {
  readonly name: string;
  readonly model: DiskModel;
  readonly image: DiskImage;
  readonly blockSize: number;
  readonly sched: SchedPolicy | DiskScheduler;
  readonly faults: readonly DiskFault[];
  readonly cpu: DiskCpuCost;
  readonly queueLimit: number;
}

export function openDisk(config: DiskConfig): OpenDisk {
  const name = config.name;
  if (typeof name !== 'string' || name.length === 0) fail('disk: a name is required (e.g. disk0)');
  const model = loadModel(config.model ?? 'hp97560');
  const blockSize = config.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!(Number.isSafeInteger(blockSize) && blockSize >= model.sectorBytes && (blockSize & (blockSize - 1)) === 0)) {
    fail(`disk ${name}: block-size must be a power of two of at least the sector size ${model.sectorBytes}, got ${blockSize}`);
  }
  const sched = config.sched ?? 'fcfs';
  if (typeof sched === 'string' && !Object.hasOwn(SCHED_POLICIES, sched)) fail(`disk ${name}: sched must be one of ${Object.keys(SCHED_POLICIES).join(', ')}, got '${sched}'`);
  const faults = config.faults ?? [];
  checkFaults(faults, name);
  const cpu: DiskCpuCost = { ...DEFAULT_DISK_CPU, ...config.cpu };
  for (const [k, v] of Object.entries(cpu)) {
    if (!(Number.isSafeInteger(v) && v >= 0)) fail(`disk ${name}: cpu ${k} must be an integer >= 0 ns, got ${v}`);
  }
  const queueLimit = config.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  if (!(Number.isSafeInteger(queueLimit) && queueLimit > 0)) fail(`disk ${name}: queueLimit must be a positive integer, got ${queueLimit}`);
  const image = openImage(config);
  const capacity = capacityBytes(model);
  if (image.sizeBytes > capacity) {
    image.close();
    fail(`disk ${name}: image ${image.where} has ${image.sizeBytes} bytes, more than model ${model.name} holds (${capacity})`);
  }
  return { name, model, image, blockSize, sched, faults, cpu, queueLimit };
}

function openImage(config: DiskConfig): DiskImage {
  const { image, createBytes } = config;
  if (image instanceof Uint8Array) {
    if (createBytes !== undefined) fail(`disk ${config.name}: create= makes a new image; it cannot go with given image bytes`);
    return memoryImage(image);
  }
  if (typeof image === 'string') return createBytes !== undefined ? createFileImage(image, createBytes) : openFileImage(image, config.readOnly === true);
  return memoryImage(createBytes ?? config.sizeBytes ?? DEFAULT_DISK_BYTES);
}
