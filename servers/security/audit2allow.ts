/*
 * audit2allow: from AVC denials (the `avc` records of a JSONL trace, or the
 * lines of an audit.log: mksim's `boot --audit` file or the kernel's) to the
 * allow rules that would have permitted them, in audit2allow's layout; and
 * audit2why's explanation of each denial against a policy.
 *   readDenials(text, file)          the denials of a trace or audit log, or ParseError at file:line:column
 *   denialsFromTrace(text, file)     the same (the older name)
 *   allowRules(denials)              the rule text (`self` when source and target types are equal)
 *   whyDenied(policy, denial)        audit2why's reason: allowed, dontaudit, boolean, TE rule, constraint, RBAC
 *   explainDenials(policy, denials)  audit2allow -w's text: each record and why it was denied
 */
import { ParseError } from '../../lib/parse-error.js';
import { parseContext, permBit, withBooleans, type CompiledPolicy, type SecurityContext } from './policy.js';
import { computeAv } from './services.js';

export interface Denial {
  readonly stype: string;
  readonly ttype: string;
  readonly tclass: string;
  readonly perms: readonly string[];
  /** The full contexts and the record as read (for audit2why). */
  readonly scontext?: SecurityContext;
  readonly tcontext?: SecurityContext;
  readonly text?: string;
}

type Where = (column: number) => { file: string; line: number; column: number; sourceLine: string };

function fromJson(line: string, where: Where): Denial | null {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    throw new ParseError(`not a JSON trace record: ${(err as Error).message}`, where(at ? Number(at[1]) + 1 : 1));
  }
  if (typeof rec !== 'object' || rec === null) throw new ParseError('a trace record must be a JSON object', where(1));
  const r = rec as Record<string, unknown>;
  if (r.ev !== 'avc' || r.decision !== 'denied') return null;
  const s = typeof r.scontext === 'string' ? parseContext(r.scontext) : null;
  const t = typeof r.tcontext === 'string' ? parseContext(r.tcontext) : null;
  const perms = r.perms;
  if (s === null || t === null || typeof r.tclass !== 'string' || !Array.isArray(perms) || !perms.every((p) => typeof p === 'string')) {
    throw new ParseError('avc record needs scontext and tcontext (user:role:type), tclass and perms (a list of names)', where(1));
  }
  return { stype: s.type, ttype: t.type, tclass: r.tclass, perms: perms as string[], scontext: s, tcontext: t, text: line };
}

/** An SELinux context in an audit record may carry an MLS range (`u:r:t:s0`); the type is the third field. */
function auditContext(text: string): SecurityContext | null {
  const parts = text.split(':');
  if (parts.length < 3) return null;
  return parseContext(parts.slice(0, 3).join(':'));
}

/**
 * An audit record: `type=AVC msg=audit(S.MMM:N): avc:  denied  { p ... } for ... scontext=C tcontext=C tclass=X ...`
 * (or dmesg's `audit: type=1400 audit(...)`). Records of other types (SYSCALL, PATH...) and granted ones are skipped.
 */
function fromAudit(raw: string, where: Where): Denial | null {
  const avc = raw.indexOf('avc:');
  if (avc < 0) return null;
  const m = /^avc:\s+(denied|granted)\s+\{([^}]*)\}/.exec(raw.slice(avc));
  if (m === null) throw new ParseError('avc record without `denied|granted { perms }`', where(avc + 1));
  if (m[1] !== 'denied') return null;
  const field = (name: string): string | null => {
    const f = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(raw.slice(avc));
    return f === null ? null : f[1]!;
  };
  const fail = (name: string): never => {
    throw new ParseError(`avc record needs ${name}=`, where(avc + 1));
  };
  const sText = field('scontext') ?? fail('scontext');
  const tText = field('tcontext') ?? fail('tcontext');
  const tclass = field('tclass') ?? fail('tclass');
  const s = auditContext(sText);
  const t = auditContext(tText);
  if (s === null) throw new ParseError(`scontext ${sText} is not user:role:type`, where(raw.indexOf(`scontext=${sText}`) + 10));
  if (t === null) throw new ParseError(`tcontext ${tText} is not user:role:type`, where(raw.indexOf(`tcontext=${tText}`) + 10));
  const perms = m[2]!.trim().split(/\s+/).filter((p) => p !== '');
  if (perms.length === 0) throw new ParseError('avc record with no permissions', where(avc + 1));
  return { stype: s.type, ttype: t.type, tclass, perms, scontext: s, tcontext: t, text: raw };
}

