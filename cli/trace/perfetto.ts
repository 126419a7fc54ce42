/*
 * Export to Perfetto's native trace format: a stream of TracePacket protobufs
 * (protos/perfetto/trace/trace_packet.proto in google/perfetto), written as it reads.
 *   PerfettoExport(write)   add(rec) for each record, then finish(); write(bytes) gets whole packets, ~64 KiB at a time
 *   PERFETTO_FIELDS         the field numbers used, from Perfetto's published .proto files
 * Layout: a process track "mksim" (a run of several hosts: one process track per
 * host, named for it, since each host is a machine with its own kernel); under it
 * a track per actor (a TrackDescriptor when first seen), a `cpu` track of who
 * runs, and counter tracks for the buffer cache's and the AVC's hit ratios and the
 * disk head's cylinder. Message ids are per host (each kernel numbers its own), so
 * a flow id is the id plus the host's number times HOST_FLOW_SPAN. Handling a
 * message is a slice (SLICE_BEGIN at delivery, SLICE_END at the handler's last
 * action); a send, notify or reply is an instant carrying the message id in
 * flow_ids, and its delivery carries it in terminating_flow_ids: Perfetto draws
 * the arrow. Other records are instants with their fields as debug annotations.
 * Nothing waits for a later record, so memory stays bounded; zero-length events
 * of one actor at one instant go to child tracks (cli/trace/lanes.ts).
 */
import type { MessageRecord, TraceRecord } from '../../kernel/index.js';
import { extraFields } from './format.js';
import { HitWindow } from './hit-window.js';
import { MAX_SAME_INSTANT_LANES, SameInstantLanes } from './lanes.js';
import { ProtoWriter } from './protobuf.js';
import { hostOf, instantName, INSTANT_SKIPPED_EVS, isMessage, onHost, ownerOf } from './records.js';
import { isAvcCacheRecord } from './stats.js';

/** Field numbers (perfetto.protos.*), each as the .proto declares it. */
export const PERFETTO_FIELDS = {
  trace: { packet: 1 },
  packet: { timestamp: 8, trustedPacketSequenceId: 10, trackEvent: 11, sequenceFlags: 13, trackDescriptor: 60 },
  track: { uuid: 1, name: 2, process: 3, parentUuid: 5, counter: 8, childOrdering: 11, siblingOrderRank: 12 },
  process: { pid: 1, processName: 6 },
  trackEvent: { debugAnnotations: 4, type: 9, trackUuid: 11, categories: 22, name: 23, doubleCounterValue: 44, flowIds: 47, terminatingFlowIds: 48 },
  debug: { boolValue: 2, intValue: 4, doubleValue: 5, stringValue: 6, legacyJsonValue: 9, name: 10 },
} as const;
const F = PERFETTO_FIELDS;
const TYPE_SLICE_BEGIN = 1;
const TYPE_SLICE_END = 2;
const TYPE_INSTANT = 3;
const TYPE_COUNTER = 4;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
/** TrackDescriptor.ChildTracksOrdering.EXPLICIT: children sorted by sibling_order_rank. */
const ORDER_EXPLICIT = 3;
const SEQUENCE_ID = 1;
/** Packets gathered before they go to write(). */
const FLUSH_BYTES = 1 << 16;
/** Per host h (0 for a run of one): its process track and pid, its cpu and counter tracks (hostUuid(h, k)). */
const PROCESS_K = 1;
const CPU_K = 2;
const COUNTER_KS = { buffer: 3, avc: 4, disk: 5 } as const;
const HOST_UUID_BASE = 2 ** 45;
/** Message ids stay below this (2^32), so flow ids of different hosts never meet. */
const HOST_FLOW_SPAN = 2 ** 32;
/** Host 0 keeps the uuids 1..5 of a run of one host; others sit far above the actors' tracks. */
function hostUuid(h: number, k: number): number {
  return h === 0 ? k : HOST_UUID_BASE + h * 8 + k;
}
/** Actor tracks: uuid ACTOR_UUID_BASE + order * LANE_SPAN + lane. */
const ACTOR_UUID_BASE = 1000;
const LANE_SPAN = 1 << 10;


