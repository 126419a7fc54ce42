/*
 * The disk's statistics, answered by DEV_IOCTL STATISTICS.
 *   DiskStats           counters kept by the driver and the device
 *   statsRecord(stats)  the counters as the ioctl's flat data record
 */

export class DiskStats {
  readsTotal = 0;
  writesTotal = 0;
  bytesReadTotal = 0;
  bytesWrittenTotal = 0;
  errorsTotal = 0;
  /** Mechanical operations (one per run of disk-contiguous vector elements). */
  opsTotal = 0;
  seekDistanceCylTotal = 0;
  seekNsTotal = 0;
  rotationNsTotal = 0;
  transferNsTotal = 0;
  overheadNsTotal = 0;
  /** From the start of a request on the mechanism to its completion interrupt. */
  busyNsTotal = 0;
  /** From arrival at the driver to the start on the mechanism. */
  queueWaitNsTotal = 0;
  queueDepthMax = 0;

  get requestsTotal(): number {
    return this.readsTotal + this.writesTotal;
  }
}

export function statsRecord(s: DiskStats): Record<string, number> {
  return {
    requests: s.requestsTotal,
    reads: s.readsTotal,
    writes: s.writesTotal,
    bytesRead: s.bytesReadTotal,
    bytesWritten: s.bytesWrittenTotal,
    errors: s.errorsTotal,
    ops: s.opsTotal,
    seekDistanceCyl: s.seekDistanceCylTotal,
    seekNs: s.seekNsTotal,
    rotationNs: s.rotationNsTotal,
    transferNs: s.transferNsTotal,
    overheadNs: s.overheadNsTotal,
    busyNs: s.busyNsTotal,
    queueWaitNs: s.queueWaitNsTotal,
    queueDepthMax: s.queueDepthMax,
  };
}