/** One record a line; a line that is neither JSON nor an audit record is an error, records of other kinds are skipped. */
export function readDenials(text: string, file: string): Denial[] {
  const out: Denial[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where: Where = (column) => ({ file, line: i + 1, column, sourceLine: raw });
    let d: Denial | null;
    if (line.startsWith('{')) d = fromJson(line, where);
    else if (/(^|\s)type=\S+/.test(line) || line.includes('audit(')) d = fromAudit(raw, where);
    else throw new ParseError('neither a JSON trace record nor an audit record (type=... msg=audit(...): ...)', where(raw.indexOf(line) + 1));
    if (d !== null) out.push(d);
  });
  return out;
}

export const denialsFromTrace = readDenials;

/**
 * One rule per (source, target, class) with the union of the denied
 * permissions, sorted; `self` for a target of the source's own type, as
 * audit2allow (sepolgen) writes it; a blank result for none.
 */
export function allowRules(denials: readonly Denial[]): string {
  const bySource = new Map<string, Map<string, Set<string>>>();
  for (const d of denials) {
    let rules = bySource.get(d.stype);
    if (rules === undefined) { rules = new Map(); bySource.set(d.stype, rules); }
    const key = `${d.ttype === d.stype ? 'self' : d.ttype}:${d.tclass}`;
    let perms = rules.get(key);
    if (perms === undefined) { perms = new Set(); rules.set(key, perms); }
    for (const p of d.perms) perms.add(p);
  }
  const blocks: string[] = [];
  for (const source of [...bySource.keys()].sort()) {
    const lines = [`#============= ${source} ==============`];
    const rules = bySource.get(source)!;
    for (const key of [...rules.keys()].sort()) {
      const perms = [...rules.get(key)!].sort();
      lines.push(`allow ${source} ${key} ${perms.length === 1 ? perms[0] : `{ ${perms.join(' ')} }`};`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? '' : blocks.join('\n\n') + '\n';
}

// --- audit2why ------------------------------------------------------------------

/** audit2why's reasons (libselinux's audit2why.c: ALLOW, DONTAUDIT, TERULE, BOOLEAN, CONSTRAINT, RBAC; unknown for BADSCON...). */
export type WhyReason =
  | { kind: 'allowed' }
  | { kind: 'dontaudit' }
  | { kind: 'terule'; rule: string }
  /** Booleans each of which, set alone to the value given, would allow the access. */
  | { kind: 'boolean'; bools: readonly (readonly [string, boolean])[] }
  | { kind: 'constraint'; where: string }
  | { kind: 'rbac'; rule: string }
  | { kind: 'unknown'; detail: string };

/**
 * Why the policy denies a record, as audit2why asks libsepol
 * (sepol_compute_av_reason), in audit2why's order: a denial the policy
 * would now allow is "allowed"; a TE denial names the booleans that, flipped
 * alone, would allow it, else is "dontaudit" when a requested permission is
 * dontaudit'd (the record should not exist), else a missing TE rule; then
 * the constraints; then the RBAC mask of a role change.
 */
export function whyDenied(policy: CompiledPolicy, d: Denial): WhyReason {
  const scon = d.scontext ?? { user: 'system_u', role: 'object_r', type: d.stype };
  const tcon = d.tcontext ?? { user: 'system_u', role: 'object_r', type: d.ttype };
  const cIndex = policy.classIndex.get(d.tclass);
  if (cIndex === undefined) return { kind: 'unknown', detail: `class ${d.tclass} is not in the policy` };
  for (const [what, name] of [['source', scon.type], ['target', tcon.type]] as const) {
    if (!policy.typeLookup.has(name)) return { kind: 'unknown', detail: `${what} type ${name} is not in the policy` };
  }
  const cls = policy.classes[cIndex]!;
  const unknownPerm = d.perms.find((p) => permBit(cls, p) === 0);
  if (unknownPerm !== undefined) return { kind: 'unknown', detail: `permission ${unknownPerm} is not in class ${d.tclass}` };
  const mask = d.perms.reduce((m, p) => (m | permBit(cls, p)) >>> 0, 0);
  const av = computeAv(policy, scon, tcon, d.tclass);
  if (!av.ok) return { kind: 'unknown', detail: 'the contexts are not valid in this policy' };
  const missing = (mask & ~av.value.allowed) >>> 0;
  if (missing === 0) return { kind: 'allowed' };
  // The same check without a role change: what TE alone allows.
  const sameRole = computeAv(policy, scon, { ...tcon, role: scon.role }, d.tclass);
  const teMissing = sameRole.ok ? (mask & ~(sameRole.value.allowed | (sameRole.value.constrained ?? 0))) >>> 0 : missing;
  const perms = (m: number): string => {
    const names = cls.perms.filter((p) => (m & permBit(cls, p)) !== 0).sort();
    return names.length === 1 ? names[0]! : `{ ${names.join(' ')} }`;
  };
  if (teMissing !== 0) {
    // audit2why's check_booleans: flip each boolean alone and ask again.
    const bools: [string, boolean][] = [];
    (policy.booleans ?? []).forEach((name, i) => {
      const flipped = withBooleans(policy, new Map([[name, !policy.boolValues[i]]]));
      const again = flipped === null ? null : computeAv(flipped, scon, tcon, d.tclass);
      if (again?.ok && (again.value.allowed & mask) === mask) bools.push([name, !policy.boolValues[i]]);
    });
    if (bools.length > 0) return { kind: 'boolean', bools };
    // audit2why's order: after the booleans, a dontaudit on any requested permission says the record should not exist.
    if ((mask & ~av.value.auditdeny) !== 0) return { kind: 'dontaudit' };
    const target = tcon.type === scon.type ? 'self' : tcon.type;
    return { kind: 'terule', rule: `allow ${scon.type} ${target}:${d.tclass} ${perms(teMissing)};` };
  }
  if (((av.value.constrained ?? 0) & missing) !== 0) return { kind: 'constraint', where: av.value.constraintAt ?? 'the policy' };
  return { kind: 'rbac', rule: `allow ${scon.role} ${tcon.role};` };
}

function whyText(r: WhyReason): string[] {
  switch (r.kind) {
    case 'allowed': return ['Unknown - would be allowed by active policy', 'Possible mismatch between this policy and the one under which the audit message was generated.'];
    case 'dontaudit': return ['Unknown - should be dontaudit\'d by active policy', 'Possible mismatch between this policy and the one under which the audit message was generated.'];
    case 'terule': return ['Missing type enforcement (TE) allow rule.', `You can use audit2allow to generate a rule to allow this access: ${r.rule}`];
    case 'boolean': return [
      r.bools.length === 1 ? `The boolean ${r.bools[0]![0]} was set incorrectly.` : 'One of the following booleans was set incorrectly.',
      ...r.bools.map(([name, v]) => `Allow access by executing: # setsebool -P ${name} ${v ? 1 : 0}`),
    ];
    case 'constraint': return ['Policy constraint violation.', `The constraint written at ${r.where} forbids it; changing a type, role or user may allow this access.`];
    case 'rbac': return ['Missing role allow rule.', `Add an allow rule for the role pair: ${r.rule}`];
    case 'unknown': return [`Unknown - the policy cannot judge this record: ${r.detail}`];
  }
}

/** audit2why's layout: the record, then `Was caused by:` and the reason, indented by tabs. */
export function explainDenials(policy: CompiledPolicy, denials: readonly Denial[]): string {
  return denials.map((d) => {
    const [head, ...rest] = whyText(whyDenied(policy, d));
    const record = d.text ?? `avc:  denied  { ${d.perms.join(' ')} } for scontext=${d.stype} tcontext=${d.ttype} tclass=${d.tclass}`;
    return [record, '', '\tWas caused by:', `\t\t${head}`, ...rest.map((l) => `\n\t\t${l}`), ''].join('\n') + '\n';
  }).join('');
}