interface Track {
  readonly name: string;
  readonly uuid: number;
  lanes: number;
  /** Open handling slice: its start, and the latest action inside it. */
  handling: boolean;
  lastActionNs: number;
}

type Annotation = readonly [string, unknown];

/** One machine's tracks and state: a run without hosts has one, named mksim. */
interface Host {
  readonly nr: number;
  readonly processUuid: number;
  readonly cpuUuid: number;
  readonly counterUuids: { readonly buffer: number; readonly avc: number; readonly disk: number };
  readonly ratios: { readonly buffer: HitWindow; readonly avc: HitWindow };
  cpuRunning: string | null;
}

/** Bound on the hosts of a run (each gets a process track). */
const MAX_HOSTS = 4096;

export class PerfettoExport {
  private readonly w = new ProtoWriter();
  private readonly tracks = new Map<string, Track>();
  private readonly replyIds = new Set<number>();
  private readonly lanes = new SameInstantLanes();
  private readonly hosts = new Map<string, Host>();
  private lastNs = 0;
  private first = true;
  private finished = false;

  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  /** The record's machine: its host's process track, described when first seen. */
  private host(rec: TraceRecord): Host {
    const name = hostOf(rec) ?? '';
    let h = this.hosts.get(name);
    if (h !== undefined) return h;
    if (this.hosts.size >= MAX_HOSTS) return this.hosts.values().next().value as Host;
    const nr = this.hosts.size;
    h = { nr, processUuid: hostUuid(nr, PROCESS_K), cpuUuid: hostUuid(nr, CPU_K),
      counterUuids: { buffer: hostUuid(nr, COUNTER_KS.buffer), avc: hostUuid(nr, COUNTER_KS.avc), disk: hostUuid(nr, COUNTER_KS.disk) },
      ratios: { buffer: new HitWindow(), avc: new HitWindow() }, cpuRunning: null };
    this.hosts.set(name, h);
    this.describe(h.processUuid, null, name === '' ? 'mksim' : name, nr, nr + 1);
    this.describe(h.cpuUuid, h.processUuid, 'cpu', 0);
    this.describe(h.counterUuids.buffer, h.processUuid, 'buffer cache hit ratio', 1, null, true);
    this.describe(h.counterUuids.avc, h.processUuid, 'AVC hit ratio', 2, null, true);
    this.describe(h.counterUuids.disk, h.processUuid, 'disk head cylinder', 3, null, true);
    return h;
  }

  /** One TracePacket, framed as Trace.packet so the file is a valid Trace message. */
  private packet(timestampNs: number | null, body: (w: ProtoWriter) => void): void {
    const w = this.w;
    w.message(F.trace.packet, (p) => {
      if (timestampNs !== null) p.varint(F.packet.timestamp, timestampNs);
      p.varint(F.packet.trustedPacketSequenceId, SEQUENCE_ID);
      if (this.first) p.varint(F.packet.sequenceFlags, SEQ_INCREMENTAL_STATE_CLEARED);
      this.first = false;
      body(p);
    });
    if (w.length >= FLUSH_BYTES) this.write(w.finish());
  }

  /** A track; with a pid, a process track (a host). */
  private describe(uuid: number, parent: number | null, name: string, rank: number, pid: number | null = null, counter = false): void {
    this.packet(null, (p) => p.message(F.packet.trackDescriptor, (t) => {
      t.varint(F.track.uuid, uuid);
      if (parent !== null) t.varint(F.track.parentUuid, parent);
      if (pid !== null) {
        t.message(F.track.process, (d) => {
          d.varint(F.process.pid, pid);
          d.string(F.process.processName, name);
        });
      } else t.string(F.track.name, name);
      if (counter) t.message(F.track.counter, () => {});
      t.varint(F.track.childOrdering, ORDER_EXPLICIT);
      t.int64(F.track.siblingOrderRank, rank);
    }));
  }

