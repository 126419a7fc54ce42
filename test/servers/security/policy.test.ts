import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EACCES, EINVAL } from '../../../kernel/errno.js';
import { loadPolicy } from '../../../servers/security/compile.js';
import { allowRules, denialsFromTrace } from '../../../servers/security/audit2allow.js';
import { computeAv, computeCreate, execDecision, netContext, newroleContext, policyAllows } from '../../../servers/security/services.js';
import { parseContext, permNames } from '../../../servers/security/policy.js';

const BASE = readFileSync(new URL('../../../examples/policy/base.conf', import.meta.url), 'utf8');
const base = loadPolicy(BASE, 'base.conf');
const ctx = (s: string) => parseContext(s)!;

function errorOf(text: string): string {
  try { loadPolicy(text, 'p.conf'); } catch (err) { return (err as Error).message.split('\n')[0]!; }
  return 'accepted';
}

const HEAD = 'class process\nclass file\nsid kernel\nclass process { fork transition }\nclass file { read write execute entrypoint execute_no_trans }\n';
const TAIL = 'user u roles r;\nsid kernel u:r:a_t\n';

describe('the policy language', () => {
  it('reports errors at file:line:column', () => {
    expect(errorOf(`${HEAD}type a_t;\nrole r;\nrole r types a_t;\nallow a_t b_t:file read;\n${TAIL}`)).toBe('p.conf:9:11: unknown type b_t');
    expect(errorOf(`${HEAD}type a_t;\nrole r;\nrole r types a_t;\nallow a_t a_t:file fork;\n${TAIL}`)).toBe('p.conf:9:20: permission fork is not defined for class file');
    expect(errorOf(`${HEAD}type t1;\n${TAIL}`)).toBe("p.conf:6:6: syntax error at 't1': expected a type name ('t1' is a reserved word)");
    expect(errorOf(`${HEAD}type a_t;\nrole r types a_t;\n${TAIL}`)).toBe('p.conf:7:6: unknown role r');
    expect(errorOf(`${HEAD}type a_t;\nrole r;\nrole r types a_t;\nuser u roles r;\nsid kernel u:r:a_t:s0\n`)).toMatch(/^p\.conf:10:19: MLS ranges/);
    expect(errorOf(`${HEAD}type a_t;\nrole r;\nrole r types a_t;\n${TAIL}class dir\n`)).toMatch(/^p\.conf:11:1: syntax error at 'class': class declarations must come before/);
  });

  it('names an unsupported construct, not a character of its expression (issue 14: "unrecognized character \'=\'")', () => {
    const body = `${HEAD}type a_t;\nrole r;\nrole r types a_t;\n`;
    expect(errorOf(`${body}if (b && !c) { allow a_t a_t:file read; }\n${TAIL}`)).toBe('p.conf:9:5: unknown boolean b in conditional expression');
    expect(errorOf(`${body}bool b true;\nif (b || c ^ d) { allow a_t a_t:file read; }\n${TAIL}`)).toBe('p.conf:10:10: unknown boolean c in conditional expression');
    expect(errorOf(`${HEAD.replace('class file {', 'constrain process transition (u1 == u2 and r1 != r2);\nclass file {')}`))
      .toBe("p.conf:5:1: syntax error at 'constrain': expected type enforcement and role rules first");
    expect(errorOf(`${body}range_transition a_t a_t:process s0;\n${TAIL}`)).toBe("p.conf:9:1: 'range_transition' statements are not supported by mksim's policy language");
  });

  it('initial SIDs count by position, as the kernel numbers them (policydb_load_isids), not by name', () => {
    // Position 3 is SECINITSID_UNLABELED whatever the policy calls it; a SID named `unlabeled` at position 4 is `fs`.
    const renamed = BASE.replace('sid kernel\nsid security\nsid unlabeled\nsid file\n', 'sid kernel\nsid security\nsid nolabel\nsid unlabeled\n')
      .replace('sid unlabeled system_u:object_r:unlabeled_t\nsid file system_u:object_r:unlabeled_t\n',
        'sid nolabel system_u:object_r:unlabeled_t\nsid unlabeled system_u:object_r:etc_t\n');
    expect(renamed).not.toBe(BASE);
    const p = loadPolicy(renamed, 'renamed.conf');
    // A port with no portcon gets the unlabeled SID's context: position 3's, not the context of the SID named `unlabeled`.
    expect(netContext(p, { object: 'port', protocol: 'tcp', port: 9 })).toEqual(parseContext('system_u:object_r:unlabeled_t'));
    expect(netContext(base, { object: 'port', protocol: 'tcp', port: 9 })).toEqual(parseContext('system_u:object_r:unlabeled_t'));
  });

  it('a stray character is a syntax error naming the statement it stands in, never "unrecognized character"', () => {
    const body = `${HEAD}type a_t;\nrole r;\nrole r types a_t;\n`;
    expect(errorOf(`${HEAD}type a_t = b_t;\n${TAIL}`)).toBe("p.conf:6:10: syntax error at '=' in the 'type' statement: expected ';'");
    expect(errorOf(`${body}allow a_t a_t:file\n  { read @ };\n${TAIL}`)).toBe("p.conf:10:10: syntax error at '@' in the 'allow' statement of line 9: expected an identifier or '}' (set opened at 10:3)");
    expect(errorOf(`${body}bool b true;\nif (b) { allow a_t a_t:file read = ; }\n${TAIL}`)).toBe("p.conf:10:34: syntax error at '=' in the 'allow' statement: expected ';'");
    expect(errorOf(`${body}§\n${TAIL}`)).toBe("p.conf:9:1: syntax error at '§': expected a statement keyword");
  });

  it('refuses a policy whose allow rules violate a neverallow, naming the rule', () => {
    const text = BASE.replace('# Users own their home', 'allow user_t shadow_t:file write;\n# Users own their home');
    expect(() => loadPolicy(text, 'b.conf')).toThrow(/^b\.conf:\d+:1: neverallow violated by allow user_t shadow_t:file \{ write \};/);
  });

  it('refuses an initial SID context whose role is not authorised for its type', () => {
    expect(errorOf(`${HEAD}type a_t;\ntype b_t;\nrole r;\nrole r types a_t;\nuser u roles r;\nsid kernel u:r:b_t\n`)).toBe('p.conf:11:12: invalid security context');
  });
});

