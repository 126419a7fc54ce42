/*
 * Sockets and the life of their processes (issue 16's gaps): a process that
 * dies while INET makes a socket for it (socket, accept) leaves nothing behind
 * in INET, and a caught signal ends a blocking socket call with EINTR.
 * Races are hit by sweeping the moment of death over a few hundred ns.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-socklife-'));

interface Rec { ev: string; type?: string; host?: string; msg?: { op?: string; status?: number; sock?: number; proc?: number; endpoint?: number } }

function boot(text: string): { code: number; stdout: string[]; stderr: string[]; records: Rec[] } {
  const path = join(dir, 's.boot');
  const trace = join(dir, 't.jsonl');
  writeFileSync(path, text);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, { seed: '3', trace, until: '2s' }, (l) => stdout.push(l), (l) => stderr.push(l));
  const records = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
  return { code, stdout, stderr, records };
}

/** INET's messages on host `host`, in order. */
const inetTalk = (records: Rec[], host: string): Rec[] =>
  records.filter((r) => r.ev === 'send' && r.host === host && /^(INET_CALL|INET_DONE|INET_CLOSE|FS_PM_EXIT)$/.test(r.type ?? ''));

/** Sockets INET handed out (socket, accept) that no INET_CLOSE ever closed. */
function leaked(talk: Rec[]): number[] {
  const made = talk.filter((r) => r.type === 'INET_DONE' && (r.msg?.op === 'socket' || r.msg?.op === 'accept') && (r.msg?.status ?? -1) >= 0)
    .map((r) => r.msg!.status!);
  const closed = new Set(talk.filter((r) => r.type === 'INET_CLOSE').map((r) => r.msg!.sock!));
  return made.filter((s) => !closed.has(s));
}

/** Did the process's exit reach the FS after INET took its call `op` and before INET's answer? */
function diedMidCall(talk: Rec[], op: string): boolean {
  const done = talk.findIndex((r) => r.type === 'INET_DONE' && r.msg?.op === op);
  if (done < 0) return false;
  const proc = talk[done]!.msg!.proc;
  return talk.slice(0, done).some((r) => r.type === 'FS_PM_EXIT' && r.msg?.endpoint === proc);
}

describe('a process that dies during a socket call', () => {
  it('leaves no socket in INET when it dies while its socket is being made', () => {
    let raced = 0;
    for (let alarmNs = 1300; alarmNs <= 1900; alarmNs += 100) {
      const r = boot([
        'host a addr=10.0.0.1',
        '    process init uid=0',
        '        spawn srv',
        '        wait srv',
        '        udp 5000 as u2',
        '    process srv uid=0',
        `        alarm ${alarmNs}ns`,
        '        udp 5000 as u',
        '        pause',
        'host b addr=10.0.0.2',
        '    process x uid=0',
        '        echo x',
        'link a b latency=1ms',
      ].join('\n'));
      const talk = inetTalk(r.records, 'a');
      if (diedMidCall(talk, 'socket')) raced++;
      expect(r.stderr.join('\n'), `alarm ${alarmNs}ns`).toMatch(/srv ended with killed by SIGALRM/);
      expect(leaked(talk), `alarm ${alarmNs}ns`).toEqual([]);
    }
    // The sweep must hit the race at least once, or it tests nothing.
    expect(raced).toBeGreaterThan(0);
  });

  it('closes a connection whose accept completed after the process died: the peer sees the end', () => {
    let raced = 0;
    for (let alarmNs = 3_010_000; alarmNs <= 3_013_000; alarmNs += 500) {
      const r = boot([
        'host b addr=10.0.0.2',
        '    process srv uid=0',
        '        listen 8080 as l',
        `        alarm ${alarmNs}ns`,
        '        accept l as c',
        '        pause',
        'host a addr=10.0.0.1',
        '    process cli uid=0',
        '        connect 10.0.0.2:8080 as s',
        '        recv s 100',
        '        echo "end of stream"',
        'link a b latency=1ms',
      ].join('\n'));
      const talk = inetTalk(r.records, 'b');
      if (diedMidCall(talk, 'accept')) raced++;
      expect(leaked(talk), `alarm ${alarmNs}ns`).toEqual([]);
      // The peer hears a FIN (an accepted connection: recv returns 0) or a RST (the
      // listener closed before the handshake ended, as Linux's inet_csk_listen_stop), never silence.
      expect(r.stdout.at(-1), `alarm ${alarmNs}ns`).toBe('a/cli: end of stream');
      expect(r.stdout.slice(0, -1).every((l) => l === 'a/cli: recv: ECONNRESET'), `alarm ${alarmNs}ns`).toBe(true);
      expect(r.stderr.join('\n'), `alarm ${alarmNs}ns`).not.toMatch(/still blocked/);
    }
    expect(raced).toBeGreaterThan(0);
  });
});

describe('a caught signal during a blocking socket call', () => {
  it('ends recvfrom, accept, connect and recv with EINTR; the sockets still work after', () => {
    const r = boot([
      'host b addr=10.0.0.2',
      '    process init uid=0',
      '        spawn w',
      '        sleep 5ms',
      '        kill w SIGUSR1',
      '        sleep 5ms',
      '        kill w SIGUSR1',
      '        sleep 5ms',
      '        kill w SIGUSR1',
      '        sleep 30ms',
      '        kill w SIGUSR1',
      '        wait w',
      '    process w uid=0',
      '        trap SIGUSR1',
      '        udp 53 as u',
      '        expect EINTR recvfrom u 100',
      '        listen 8080 as l',
      '        expect EINTR accept l as c',
      '        expect EINTR connect 10.0.0.1:7 as s',
      '        sleep 10ms',
      '        connect 10.0.0.1:7 as s2',
      '        expect EINTR recv s2 10',
      '        recv s2 10',
      '        echo "w done"',
      'host a addr=10.0.0.1',
      '    process srv uid=0',
      '        listen 7 as l',
      // The interrupted connect's socket is closed by the shell (a RST ends that handshake): one accept.
      '        accept l as c',
      '        sleep 20ms',
      '        send c "late"',
      '        sleep 10ms',
      'link a b latency=5ms',
    ].join('\n'));
    expect(r.stderr.join('\n')).not.toMatch(/still blocked/);
    expect(r.code, r.stdout.join('\n') + r.stderr.join('\n')).toBe(0);
    // Each signal ran its handler and ended one call; the data sent after the last one is not lost.
    expect(r.stdout).toEqual([...Array<string>(4).fill('b/w: caught SIGUSR1'), 'b/w: late', 'b/w: w done']);
    expect(r.stderr.at(-1)).toMatch(/3 processes exited, 4 expectations held/);
  });
});
