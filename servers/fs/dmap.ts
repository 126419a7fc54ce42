/*
 * The device table, as MINIX's dmap: major device number -> the driver that
 * serves it. The FS mounts its root device through it, and opening a block
 * or character special file needs its major here (ENXIO otherwise).
 *   DeviceTable.register(major, driverName, endpoint)   an entry
 *   DeviceTable.lookup(major)                            the entry or undefined
 *   majorOf(dev), minorOf(dev), ROOT_MAJOR               device numbers as MINIX encodes them
 */
import type { Endpoint } from '../../kernel/index.js';

/** MINIX's major for the first disk controller (c0d0). */
export const ROOT_MAJOR = 3;

export const majorOf = (dev: number): number => (dev >> 8) & 0xff;
export const minorOf = (dev: number): number => dev & 0xff;

export interface DeviceEntry {
  readonly major: number;
  readonly driver: string;
  readonly endpoint: Endpoint;
}

export class DeviceTable {
  private readonly entries = new Map<number, DeviceEntry>();

  register(major: number, driver: string, endpoint: Endpoint): void {
    this.entries.set(major, { major, driver, endpoint });
  }

  lookup(major: number): DeviceEntry | undefined {
    return this.entries.get(major);
  }

  list(): DeviceEntry[] {
    return [...this.entries.values()];
  }
}
