/*
 * `trace export --format perfetto`: Perfetto's protobuf TracePacket stream, decoded
 * by a reference decoder (protoc, Debian's protobuf-compiler) against Perfetto's
 * published perfetto_trace.proto (test/fixtures/perfetto).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '../../../cli/commands/trace.js';
import { ProtoWriter } from '../../../cli/trace/protobuf.js';
import { collectOutput, FIXTURES } from './helpers.js';
import { decodePerfetto, type TextMessage } from './textproto.js';

const HAVE_PROTOC = spawnSync('protoc', ['--version']).status === 0;
const SMALL = join(FIXTURES, 'small.jsonl');

async function exportBytes(path: string, format: string): Promise<Buffer> {
  const out = collectOutput();
  await exportTrace(path, { format }, out);
  return out.bytes();
}

const one = (m: TextMessage, f: string): string | undefined => m[f]?.[0] as string | undefined;
const sub = (m: TextMessage, f: string): TextMessage | undefined => m[f]?.[0] as TextMessage | undefined;

describe('ProtoWriter (the wire format)', () => {
  it('writes varints, negative int64, doubles, fixed64 and strings as the spec says', () => {
    const w = new ProtoWriter();
    w.varint(1, 300);
    w.int64(2, -1);
    w.fixed64(3, 2 ** 40 + 5);
    w.double(4, 1.5);
    w.string(5, 'é');
    expect(Buffer.from(w.finish()).toString('hex')).toBe(
      '08ac02' + '10ffffffffffffffffff01' + '190500000000010000' + '21000000000000f83f' + '2a02c3a9');
  });

  it('a nested message of 128 bytes or more gets a two-byte length', () => {
    const w = new ProtoWriter();
    w.message(1, (m) => m.string(2, 'x'.repeat(200)));
    w.varint(3, 7);
    const bytes = Buffer.from(w.finish());
    // 0a, length 203 = cb 01, then 12 c8 01 and the 200 x's, then 18 07.
    expect(bytes.subarray(0, 6).toString('hex')).toBe('0acb0112c801');
    expect(bytes.length).toBe(3 + 203 + 2);
    expect(bytes.subarray(-2).toString('hex')).toBe('1807');
  });
});

describe.skipIf(!HAVE_PROTOC)('mksim trace export --format perfetto (decoded by protoc with Perfetto\'s .proto)', () => {
  it('is a Trace of TracePackets: tracks for actors, slices, flows for every delivered message, counters', async () => {
    const bytes = await exportBytes(SMALL, 'perfetto');
    const { text, trace } = decodePerfetto(bytes);
    // A field number or wire type the schema does not have would print as a bare number.
    expect(text).not.toMatch(/^\s*\d+[:{ ]/m);
    const packets = trace.packet as TextMessage[];
    expect(packets.length).toBeGreaterThan(200);
    for (const p of packets) expect(one(p, 'trusted_packet_sequence_id')).toBe('1');
    expect(one(packets[0]!, 'sequence_flags')).toBe('1');

    const tracks = new Map<string, TextMessage>();
    for (const p of packets) {
      const d = sub(p, 'track_descriptor');
      if (d !== undefined) tracks.set(one(d, 'uuid')!, d);
    }
    const names = [...tracks.values()].map((d) => one(d, 'name') ?? one(sub(d, 'process')!, 'process_name'));
    expect(names).toEqual(expect.arrayContaining(['mksim', 'cpu', 'clock', 'disk', 'fs', 'alice', 'bob', 'hardware', 'buffer cache hit ratio', 'disk head cylinder']));

    const events = packets.filter((p) => p.track_event !== undefined).map((p) => ({ ts: Number(one(p, 'timestamp')), e: sub(p, 'track_event')! }));
    for (const { e } of events) expect(tracks.has(one(e, 'track_uuid')!)).toBe(true);
    // 60 messages, all delivered: one flow out and one in for each.
    const outs = events.flatMap(({ e }) => (e.flow_ids ?? []) as string[]);
    const ins = events.flatMap(({ e }) => (e.terminating_flow_ids ?? []) as string[]);
    expect(outs.length).toBe(60);
    expect(new Set(outs).size).toBe(60);
    expect([...ins].sort()).toEqual([...outs].sort());

    // Timestamps in ns: alice sends the first READ at 600 ns, with its payload as an annotation.
    const read = events.find(({ e }) => one(e, 'name') === 'send READ')!;
    expect(read.ts).toBe(600);
    expect(one(read.e, 'type')).toBe('TYPE_INSTANT');
    const msg = (read.e.debug_annotations as TextMessage[]).find((a) => one(a, 'name') === 'msg')!;
    expect(JSON.parse(one(msg, 'legacy_json_value')!)).toEqual({ block: 14, bytes: 1024 });

    // Slices balance on every track and never end before they begin.
    const open = new Map<string, number[]>();
    for (const { ts, e } of events) {
      const track = one(e, 'track_uuid')!;
      if (one(e, 'type') === 'TYPE_SLICE_BEGIN') (open.get(track) ?? open.set(track, []).get(track)!).push(ts);
      if (one(e, 'type') === 'TYPE_SLICE_END') {
        const began = open.get(track)?.pop();
        expect(began).toBeDefined();
        expect(ts).toBeGreaterThanOrEqual(began!);
      }
    }
    for (const stack of open.values()) expect(stack).toEqual([]);
    // fs handling READ #1: from its delivery at 600 ns to its reply at 236,151 ns.
    const fsUuid = [...tracks.entries()].find(([, d]) => one(d, 'name') === 'fs')![0];
    const fsSlices = events.filter(({ e }) => one(e, 'track_uuid') === fsUuid && one(e, 'type')!.startsWith('TYPE_SLICE'));
    expect(fsSlices[0]!.ts).toBe(600);
    expect(fsSlices[1]!.ts).toBe(236_151);

    const counters = events.filter(({ e }) => one(e, 'type') === 'TYPE_COUNTER');
    const diskUuid = [...tracks.entries()].find(([, d]) => one(d, 'name') === 'disk head cylinder')![0];
    expect(counters.filter(({ e }) => one(e, 'track_uuid') === diskUuid).length).toBe(20);
    for (const { e } of counters) expect(tracks.get(one(e, 'track_uuid')!)!.counter).toBeDefined();
  });

  it('is smaller than the Chrome JSON of the same trace', async () => {
    const proto = await exportBytes(SMALL, 'perfetto');
    const json = await exportBytes(SMALL, 'chrome');
    expect(proto.length).toBeLessThan(json.length * 0.7);
  });
});
