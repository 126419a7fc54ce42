/*
 * Every lab `mksim lab` runs, in the order it lists them: one entry per lab.
 *   LABS          the table; a new lab is a file in cli/lab/ and one line here
 *   labNamed(n)   the entry, or undefined
 */
import { bufferCacheLab } from './buffer-cache.js';
import { crashConsistencyLab } from './crash-consistency.js';
import { elevatorLab } from './elevator.js';
import { selinuxLab } from './selinux.js';
import { signalLatencyLab } from './signal-latency.js';
import { tickVsTicklessLab } from './tick-vs-tickless.js';
import { virtualMemoryLab } from './virtual-memory.js';
import type { LabSpec } from './types.js';
import { labeledNetworkingLab } from './labeled-networking.js';

export const LABS: readonly LabSpec[] = [
  bufferCacheLab,
  crashConsistencyLab,
  elevatorLab,
  selinuxLab,
  signalLatencyLab,
  tickVsTicklessLab,
  virtualMemoryLab,
  labeledNetworkingLab,
];

export function labNamed(name: string): LabSpec | undefined {
  return LABS.find((l) => l.name === name);
}
