/*
 * SELinux labeled networking (issue 16): every socket and association
 * permission INET checks, taken away one at a time, in enforcing mode (the
 * call fails and one AVC denial names it) and permissive mode (the exchange
 * completes and the same denial is logged with permissive=1); peer labels
 * (getpeercon) on both ends; portcon/nodecon/netifcon compiled as checkpolicy
 * does, and allow decisions on the socket classes equal to sesearch's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';
import { loadPolicy } from '../../servers/security/compile.js';
import { formatContext, parseContext, permNames } from '../../servers/security/policy.js';
import { computeAv, netContext } from '../../servers/security/services.js';
import { checkpolicy, realToolsMissing, sesearchBatch } from '../servers/security/realtools.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-labeled-'));
const BROWSERS = readFileSync('examples/policy/browsers.conf', 'utf8');

/** One rule a line, so that dropping a line takes away exactly one permission. */
const RULES: Readonly<Record<string, string>> = {
  'client tcp_socket create': 'allow internal_browser_t self:tcp_socket create;',
  'client tcp_socket connect': 'allow internal_browser_t self:tcp_socket connect;',
  'client tcp_socket name_connect': 'allow internal_browser_t http_port_t:tcp_socket name_connect;',
  'client tcp_socket send_msg': 'allow internal_browser_t http_port_t:tcp_socket send_msg;',
  'client tcp_socket recv_msg': 'allow internal_browser_t http_port_t:tcp_socket recv_msg;',
  'client association polmatch': 'allow internal_browser_t intranet_node_t:association polmatch;',
  'client association sendto': 'allow internal_browser_t self:association sendto;',
  'client association recvfrom': 'allow internal_browser_t intranet_httpd_t:association recvfrom;',
  'server tcp_socket create': 'allow intranet_httpd_t self:tcp_socket create;',
  'server tcp_socket bind': 'allow intranet_httpd_t self:tcp_socket bind;',
  'server tcp_socket name_bind': 'allow intranet_httpd_t http_port_t:tcp_socket name_bind;',
  'server tcp_socket listen': 'allow intranet_httpd_t self:tcp_socket listen;',
  'server tcp_socket accept': 'allow intranet_httpd_t self:tcp_socket accept;',
  'server tcp_socket send_msg': 'allow intranet_httpd_t port_t:tcp_socket send_msg;',
  'server tcp_socket recv_msg': 'allow intranet_httpd_t port_t:tcp_socket recv_msg;',
  'server association recvfrom': 'allow intranet_httpd_t internal_browser_t:association recvfrom;',
  // Interface and node (selinux_ip_postroute, selinux_inet_sys_rcv_skb): egress and sendto with the
  // sending socket as subject, ingress and recvfrom with the packet's peer label as subject.
  'client netif egress': 'allow internal_browser_t netif_t:netif egress;',
  'client node sendto': 'allow internal_browser_t intranet_node_t:node sendto;',
  'client netif ingress': 'allow intranet_httpd_t netif_t:netif ingress;',
  'client node recvfrom': 'allow intranet_httpd_t intranet_node_t:node recvfrom;',
  'server netif egress': 'allow intranet_httpd_t netif_t:netif egress;',
  'server node sendto': 'allow intranet_httpd_t workstation_node_t:node sendto;',
  'server netif ingress': 'allow internal_browser_t netif_t:netif ingress;',
  'server node recvfrom': 'allow internal_browser_t workstation_node_t:node recvfrom;',
};

/** What fails in enforcing mode without the rule. */
const FAILS: Readonly<Record<string, string>> = {
  'client tcp_socket create': 'desk/client: connect: EACCES',
  'client tcp_socket connect': 'desk/client: connect: EACCES',
  'client tcp_socket name_connect': 'desk/client: connect: EACCES',
  'client tcp_socket send_msg': 'desk/client: send: EACCES',
  'client tcp_socket recv_msg': 'desk/client: connect: ETIMEDOUT',
  'client association polmatch': 'desk/client: connect: EACCES',
  'client association sendto': 'desk/client: connect: EACCES',
  'client association recvfrom': 'desk/client: connect: ETIMEDOUT',
  'server tcp_socket create': 'intranet/web: listen: EACCES',
  'server tcp_socket bind': 'intranet/web: listen: EACCES',
  'server tcp_socket name_bind': 'intranet/web: listen: EACCES',
  'server tcp_socket listen': 'intranet/web: listen: EACCES',
  'server tcp_socket accept': 'intranet/web: accept: EACCES',
  'server tcp_socket send_msg': 'intranet/web: send: EACCES',
  'server tcp_socket recv_msg': 'desk/client: connect: ETIMEDOUT',
  'server association recvfrom': 'desk/client: connect: ETIMEDOUT',
  'client netif egress': 'desk/client: connect: EACCES',
  'client node sendto': 'desk/client: connect: EACCES',
  'client netif ingress': 'desk/client: connect: ETIMEDOUT',
  'client node recvfrom': 'desk/client: connect: ETIMEDOUT',
  'server netif egress': 'intranet/web: send: EACCES',
  'server node sendto': 'intranet/web: send: EACCES',
  'server netif ingress': 'desk/client: connect: ETIMEDOUT',
  'server node recvfrom': 'desk/client: connect: ETIMEDOUT',
};