  private event(ns: number, trackUuid: number, type: number, name: string | null, extra?: (e: ProtoWriter) => void): void {
    this.packet(ns, (p) => p.message(F.packet.trackEvent, (e) => {
      e.varint(F.trackEvent.type, type);
      e.varint(F.trackEvent.trackUuid, trackUuid);
      if (name !== null) e.string(F.trackEvent.name, name);
      extra?.(e);
    }));
  }

  /** An actor's track, under its host's process track (named without the host: the group says it). */
  private track(rec: TraceRecord, actor: string): Track {
    const key = onHost(rec, actor);
    let t = this.tracks.get(key);
    if (t === undefined) {
      const order = this.tracks.size + 1;
      t = { name: actor, uuid: ACTOR_UUID_BASE + order * LANE_SPAN, lanes: 1, handling: false, lastActionNs: 0 };
      this.tracks.set(key, t);
      // Rank after cpu and the counters, in order of first appearance.
      this.describe(t.uuid, this.host(rec).processUuid, actor, 10 + order);
    }
    return t;
  }

  /** The track for a zero-length event of t at ns: the actor's own, or a lane (child track) under it. */
  private zeroTrack(t: Track, ns: number): number {
    const lane = this.lanes.next(t.uuid, ns);
    while (t.lanes <= lane) {
      this.describe(t.uuid + t.lanes, t.uuid, `${t.name} ·${t.lanes + 1}`, t.lanes);
      t.lanes++;
    }
    return t.uuid + lane;
  }

  /**
   * A zero-length event: an instant, except on an actor's last lane (more events at one
   * instant than lanes), where it is a slice that begins and ends at once: Perfetto pops
   * a finished zero-length slice when a slice begins at the same instant, where instants
   * stack (SliceTracker::MaybeCloseStack).
   */
  private zero(t: Track, ns: number, name: string, body: (e: ProtoWriter) => void): void {
    const track = this.zeroTrack(t, ns);
    if (track - t.uuid < MAX_SAME_INSTANT_LANES - 1) {
      this.event(ns, track, TYPE_INSTANT, name, body);
      return;
    }
    this.event(ns, track, TYPE_SLICE_BEGIN, name, body);
    this.event(ns, track, TYPE_SLICE_END, null);
  }

  private act(t: Track, ns: number): void {
    if (ns > t.lastActionNs) t.lastActionNs = ns;
  }

  private close(t: Track): void {
    if (!t.handling) return;
    t.handling = false;
    this.event(t.lastActionNs, t.uuid, TYPE_SLICE_END, null);
  }

  add(rec: TraceRecord): void {
    this.lastNs = rec.t;
    this.host(rec);
    if (rec.ev === 'header') return;
    if (isMessage(rec)) {
      this.message(rec);
      return;
    }
    if (rec.ev === 'sched') this.schedule(rec);
    if (rec.ev === 'cache') this.cacheCounter(rec);
    if (rec.ev === 'disk') this.diskCounter(rec);
    if (INSTANT_SKIPPED_EVS.has(rec.ev)) return;
    const t = this.track(rec, ownerOf(rec) ?? 'kernel');
    this.act(t, rec.t);
    const name = instantName(rec);
    this.zero(t, rec.t, name, (e) => {
      e.string(F.trackEvent.categories, rec.ev);
      annotate(e, Object.entries(extraFields(rec)));
    });
    if (rec.ev === 'exit' || rec.ev === 'fault') this.close(t);
  }

