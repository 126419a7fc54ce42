/*
 * The kernel's public surface, for tasks, drivers, servers and lib/.
 */
export * from './call.js';
export * from './endpoint.js';
export * from './errno.js';
export * from './signal.js';
export * from './message.js';
export * from './priv.js';
export * from './random.js';
export * from './trace.js';
export { Kernel, DEFAULT_KERNEL_CONFIG } from './kernel.js';
export type { ActorContext, KernelConfig, Program, RunOutcome, SpawnOptions, KernelCallHandler } from './kernel.js';
export type { Proc } from './proc.js';
export { NR_SCHED_QUEUES, TASK_Q, USER_Q, IDLE_Q } from './run-queue.js';
export { loadImage } from './boot.js';
export { Cluster } from './cluster.js';
export type { ClusterHost } from './cluster.js';
export type { ImageEntry, SystemImage } from './boot.js';
export { registerSystemCalls } from './system.js';
export { CPF_READ, CPF_WRITE, MAX_GRANTS, SCPVEC_NR, copyCostNs } from './grant.js';
export type { GrantArgs, SafecopyArgs, VsafecopyElement } from './grant.js';
export { MAX_INLINE_BYTES, MAX_MESSAGE_DEPTH, MAX_MESSAGE_VALUES } from './copy.js';
export { SRV_DEATH_BIT } from './service.js';
export type { DeathReport, SrvStartArgs } from './service.js';
export { attachJsonlSink, serializeRecord } from './jsonl-sink.js';
export type { JsonlSink } from './jsonl-sink.js';
export type { PendingSignals } from './kernel.js';
export { hardwareOf, kernelTaskAccessOf } from './hardware.js';
export type { Hardware, KernelTaskAccess } from './hardware.js';
export type { GetinfoRequest, ProcInfo } from './getinfo.js';
export { SystemLog, MAX_LOG_ENTRIES, SYSTEM_CHANNEL } from './syslog.js';
export type { LogEntry, LogListener, Severity } from './syslog.js';
export type { TimedEvent } from './event-queue.js';