describe('decisions', () => {
  it('compute_av: allowed, auditallow and auditdeny without the dontaudit permissions', () => {
    const d = computeAv(base, ctx('user_u:user_r:user_t'), ctx('system_u:object_r:shadow_t'), 'file');
    expect(d.ok && d.value.allowed).toBe(0);
    const cls = base.classes[base.classIndex.get('file')!]!;
    expect(d.ok && permNames(cls, d.value.auditdeny)).not.toContain('getattr');
    expect(d.ok && permNames(cls, d.value.auditdeny)).toContain('write');
    const p = computeAv(base, ctx('user_u:user_r:passwd_t'), ctx('system_u:object_r:shadow_t'), 'file');
    expect(p.ok && permNames(cls, p.value.auditallow)).toEqual(['write']);
  });

  it('compute_create: type_transition, else the parent type; object_r; the creator user', () => {
    const user = ctx('user_u:user_r:user_t');
    expect(computeCreate(base, user, ctx('system_u:object_r:tmp_t'), 'file')).toEqual({ ok: true, value: { context: ctx('user_u:object_r:tmp_t'), valid: true } });
    expect(computeCreate(base, user, ctx('system_u:object_r:etc_t'), 'file')).toEqual({ ok: true, value: { context: ctx('user_u:object_r:etc_t'), valid: true } });
    const passwd = ctx('user_u:user_r:passwd_t');
    expect(computeCreate(base, passwd, ctx('system_u:object_r:etc_t'), 'file', 'shadow')).toEqual({ ok: true, value: { context: ctx('user_u:object_r:shadow_t'), valid: true } });
    expect(computeCreate(base, passwd, ctx('system_u:object_r:etc_t'), 'file', 'motd')).toEqual({ ok: true, value: { context: ctx('user_u:object_r:etc_t'), valid: true } });
  });

  it('exec: passwd transitions user_t to passwd_t with execute, transition and entrypoint allowed', () => {
    const d = execDecision(base, ctx('user_u:user_r:user_t'), ctx('system_u:object_r:passwd_exec_t'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.newContext).toEqual(ctx('user_u:user_r:passwd_t'));
    expect(d.value.checks.map((c) => `${c.cls}:${c.perm}`)).toEqual(['file:execute', 'process:transition', 'file:entrypoint']);
    expect(d.value.checks.every((c) => policyAllows(base, c))).toBe(true);
  });

  it('exec without a transition needs execute_no_trans', () => {
    const d = execDecision(base, ctx('user_u:user_r:user_t'), ctx('system_u:object_r:bin_t'));
    expect(d.ok && d.value.transition).toBe(false);
    expect(d.ok && d.value.checks.map((c) => `${c.perm}:${policyAllows(base, c)}`)).toEqual(['execute:true', 'execute_no_trans:true']);
    const e = execDecision(base, ctx('user_u:user_r:user_t'), ctx('system_u:object_r:etc_t'));
    expect(e.ok && e.value.checks.every((c) => policyAllows(base, c))).toBe(false);
  });

  it('exec into a domain the role is not authorised for computes an invalid context (the server refuses it when enforcing)', () => {
    const ok = execDecision(base, ctx('system_u:system_r:init_t'), ctx('system_u:object_r:passwd_exec_t'));
    expect(ok.ok && ok.value.valid).toBe(true);
    const text = BASE.replace('type_transition user_t passwd_exec_t:process passwd_t;', 'type_transition user_t passwd_exec_t:process init_t;');
    const d = execDecision(loadPolicy(text, 'x.conf'), ctx('user_u:user_r:user_t'), ctx('system_u:object_r:passwd_exec_t'));
    expect(d.ok && [d.value.valid, d.value.newContext]).toEqual([false, ctx('user_u:user_r:init_t')]);
  });

  it('setexeccon\'s context replaces the computed one', () => {
    const d = execDecision(base, ctx('user_u:user_r:user_t'), ctx('system_u:object_r:bin_t'), ctx('user_u:user_r:passwd_t'));
    expect(d.ok && [d.value.transition, d.value.checks.map((c) => c.perm)]).toEqual([true, ['execute', 'transition', 'entrypoint']]);
  });

  it('newrole asks for a valid context: the user authorised for the role, the role for the type (EINVAL otherwise)', () => {
    expect(newroleContext(base, ctx('system_u:system_r:passwd_t'), 'user_r')).toEqual({ ok: false, errno: EINVAL });
    expect(newroleContext(base, ctx('user_u:user_r:passwd_t'), 'system_r')).toEqual({ ok: false, errno: EINVAL });
    expect(newroleContext(base, ctx('user_u:user_r:passwd_t'), 'no_r')).toEqual({ ok: false, errno: EINVAL });
    const text = BASE.replace('user system_u roles { system_r object_r };', 'user system_u roles { system_r user_r };');
    expect(newroleContext(loadPolicy(text, 'x.conf'), ctx('system_u:system_r:passwd_t'), 'user_r')).toEqual({ ok: true, value: ctx('system_u:user_r:passwd_t') });
  });

  it('RBAC: process transition and dyntransition across roles need a role allow rule (context_struct_compute_av)', () => {
    const text = BASE.replace('allow system_r user_r;', '').replace('allow init_t domain:process {', 'allow init_t domain:process { dyntransition');
    const p = loadPolicy(text, 'x.conf');
    const perms = (pol: typeof p, s: string, t: string) => {
      const d = computeAv(pol, ctx(s), ctx(t), 'process');
      const cls = pol.classes[pol.classIndex.get('process')!]!;
      return d.ok ? cls.perms.filter((_, i) => (d.value.allowed >>> i) & 1).filter((x) => x === 'transition' || x === 'dyntransition' || x === 'fork').sort() : null;
    };
    // Same role: the avtab's permissions stand.
    expect(perms(p, 'system_u:system_r:init_t', 'system_u:system_r:passwd_t')).toEqual(['dyntransition', 'fork', 'transition']);
    // system_r -> user_r without `allow system_r user_r;`: transition and dyntransition go, the rest stays.
    expect(perms(p, 'system_u:system_r:init_t', 'user_u:user_r:passwd_t')).toEqual(['fork']);
    expect(perms(loadPolicy(text.replace('allow user_r system_r;', 'allow user_r system_r;\nallow system_r user_r;'), 'y.conf'), 'system_u:system_r:init_t', 'user_u:user_r:passwd_t')).toEqual(['dyntransition', 'fork', 'transition']);
  });
});

describe('audit2allow', () => {
  it('turns avc denials of a trace into grouped, sorted allow rules', () => {
    const trace = [
      '{"seq":1,"t":0,"ev":"header","version":1}',
      '{"seq":2,"t":5,"ev":"avc","decision":"denied","perms":["write"],"scontext":"u:r:user_t","tcontext":"s:object_r:shadow_t","tclass":"file","permissive":0}',
      '{"seq":3,"t":6,"ev":"avc","decision":"denied","perms":["read","append"],"scontext":"u:r:user_t","tcontext":"s:object_r:shadow_t","tclass":"file","permissive":1}',
      '{"seq":4,"t":7,"ev":"avc","decision":"granted","perms":["read"],"scontext":"u:r:a_t","tcontext":"s:object_r:b_t","tclass":"file","permissive":0}',
      '{"seq":5,"t":8,"ev":"avc","decision":"denied","perms":["search"],"scontext":"u:r:user_t","tcontext":"s:object_r:etc_t","tclass":"dir","permissive":0}',
    ].join('\n');
    expect(allowRules(denialsFromTrace(trace, 't.jsonl'))).toBe(
      '#============= user_t ==============\nallow user_t etc_t:dir search;\nallow user_t shadow_t:file { append read write };\n');
  });

  it('names the line of a malformed record', () => {
    expect(() => denialsFromTrace('{"ev":"avc","decision":"denied"}\n', 't.jsonl')).toThrow(/^t\.jsonl:1:1: avc record needs/);
    expect(() => denialsFromTrace('{}\n{oops\n', 't.jsonl')).toThrow(/^t\.jsonl:2:2: not a JSON trace record/);
  });
});