  private message(rec: MessageRecord): void {
    const id = rec.id;
    const flowId = this.host(rec).nr * HOST_FLOW_SPAN + id;
    if (rec.ev === 'deliver') {
      const dst = this.track(rec, rec.dst);
      const annotations: Annotation[] = [['id', id], ['src', rec.src], ['cause', rec.cause]];
      if (this.replyIds.delete(flowId)) {
        // A reply ends the caller's sendrec: a mark inside what it was handling.
        this.act(dst, rec.t);
        this.zero(dst, rec.t, `got ${rec.type}`, (e) => {
          e.string(F.trackEvent.categories, 'reply');
          e.fixed64(F.trackEvent.terminatingFlowIds, flowId);
          annotate(e, annotations);
        });
        return;
      }
      this.close(dst);
      dst.handling = true;
      dst.lastActionNs = rec.t;
      this.event(rec.t, dst.uuid, TYPE_SLICE_BEGIN, rec.type, (e) => {
        e.string(F.trackEvent.categories, 'handle');
        e.fixed64(F.trackEvent.terminatingFlowIds, flowId);
        annotate(e, annotations);
      });
      return;
    }
    if (rec.ev === 'reply') {
      if (this.replyIds.size >= 1 << 16) this.replyIds.delete(this.replyIds.keys().next().value as number);
      this.replyIds.add(flowId);
    }
    const src = this.track(rec, rec.src);
    this.track(rec, rec.dst);
    this.act(src, rec.t);
    const annotations: Annotation[] = [['id', id], ['dst', rec.dst], ['cause', rec.cause]];
    if (rec.re !== undefined) annotations.push(['re', rec.re]);
    if (rec.msg !== undefined) annotations.push(['msg', rec.msg]);
    this.zero(src, rec.t, `${rec.ev} ${rec.type}`, (e) => {
      e.string(F.trackEvent.categories, rec.ev);
      e.fixed64(F.trackEvent.flowIds, flowId);
      annotate(e, annotations);
    });
  }

  /** Each host has its own CPU. */
  private schedule(rec: TraceRecord): void {
    const h = this.host(rec);
    if (h.cpuRunning !== null) this.event(rec.t, h.cpuUuid, TYPE_SLICE_END, null);
    h.cpuRunning = typeof rec.to === 'string' ? rec.to : null;
    if (h.cpuRunning !== null) this.event(rec.t, h.cpuUuid, TYPE_SLICE_BEGIN, h.cpuRunning, (e) => e.string(F.trackEvent.categories, 'cpu'));
  }

  private counter(ns: number, uuid: number, value: number): void {
    this.event(ns, uuid, TYPE_COUNTER, null, (e) => e.double(F.trackEvent.doubleCounterValue, value));
  }

  private cacheCounter(rec: TraceRecord): void {
    if (rec.op !== 'hit' && rec.op !== 'miss') return;
    const avc = isAvcCacheRecord(rec);
    const h = this.host(rec);
    const ratio = (avc ? h.ratios.avc : h.ratios.buffer).add(rec.op === 'hit');
    this.counter(rec.t, avc ? h.counterUuids.avc : h.counterUuids.buffer, ratio);
  }

  private diskCounter(rec: TraceRecord): void {
    if (typeof rec.fromCyl !== 'number' || typeof rec.toCyl !== 'number') return;
    const seekNs = typeof rec.seekNs === 'number' ? rec.seekNs : 0;
    const disk = this.host(rec).counterUuids.disk;
    this.counter(rec.t, disk, rec.fromCyl);
    this.counter(rec.t + seekNs, disk, rec.toCyl);
  }

  /** Close the slices still open. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.tracks.values()) this.close(t);
    for (const h of this.hosts.values()) {
      if (h.cpuRunning !== null) this.event(this.lastNs, h.cpuUuid, TYPE_SLICE_END, null);
      h.cpuRunning = null;
    }
    if (this.w.length > 0) this.write(this.w.finish());
  }
}

/** Fields as DebugAnnotations: numbers, strings and booleans as such, anything else as JSON. */
function annotate(e: ProtoWriter, fields: Iterable<Annotation>): void {
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    e.message(F.trackEvent.debugAnnotations, (a) => {
      a.string(F.debug.name, name);
      if (typeof value === 'string') a.string(F.debug.stringValue, value);
      else if (typeof value === 'boolean') a.bool(F.debug.boolValue, value);
      else if (typeof value === 'number' && Number.isSafeInteger(value)) a.int64(F.debug.intValue, value);
      else if (typeof value === 'number') a.double(F.debug.doubleValue, value);
      else a.string(F.debug.legacyJsonValue, JSON.stringify(value) ?? 'null');
    });
  }
}
