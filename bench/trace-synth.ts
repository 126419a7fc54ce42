/*
 * A synthetic trace of any size, written straight to JSONL (no kernel run), for
 * the trace tools' size tests and `mksim bench trace`.
 *   writeSyntheticTrace(path, { messages, clients, seed })   -> { messages, records, bytes }
 * Each request is a client's READ to fs, a cache lookup, on a miss a DEV_READ to
 * disk with its disk and state records, and the replies; the clock's NOTIFY
 * reaches every client at one instant (zero-length events at one timestamp).
 * The shape is the fixture system's (test/cli/trace/fixture-system.ts), at a
 * speed that makes millions of messages in seconds. A seeded LCG: no Math.random.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface SyntheticOptions {
  /** Messages (send, notify and reply records) to write, at least. */
  readonly messages: number;
  readonly clients?: number;
  readonly seed?: number;
}

export interface SyntheticResult {
  readonly messages: number;
  readonly records: number;
  readonly bytes: number;
}

const FLUSH_CHARS = 1 << 20;

export function writeSyntheticTrace(path: string, options: SyntheticOptions): SyntheticResult {
  const clients = Array.from({ length: options.clients ?? 4 }, (_, i) => `user${i + 1}`);
  let rng = (options.seed ?? 1) >>> 0;
  const random = (n: number): number => {
    rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
    return rng % n;
  };
  const fd = openSync(path, 'w');
  let buf = '';
  let bytes = 0;
  let seq = 0;
  let t = 0;
  let id = 0;
  let messages = 0;
  let cyl = 0;
  const line = (fields: string): void => {
    buf += `{"seq":${++seq},"t":${t},${fields}}\n`;
    if (buf.length >= FLUSH_CHARS) {
      bytes += writeSync(fd, buf);
      buf = '';
    }
  };
  const msg = (ev: 'send' | 'notify' | 'reply', src: string, dst: string, type: string, cause: number | null, extra = ''): number => {
    const m = ++id;
    messages++;
    line(`"ev":"${ev}","id":${m},"src":"${src}","dst":"${dst}","type":"${type}","cause":${cause}${extra}`);
    return m;
  };
  const deliver = (m: number, src: string, dst: string, type: string, cause: number | null): void => {
    line(`"ev":"deliver","id":${m},"src":"${src}","dst":"${dst}","type":"${type}","cause":${cause}`);
  };
  const sched = (from: string | null, to: string): void => line(`"ev":"sched","from":${from === null ? null : `"${from}"`},"to":"${to}"`);
  try {
    line(`"ev":"header","format":"mksim-trace","version":1,"script":"bench/trace-synth.ts","seed":${options.seed ?? 1},"config":{"messages":${options.messages},"clients":${clients.length}}`);
    for (const p of ['clock', 'disk', 'fs', ...clients]) line(`"ev":"spawn","proc":"${p}"`);
    for (let round = 0; messages < options.messages; round++) {
      if (round % 16 === 0) {
        // The clock's tick reaches every client at one instant.
        for (const c of clients) {
          const n = msg('notify', 'clock', c, 'NOTIFY', null);
          deliver(n, 'clock', c, 'NOTIFY', null);
        }
      }
      const client = clients[random(clients.length)]!;
      const block = random(4096);
      sched('fs', client);
      t += 200;
      const req = msg('send', client, 'fs', 'READ', null, `,"msg":{"block":${block},"bytes":1024}`);
      deliver(req, client, 'fs', 'READ', null);
      t += 200;
      sched(client, 'fs');
      t += 5000;
      const hit = random(4) !== 0;
      line(`"ev":"cache","proc":"fs","op":"${hit ? 'hit' : 'miss'}","block":${block}`);
      if (!hit) {
        const dev = msg('send', 'fs', 'disk', 'DEV_READ', req, `,"msg":{"block":${block}}`);
        deliver(dev, 'fs', 'disk', 'DEV_READ', req);
        t += 200;
        const toCyl = block >> 6;
        const seekNs = Math.abs(toCyl - cyl) * 2000;
        line(`"ev":"disk","proc":"disk","device":"disk","op":"read","block":${block},"count":1,"fromCyl":${cyl},"toCyl":${toCyl},"seekNs":${seekNs},"rotNs":${random(150_000)},"xferNs":40000,"cause":${dev}`);
        line(`"ev":"state","proc":"disk","machine":"disk","from":"idle","to":"seeking","event":"REQUEST"`);
        cyl = toCyl;
        t += seekNs + 100_000;
        line(`"ev":"state","proc":"disk","machine":"disk","from":"seeking","to":"idle","event":"DONE"`);
        const devReply = msg('reply', 'disk', 'fs', 'DEV_REPLY', dev, `,"re":${dev},"msg":{"status":0}`);
        deliver(devReply, 'disk', 'fs', 'DEV_REPLY', dev);
        t += 200;
      }
      const rep = msg('reply', 'fs', client, 'READ_REPLY', req, `,"re":${req},"msg":{"bytes":1024}`);
      deliver(rep, 'fs', client, 'READ_REPLY', req);
      t += 1000 + random(5000);
    }
    bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return { messages, records: seq, bytes };
}