/** browsers.conf with its networking rules replaced by RULES less `without`. */
function policy(without: string | null): string {
  const start = BROWSERS.indexOf('# Labeled networking.');
  const end = BROWSERS.indexOf('# Only the passwd domain');
  // Packets outside any labeled SA (INET's resets for closed ports) have the unlabeled context (selinux_xfrm_sock_rcv_skb).
  const rules = ['allow domain unlabeled_t:association recvfrom;', 'allow unlabeled_t netif_t:netif ingress;', 'allow unlabeled_t { intranet_node_t workstation_node_t }:node recvfrom;', ...Object.entries(RULES).filter(([k]) => k !== without).map(([, r]) => r)].join('\n');
  return BROWSERS.slice(0, start) + rules + '\n\n' + BROWSERS.slice(end);
}

function script(policyFile: string, mode: string): string {
  return [
    'host intranet addr=10.0.0.2',
    '    disk disk0 create=1M model=ramdisk',
    `    security policy=${policyFile} mode=${mode}`,
    '    process init uid=0 context=system_u:system_r:init_t',
    '        spawn web',
    '        wait web',
    '    process web context=system_u:system_r:intranet_httpd_t',
    '        listen 80 as srv',
    '        accept srv as c',
    '        recv c 100',
    '        getpeercon c',
    '        send c "200 OK"',
    'host desk addr=10.0.0.1',
    '    disk disk0 create=1M model=ramdisk',
    `    security policy=${policyFile} mode=${mode}`,
    '    process init uid=0 context=system_u:system_r:init_t',
    '        sleep 50ms',
    '        spawn client',
    '        wait client',
    '    process client uid=1000 context=system_u:system_r:internal_browser_t',
    '        connect 10.0.0.2:80 as s',
    '        send s "GET /"',
    '        recv s 100',
    '        getpeercon s',
    'link desk intranet latency=1ms',
  ].join('\n');
}

function run(without: string | null, mode: 'enforcing' | 'permissive', text = policy(without)) {
  const name = (without ?? 'all').replace(/ /g, '-');
  writeFileSync(join(dir, `${name}.conf`), text);
  const path = join(dir, `${name}-${mode}.boot`);
  writeFileSync(path, script(`${name}.conf`, mode));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, { seed: '1' }, (l) => stdout.push(l), (l) => stderr.push(l));
  const denials = stderr.filter((l) => l.startsWith('type=AVC')).map((l) => {
    const m = /denied {2}\{ (\S+) \} .* tclass=(\S+) permissive=(\d)/.exec(l);
    return m === null ? l : `${m[2]} ${m[1]} permissive=${m[3]}`;
  });
  return { code, stdout, denials };
}

const EXCHANGE = [
  'intranet/web: GET /',
  'intranet/web: c peer system_u:system_r:internal_browser_t',
  'desk/client: 200 OK',
  'desk/client: s peer system_u:system_r:intranet_httpd_t',
];

describe('labeled networking', () => {
  it('with every rule: the exchange completes, no denial, and each end sees the other\'s context', () => {
    const r = run(null, 'enforcing');
    expect(r.code, r.stdout.join('\n')).toBe(0);
    expect(r.denials).toEqual([]);
    expect(r.stdout).toEqual(EXCHANGE);
  });

  it('a policy without the netif and node classes checks neither (as handle_unknown=allow)', () => {
    const text = policy(null).split('\n').filter((l) => !/^class (node|netif)\b|:(node|netif) /.test(l)).join('\n');
    expect(text).not.toMatch(/class node|class netif/);
    const r = run('no-netif-node', 'enforcing', text);
    expect(r.code, r.stdout.join('\n')).toBe(0);
    expect(r.denials).toEqual([]);
    expect(r.stdout).toEqual(EXCHANGE);
  });

  for (const rule of Object.keys(RULES)) {
    const [, cls, perm] = rule.split(' ') as [string, string, string];
    it(`without ${rule}: enforcing denies it, permissive allows and logs it`, () => {
      const e = run(rule, 'enforcing');
      expect(e.code).toBe(1);
      expect(e.stdout).toContain(FAILS[rule]);
      expect(new Set(e.denials), e.denials.join(" / ") + " :: " + e.stdout.join(" / ")).toEqual(new Set([`${cls} ${perm} permissive=0`]));
      const p = run(rule, 'permissive');
      expect(p.code, p.stdout.join('\n')).toBe(0);
      expect(p.stdout).toEqual(EXCHANGE);
      expect(new Set(p.denials)).toEqual(new Set([`${cls} ${perm} permissive=1`]));
    });
  }
});

