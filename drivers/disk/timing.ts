/*
 * The timing model: where a sector is and how long the mechanism takes to
 * reach and move it, in integer virtual nanoseconds.
 *   seekNs(model, distanceCyl)           Ruemmler-Wilkes: a + b*sqrt(d) up to the knee, c + e*d beyond, 0 for d = 0
 *   cylinderOf(model, sector)            the cylinder holding a sector (LBA order: sector, head, cylinder)
 *   rotationNs(model, atNs, sector)      wait until the sector's start passes under the head (platter phase from virtual time)
 *   transferNs(model, sectors)           time to read or write that many consecutive sectors
 *   overheadNs(model)                    the controller's (or a solid disk's) fixed cost per request
 */
import type { DiskModel, RotatingModel } from './model.js';

const NS_PER_MS = 1_000_000;
const NS_PER_MINUTE = 60_000_000_000n;

export function seekNs(model: DiskModel, distanceCyl: number): number {
  if (model.kind === 'solid' || distanceCyl === 0) return 0;
  const d = Math.abs(distanceCyl);
  const { kneeCylinders, short, long } = model.seek;
  const ms = d <= kneeCylinders ? short.aMs + short.bMs * Math.sqrt(d) : long.cMs + long.eMs * d;
  return Math.round(ms * NS_PER_MS);
}

export function cylinderOf(model: DiskModel, sector: number): number {
  if (model.kind === 'solid') return 0;
  return Math.floor(sector / (model.heads * model.sectorsPerTrack));
}

/**
 * The platter turns at rpm from time 0, sector 0 of every track at phase 0
 * (no track skew). Phases are kept in units of 1/(rpm * spt) ns so the
 * arithmetic is exact: a revolution is NS_PER_MINUTE * spt units. BigInt,
 * because t * rpm * spt passes 2^53 after about 30 s of virtual time.
 */
export function rotationNs(model: DiskModel, atNs: number, sector: number): number {
  if (model.kind === 'solid') return 0;
  const spt = BigInt(model.sectorsPerTrack);
  const revolution = NS_PER_MINUTE * spt;
  const phase = (BigInt(atNs) * BigInt(model.rpm) * spt) % revolution;
  const target = BigInt(sector % model.sectorsPerTrack) * NS_PER_MINUTE;
  const wait = (((target - phase) % revolution) + revolution) % revolution;
  return ceilDiv(wait, BigInt(model.rpm) * spt);
}

export function transferNs(model: DiskModel, sectors: number): number {
  if (model.kind === 'solid') return Math.ceil((sectors * model.sectorBytes * 1e9) / model.bytesPerSecond);
  return ceilDiv(BigInt(sectors) * NS_PER_MINUTE, BigInt(model.rpm) * BigInt(model.sectorsPerTrack));
}

export function overheadNs(model: DiskModel): number {
  return Math.round((model.kind === 'solid' ? model.latencyMs : model.controllerOverheadMs) * NS_PER_MS);
}

/** One revolution in ns (not an integer in general), for tests and docs. */
export function revolutionNs(model: RotatingModel): number {
  return 60e9 / model.rpm;
}

function ceilDiv(a: bigint, b: bigint): number {
  return Number((a + b - 1n) / b);
}
