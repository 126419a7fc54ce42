/*
 * Socket calls from boot scripts (issue 16): datagrams, and the errors a
 * call gives (refused, in use, privileged port, not a socket), checked with
 * `expect`; the commands' parse errors at file:line:column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../cli/boot/parse.js';
import { bootScript } from '../../cli/commands/boot.js';
import { ParseError } from '../../lib/parse-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-sockets-'));

function boot(text: string): { code: number; stdout: string[]; stderr: string[] } {
  const path = join(dir, 's.boot');
  writeFileSync(path, text);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, { seed: '3' }, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr };
}

const twoHosts = (server: string[], client: string[], link = 'link a b latency=1ms'): string => [
  'host b addr=10.0.0.2',
  '    process srv uid=0',
  ...server.map((l) => '        ' + l),
  'host a addr=10.0.0.1',
  '    process cli uid=1000',
  ...client.map((l) => '        ' + l),
  link,
].join('\n');

describe('socket commands', () => {
  it('datagrams go both ways with their sender', () => {
    const r = boot(twoHosts(
      ['udp 53 as u', 'recvfrom u 100', 'sendto u 10.0.0.1:4000 "answer"'],
      ['udp 4000 as u', 'sleep 20ms', 'sendto u 10.0.0.2:53 "question"', 'recvfrom u 100'],
    ));
    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(r.stdout).toEqual(['b/srv: from 10.0.0.1:4000: question', 'a/cli: from 10.0.0.2:53: answer']);
  });

  it('give the errors POSIX names: refused, in use, privileged port, not a socket, not connected', () => {
    const r = boot(twoHosts(
      [
        'listen 8080 as l',
        'expect EADDRINUSE listen 8080 as l2',
        'write /f "x"',
        'open f /f',
        'expect ENOTSOCK recv f 10',
        'expect ENOTSOCK getpeercon f',
        'udp 0 as u',
        'expect EDESTADDRREQ send u "x"',
        'accept l as c',
        'recv c 10',
        'recv c 10',
        'expect ok close c',
      ],
      [
        'expect EACCES listen 80 as l',
        'sleep 30ms',
        'expect ECONNREFUSED connect 10.0.0.2:9999 as s',
        'connect 10.0.0.2:8080 as s',
        'send s "hi"',
        'close s',
      ],
    ));
    expect(r.code, r.stdout.join('\n') + r.stderr.join('\n')).toBe(0);
    expect(r.stdout).toEqual(['b/srv: hi']);
    expect(r.stderr.at(-1)).toMatch(/2 processes exited, 7 expectations held/);
  });

  it('a host with no link has no INET: socket calls fail with ENOSYS', () => {
    const r = boot('disk disk0 create=1M model=ramdisk\nprocess p uid=0\n    expect ENOSYS listen 80 as l\n');
    expect(r.code).toBe(0);
  });

  it('report malformed socket commands at file:line:column', () => {
    const cases: [string, number, RegExp][] = [
      ['process p\n    connect 10.0.0.2 as s', 13, /address and port/],
      ['process p\n    listen 80 s', 15, /the word 'as'/],
      ['process p\n    listen 70000 as s', 12, /not a port/],
      ['process p\n    send s', 11, /TEXT or --bytes/],
    ];
    for (const [text, column, message] of cases) {
      let err: ParseError | null = null;
      try { parseBootScript(text, 'x.boot'); } catch (e) { if (e instanceof ParseError) err = e; else throw e; }
      expect(err, text).not.toBeNull();
      expect([err!.where.line, err!.where.column], text).toEqual([2, column]);
      expect(err!.message, text).toMatch(message);
    }
  });
});
