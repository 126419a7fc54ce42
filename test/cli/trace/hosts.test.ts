/*
 * The trace tools on a real run of two hosts (examples/network.boot, booted here with
 * --trace): each host is a group of tracks (a Perfetto process track, a Chrome pid),
 * message ids (each kernel numbers its own) never tie one host's send to the other's
 * delivery, and --actor takes host/actor.
 */
import { describe, expect, it } from 'vitest';
import { bootNetwork } from './boot-trace.js';
import { exportTrace, viewTrace } from '../../../cli/commands/trace.js';
import type { ChromeEvent } from '../../../cli/trace/chrome.js';
import { collectOutput } from './helpers.js';
import { decodePerfetto, type TextMessage } from './textproto.js';
import { spawnSync } from 'node:child_process';

const HAVE_PROTOC = spawnSync('protoc', ['--version']).status === 0;
const one = (m: TextMessage, f: string): string | undefined => m[f]?.[0] as string | undefined;
const sub = (m: TextMessage, f: string): TextMessage | undefined => m[f]?.[0] as TextMessage | undefined;

describe('trace tools on a run of two hosts', () => {
  const { path, records } = bootNetwork();
  const delivered = records.filter((r) => r.ev === 'deliver').length;
  // The point of the test: both kernels use the same message ids.
  const idsOf = (host: string): Set<number> => new Set(records.filter((r) => r.ev === 'send' && r.host === host).map((r) => r.id as number));
  const shared = [...idsOf('client')].filter((id) => idsOf('server').has(id));

  it('the two hosts reuse message ids (what the exports must keep apart)', () => {
    expect(shared.length).toBeGreaterThan(5);
  });

  it.skipIf(!HAVE_PROTOC)('Perfetto protobuf: a process track per host, its actors under it, one flow per delivered message', async () => {
    const out = collectOutput();
    await exportTrace(path, { format: 'perfetto' }, out);
    const packets = decodePerfetto(out.bytes()).trace.packet as TextMessage[];
    const tracks = packets.map((p) => sub(p, 'track_descriptor')).filter((d): d is TextMessage => d !== undefined);
    const processes = tracks.filter((d) => d.process !== undefined);
    expect(processes.map((d) => one(sub(d, 'process')!, 'process_name')).sort()).toEqual(['client', 'server']);
    expect(new Set(processes.map((d) => one(sub(d, 'process')!, 'pid'))).size).toBe(2);
    const hostOfUuid = new Map(processes.map((d) => [one(d, 'uuid')!, one(sub(d, 'process')!, 'process_name')!]));
    const childrenOf = (host: string): string[] => tracks.filter((d) => hostOfUuid.get(one(d, 'parent_uuid') ?? '') === host).map((d) => one(d, 'name')!);
    const client = childrenOf('client');
    const server = childrenOf('server');
    expect(client).toEqual(expect.arrayContaining(['cpu', 'browser', 'fs', 'pm', 'inet']));
    expect(client).not.toContain('httpd');
    expect(server).toEqual(expect.arrayContaining(['cpu', 'httpd', 'fs', 'pm', 'inet', 'disk0', 'disk head cylinder']));
    expect(server).not.toContain('browser');
    // Each host's track names are its own actors, once each.
    expect(new Set(client).size).toBe(client.length);

    const events = packets.map((p) => sub(p, 'track_event')).filter((e): e is TextMessage => e !== undefined);
    const outs = events.flatMap((e) => (e.flow_ids ?? []) as string[]);
    const ins = events.flatMap((e) => (e.terminating_flow_ids ?? []) as string[]);
    expect(ins.length).toBe(delivered);
    expect(new Set(outs).size).toBe(outs.length);
    expect(new Set(ins).size).toBe(ins.length);
    expect([...ins].sort()).toEqual([...outs].sort());
    // A flow starts and ends on tracks of one host.
    const parentOf = new Map(tracks.map((d) => [one(d, 'uuid')!, one(d, 'parent_uuid') ?? '']));
    const hostOfTrack = (uuid: string): string | undefined => {
      for (let u = uuid, n = 0; n < 8; u = parentOf.get(u) ?? '', n++) if (hostOfUuid.has(u)) return hostOfUuid.get(u);
      return undefined;
    };
    const flowHost = new Map<string, string>();
    for (const e of events) for (const f of (e.flow_ids ?? []) as string[]) flowHost.set(f, hostOfTrack(one(e, 'track_uuid')!)!);
    for (const e of events) for (const f of (e.terminating_flow_ids ?? []) as string[]) expect(hostOfTrack(one(e, 'track_uuid')!)).toBe(flowHost.get(f));
  });

  it('Chrome JSON: a pid per host, actors as its threads, each arrow within one host', async () => {
    const out = collectOutput();
    await exportTrace(path, { format: 'chrome' }, out);
    const events = (JSON.parse(out.text()) as { traceEvents: ChromeEvent[] }).traceEvents;
    const procs = events.filter((e) => e.name === 'process_name');
    expect(procs.map((e) => (e.args as { name: string }).name).sort()).toEqual(['client', 'server']);
    const pidOf = new Map(procs.map((e) => [(e.args as { name: string }).name, e.pid]));
    const threads = events.filter((e) => e.name === 'thread_name');
    const threadPid = new Map(threads.map((e) => [e.tid!, e.pid]));
    expect(threadPid.size).toBe(threads.length);
    const names = (pid: number): string[] => threads.filter((e) => e.pid === pid).map((e) => (e.args as { name: string }).name);
    expect(names(pidOf.get('client')!)).toEqual(expect.arrayContaining(['cpu', 'browser', 'fs', 'inet']));
    expect(names(pidOf.get('client')!)).not.toContain('httpd');
    expect(names(pidOf.get('server')!)).toEqual(expect.arrayContaining(['cpu', 'httpd', 'fs', 'inet']));
    for (const e of events) if (e.tid !== undefined && e.ph !== 'M') expect(threadPid.get(e.tid)).toBe(e.pid);
    const flowOut = events.filter((e) => e.flow_out === true);
    const flowIn = events.filter((e) => e.flow_in === true);
    expect(flowIn.length).toBe(delivered);
    expect(new Set(flowOut.map((e) => e.bind_id)).size).toBe(flowOut.length);
    const outPid = new Map(flowOut.map((e) => [e.bind_id, e.pid]));
    for (const e of flowIn) expect(outPid.get(e.bind_id)).toBe(e.pid);
  });

  it('--actor host/actor picks one host\'s actor; a bare name every host\'s; a wrong host lists host/actor names', async () => {
    const view = async (actor: string): Promise<string[]> => {
      const out = collectOutput();
      await viewTrace(path, { actor: [actor], wrap: false }, out);
      return out.text().trim().split('\n');
    };
    const browser = await view('client/browser');
    expect(browser.length).toBeGreaterThan(5);
    for (const l of browser) expect(l).toContain('client/browser');
    const clientFs = await view('client/fs');
    expect(clientFs.some((l) => l.includes('server/'))).toBe(false);
    const anyFs = await view('fs');
    expect(anyFs.some((l) => l.includes('server/fs'))).toBe(true);
    expect(anyFs.some((l) => l.includes('client/fs'))).toBe(true);
    await expect(view('server/browser')).rejects.toThrow(/--actor server\/browser: no such actor .*client\/browser, .*server\/httpd/);
  });
});
