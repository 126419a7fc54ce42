import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANY, EACCES, NOTIFY, receive, sendrec, type Envelope, type KernelCall } from '../../../kernel/index.js';
import { Avc } from '../../../lib/avc/avc.js';
import { formatAvcLine, type AvcRecordFields } from '../../../lib/avc/audit.js';
import { securityServer } from '../../../servers/security/main.js';
import type { SecReply } from '../../../servers/security/protocol.js';
import { testSystem } from '../../kernel/helpers.js';

const BASE = readFileSync(new URL('../../../examples/policy/base.conf', import.meta.url), 'utf8');
const USER = 'user_u:user_r:user_t';
const PASSWD = 'user_u:user_r:passwd_t';
const SHADOW = 'system_u:object_r:shadow_t';
const HOME = 'user_u:object_r:home_t';

type Step = (avc: Avc, results: unknown[]) => Generator<KernelCall, void, any>;

/** Boot the security server and one object manager running `steps` with its AVC. */
function boot(mode: 'enforcing' | 'permissive', steps: Step) {
  const sys = testSystem();
  const audit: string[] = [];
  const results: unknown[] = [];
  sys.spawn('security', securityServer({ policyText: BASE, policyPath: 'base.conf', mode }), 4);
  sys.spawn('om', function* (ctx): Generator<KernelCall, void, any> {
    const avc = new Avc(ctx, { onAudit: (line) => audit.push(line) });
    yield* steps(avc, results);
    results.push(avc.stats);
  }, 4);
  sys.kernel.run();
  return { sys, audit, results, stats: results[results.length - 1] as Avc['stats'] };
}

const secMessages = (sys: ReturnType<typeof testSystem>) =>
  sys.records.filter((r) => r.ev === 'send' && r.dst === 'security').map((r) => r.type);

