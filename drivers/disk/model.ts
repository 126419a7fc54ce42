/*
 * Disk timing models as data: the geometry and the numbers of the timing
 * model, in the shape a user writes in a JSON file.
 *   DiskModel                  RotatingModel (a moving-head disk) | SolidModel (no moving parts)
 *   BUILTIN_MODELS             hp97560 (Ruemmler & Wilkes 1994) and ramdisk
 *   parseModel(value, source)  check a JSON value and return it as a model; mistakes name source and field
 *   loadModel(spec)            a built-in name, a path to a .json file, or a model object
 *   capacityBytes(model)       bytes the geometry holds (Infinity for solid models)
 */
import { readFileSync } from 'node:fs';
import { fail } from './errors.js';

export interface SeekCurve {
  /** Seeks of up to this many cylinders follow the short curve, longer ones the linear one. */
  readonly kneeCylinders: number;
  /** Short seeks: aMs + bMs * sqrt(distance) milliseconds (the arm accelerates, then coasts). */
  readonly short: { readonly aMs: number; readonly bMs: number };
  /** Long seeks: cMs + eMs * distance milliseconds (the arm moves at full speed). */
  readonly long: { readonly cMs: number; readonly eMs: number };
}

export interface RotatingModel {
  readonly kind: 'rotating';
  readonly name: string;
  readonly cylinders: number;
  readonly heads: number;
  readonly sectorsPerTrack: number;
  readonly sectorBytes: number;
  /** Integer, so the platter's position is exact in integer ns arithmetic. */
  readonly rpm: number;
  readonly seek: SeekCurve;
  /** Command decoding and set-up, once per request. */
  readonly controllerOverheadMs: number;
}

export interface SolidModel {
  readonly kind: 'solid';
  readonly name: string;
  readonly sectorBytes: number;
  /** Fixed latency per request. */
  readonly latencyMs: number;
  readonly bytesPerSecond: number;
}

export type DiskModel = RotatingModel | SolidModel;

/** Ruemmler & Wilkes, "An introduction to disk drive modeling", IEEE Computer 1994, table 1. */
const HP97560: RotatingModel = {
  kind: 'rotating',
  name: 'hp97560',
  cylinders: 1962,
  heads: 19,
  sectorsPerTrack: 72,
  sectorBytes: 512,
  rpm: 4002,
  seek: { kneeCylinders: 383, short: { aMs: 3.24, bMs: 0.4 }, long: { cMs: 8.0, eMs: 0.008 } },
  controllerOverheadMs: 2.2,
};

/** Memory behind a driver: 10 µs per request and memcpy-like bandwidth. */
const RAMDISK: SolidModel = {
  kind: 'solid',
  name: 'ramdisk',
  sectorBytes: 512,
  latencyMs: 0.01,
  bytesPerSecond: 4_000_000_000,
};

export const BUILTIN_MODELS: ReadonlyMap<string, DiskModel> = new Map<string, DiskModel>([
  [HP97560.name, HP97560],
  [RAMDISK.name, RAMDISK],
]);

export function capacityBytes(model: DiskModel): number {
  if (model.kind === 'solid') return Infinity;
  return model.cylinders * model.heads * model.sectorsPerTrack * model.sectorBytes;
}

/** A built-in model's name, a JSON file's path, or a model object (checked). */
export function loadModel(spec: string | DiskModel): DiskModel {
  if (typeof spec !== 'string') return parseModel(spec, 'model');
  const builtin = BUILTIN_MODELS.get(spec);
  if (builtin !== undefined) return builtin;
  if (!spec.endsWith('.json')) {
    fail(`unknown disk model '${spec}': expected ${[...BUILTIN_MODELS.keys()].join(', ')} or a .json file`);
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    return fail(`cannot read disk model ${spec}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(`${spec}: not JSON: ${(err as Error).message}`);
  }
  return parseModel(value, spec);
}

/** Check a model read from JSON; every mistake names the source and the field. */
export function parseModel(value: unknown, source: string): DiskModel {
  const o = record(value, source, 'the model');
  const name = o.name;
  if (typeof name !== 'string' || name.length === 0) fail(`${source}: name must be a non-empty string`);
  const sectorBytes = positiveInt(o, 'sectorBytes', source);
  if ((sectorBytes & (sectorBytes - 1)) !== 0) fail(`${source}: sectorBytes must be a power of two, got ${sectorBytes}`);
  if (o.kind === 'solid') {
    return {
      kind: 'solid', name, sectorBytes,
      latencyMs: nonNegative(o, 'latencyMs', source),
      bytesPerSecond: positive(o, 'bytesPerSecond', source),
    };
  }
  if (o.kind !== 'rotating') fail(`${source}: kind must be 'rotating' or 'solid', got ${JSON.stringify(o.kind)}`);
  const seek = record(o.seek, source, 'seek');
  const short = record(seek.short, source, 'seek.short');
  const long = record(seek.long, source, 'seek.long');
  return {
    kind: 'rotating', name, sectorBytes,
    cylinders: positiveInt(o, 'cylinders', source),
    heads: positiveInt(o, 'heads', source),
    sectorsPerTrack: positiveInt(o, 'sectorsPerTrack', source),
    rpm: positiveInt(o, 'rpm', source),
    seek: {
      kneeCylinders: positiveInt(seek, 'kneeCylinders', source, 'seek.'),
      short: { aMs: nonNegative(short, 'aMs', source, 'seek.short.'), bMs: nonNegative(short, 'bMs', source, 'seek.short.') },
      long: { cMs: nonNegative(long, 'cMs', source, 'seek.long.'), eMs: nonNegative(long, 'eMs', source, 'seek.long.') },
    },
    controllerOverheadMs: nonNegative(o, 'controllerOverheadMs', source),
  };
}

type Fields = Readonly<Record<string, unknown>>;

function record(v: unknown, source: string, what: string): Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${source}: ${what} must be an object`);
  return v as Fields;
}

function positiveInt(o: Fields, key: string, source: string, prefix = ''): number {
  const v = o[key];
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v > 0)) fail(`${source}: ${prefix}${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function positive(o: Fields, key: string, source: string, prefix = ''): number {
  const v = o[key];
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(`${source}: ${prefix}${key} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function nonNegative(o: Fields, key: string, source: string, prefix = ''): number {
  const v = o[key];
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(`${source}: ${prefix}${key} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}