describe('network contexts in the policy language', () => {
  const compiled = loadPolicy(BROWSERS, 'browsers.conf');

  it('portcon, nodecon and netifcon label ports, nodes and interfaces as Linux looks them up', () => {
    const ctx = (m: Parameters<typeof netContext>[1]): string => formatContext(netContext(compiled, m)!);
    expect(ctx({ object: 'port', protocol: 'tcp', port: 80 })).toBe('system_u:object_r:http_port_t');
    expect(ctx({ object: 'port', protocol: 'tcp', port: 49152 })).toBe('system_u:object_r:port_t');
    // No udp portcon: the initial SID port is not declared either, so unlabeled.
    expect(ctx({ object: 'port', protocol: 'udp', port: 53 })).toBe('system_u:object_r:unlabeled_t');
    // The most specific nodecon wins: 10.0.0.1/32 over 10.0.0.0/8.
    expect(ctx({ object: 'node', addr: 0x0a000001 })).toBe('system_u:object_r:workstation_node_t');
    expect(ctx({ object: 'node', addr: 0x0a000002 })).toBe('system_u:object_r:intranet_node_t');
    expect(ctx({ object: 'node', addr: 0xc6336407 })).toBe('system_u:object_r:internet_node_t');
    expect(ctx({ object: 'netif', name: 'eth0' })).toBe('system_u:object_r:netif_t');
  });

  it('refuses a bad portcon, nodecon or section order at file:line:column', () => {
    const bad = (text: string): string => {
      try { loadPolicy(text, 'p.conf'); } catch (e) { return (e as Error).message; }
      return 'no error';
    };
    expect(bad(BROWSERS.replace('portcon tcp 80 ', 'portcon xtp 80 '))).toMatch(/p\.conf:\d+:9: unknown protocol xtp/);
    expect(bad(BROWSERS.replace('nodecon 10.0.0.1 ', 'nodecon 10.0.0.300 '))).toMatch(/an IPv4 address/);
    expect(bad(BROWSERS.replace('portcon tcp 1-1023 ', 'portcon tcp 1023-1 '))).toMatch(/backwards/);
    expect(bad(BROWSERS + '\nportcon tcp 81 system_u:object_r:http_port_t\n')).toMatch(/portcon statements must come before nodecon statements/);
  });

  const missing = realToolsMissing();
  it.skipIf(missing !== null)('checkpolicy compiles the policies, and socket-class decisions equal sesearch\'s', () => {
    const texts = [BROWSERS, policy(null), policy('client association polmatch'), policy('server node recvfrom')];
    const types = ['internal_browser_t', 'external_browser_t', 'intranet_httpd_t', 'internet_httpd_t', 'init_t', 'http_port_t', 'port_t', 'intranet_node_t', 'internet_node_t', 'workstation_node_t', 'netif_t', 'unlabeled_t'];
    const classes = ['tcp_socket', 'udp_socket', 'association', 'node', 'netif'];
    for (const [i, text] of texts.entries()) {
      const real = checkpolicy(text, dir, `real${i}`);
      expect(real.ok, real.stderr).toBe(true);
      const [result] = sesearchBatch([{ bin: real.bin, types, classes }]);
      const mine = loadPolicy(text, `real${i}.conf`);
      for (const s of types) for (const t of types) for (const c of classes) {
        const d = computeAv(mine, parseContext(`system_u:system_r:${s}`)!, parseContext(`system_u:object_r:${t}`)!, c);
        const allowed = d.ok ? permNames(mine.classes[mine.classIndex.get(c)!]!, d.value.allowed) : [];
        expect(allowed, `${s} ${t}:${c}`).toEqual([...(result!.allow[`${s} ${t} ${c}`] ?? [])].sort());
      }
    }
  });
});