describe('the access vector cache', () => {
  it('misses once with a sendrec to the security server, then hits without one', () => {
    const { sys, results, stats } = boot('enforcing', function* (avc, out) {
      out.push(yield* avc.hasPerm(PASSWD, SHADOW, 'file', 'write'));
      out.push(yield* avc.hasPerm(PASSWD, SHADOW, 'file', ['read', 'write']));
      out.push(yield* avc.hasPerm(USER, HOME, 'dir', 'add_name'));
    });
    expect(results.slice(0, 3)).toEqual([0, 0, 0]);
    expect(stats).toMatchObject({ lookups: 3, hits: 1, misses: 2 });
    expect(secMessages(sys)).toEqual(['SEC_COMPUTE_AV', 'SEC_COMPUTE_AV']);
    expect(sys.records.filter((r) => r.ev === 'cache' && r.cache === 'avc').map((r) => r.op)).toEqual(['miss', 'hit', 'miss']);
  });

  it('denies in enforcing mode with the kernel audit line, each time', () => {
    const { audit, results } = boot('enforcing', function* (avc, out) {
      for (let i = 0; i < 2; i++) out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'write', { pid: 7, comm: 'sh', name: 'shadow', dev: 'disk0', ino: 12 }));
    });
    expect(results.slice(0, 2)).toEqual([-EACCES, -EACCES]);
    expect(audit).toEqual(Array(2).fill('avc:  denied  { write } for  pid=7 comm="sh" name="shadow" dev="disk0" ino=12 '
      + `scontext=${USER} tcontext=${SHADOW} tclass=file permissive=0`));
  });

  it('in permissive mode logs a denial once per cache entry and grants it', () => {
    const { audit, results, sys } = boot('permissive', function* (avc, out) {
      for (let i = 0; i < 3; i++) out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'write'));
    });
    expect(results.slice(0, 3)).toEqual([0, 0, 0]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatch(/permissive=1$/);
    const avc = sys.records.filter((r) => r.ev === 'avc');
    expect(avc).toHaveLength(1);
    expect(avc[0]).toMatchObject({ decision: 'denied', perms: ['write'], tclass: 'file', permissive: 1, scontext: USER });
  });

  it('a permissive domain is not enforced even in enforcing mode', () => {
    const { results, audit } = boot('enforcing', function* (avc, out) {
      out.push(yield* avc.hasPerm('system_u:system_r:kernel_t', SHADOW, 'file', 'write'));
    });
    expect(results[0]).toBe(0);
    expect(audit[0]).toMatch(/permissive=1$/);
  });

  it('dontaudit silences a denial; auditallow logs a grant', () => {
    const { audit, results } = boot('enforcing', function* (avc, out) {
      out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'getattr'));
      out.push(yield* avc.hasPerm(PASSWD, SHADOW, 'file', 'write'));
    });
    expect(results.slice(0, 2)).toEqual([-EACCES, 0]);
    expect(audit).toEqual([`avc:  granted  { write } for  scontext=${PASSWD} tcontext=${SHADOW} tclass=file`]);
  });

  it('a policy reload bumps the seqno, notifies the AVC and flushes it', () => {
    const permissivePolicy = BASE.replace('dontaudit user_t shadow_t:file getattr;', 'allow user_t shadow_t:file getattr;');
    const { results, stats, sys } = boot('enforcing', function* (avc, out) {
      out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'getattr'));
      const r: Envelope<SecReply> = yield sendrec(avc['ctx'].endpointOf('security'), { type: 'SEC_LOAD_POLICY', text: permissivePolicy, path: 'new.conf' });
      out.push(r.status, r.seqno);
      const n: Envelope = yield receive(ANY);
      out.push(n.type === NOTIFY && avc.handleNotify(n));
      out.push(avc.size);
      out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'getattr'));
    });
    expect(results.slice(0, 6)).toEqual([-EACCES, 0, 2, true, 0, 0]);
    expect(stats).toMatchObject({ misses: 2, flushes: 1 });
    expect(sys.records.some((r) => r.ev === 'cache' && r.op === 'flush')).toBe(true);
  });

  it('switching to enforcing flushes the permissive grants', () => {
    const { results } = boot('permissive', function* (avc, out) {
      out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'write'));
      yield sendrec(avc['ctx'].endpointOf('security'), { type: 'SEC_SET_ENFORCE', enforcing: true });
      const n: Envelope = yield receive(ANY);
      avc.handleNotify(n);
      out.push(yield* avc.hasPerm(USER, SHADOW, 'file', 'write'));
    });
    expect(results.slice(0, 2)).toEqual([0, -EACCES]);
  });

  it('a reload with a broken policy is refused and the old one stays', () => {
    const { results } = boot('enforcing', function* (avc, out) {
      const r: Envelope<SecReply> = yield sendrec(avc['ctx'].endpointOf('security'), { type: 'SEC_LOAD_POLICY', text: 'class', path: 'bad.conf' });
      out.push(r.status, r.seqno, r.error);
      out.push(yield* avc.hasPerm(PASSWD, SHADOW, 'file', 'write'));
    });
    expect(results[0]).toBe(-22);
    expect(results[1]).toBe(1);
    expect(String(results[2])).toMatch(/^bad\.conf:1:6: /);
    expect(results[3]).toBe(0);
  });

  it('evicts the oldest entry beyond its capacity', () => {
    const sys = testSystem();
    let stats: Avc['stats'] | null = null;
    sys.spawn('security', securityServer({ policyText: BASE, policyPath: 'base.conf', mode: 'enforcing' }), 4);
    sys.spawn('om', function* (ctx): Generator<KernelCall, void, any> {
      const avc = new Avc(ctx, { capacity: 2 });
      for (const t of [SHADOW, HOME, 'system_u:object_r:tmp_t', SHADOW]) yield* avc.hasPerm(USER, t, 'file', 'read');
      expect(avc.size).toBe(2);
      stats = avc.stats;
    }, 4);
    sys.kernel.run();
    expect(stats).toMatchObject({ misses: 4, hits: 0, evictions: 2 });
  });
});

describe('the audit line', () => {
  it('has the kernel layout, with permissive= only on denials', () => {
    const r: AvcRecordFields = { decision: 'granted', perms: ['read'], scontext: 'a:b:c', tcontext: 'd:e:f', tclass: 'file', permissive: 0, pid: 1, comm: 'x' };
    expect(formatAvcLine(r)).toBe('avc:  granted  { read } for  pid=1 comm="x" scontext=a:b:c tcontext=d:e:f tclass=file');
  });
});
