/*
 * fast-check generator of small policy.conf texts for the differential test
 * against checkpolicy, sesearch and libsepol: types, attributes, aliases,
 * allow/auditallow/dontaudit/neverallow with sets, exclusions `{ a -b }`,
 * `self`, `*` and `~`, type rules, roles with role allow and role_transition,
 * and, where this build's language has them, booleans with if/else,
 * type_change/type_member and constraints; now and then a mistake checkpolicy refuses.
 *   policyArb(features)   -> GeneratedPolicy { text, types, roles, classes }
 *   Features              the optional constructs to generate
 */
import fc from 'fast-check';
import { classAndPermSets, typeVocabulary } from '../servers/security/policy-gen.js';

export interface GeneratedPolicy {
  readonly text: string;
  readonly types: readonly string[];
  readonly roles: readonly string[];
  /** Class -> its permissions. */
  readonly classes: Readonly<Record<string, readonly string[]>>;
}

export interface Features {
  readonly booleans: boolean;
  readonly typeChange: boolean;
  readonly constraints: boolean;
}

export const CLASSES: Record<string, string[]> = {
  process: ['fork', 'transition', 'signal', 'dyntransition'],
  file: ['read', 'write', 'getattr', 'execute', 'entrypoint'],
  dir: ['read', 'write', 'getattr', 'search'],
};
const CLASS_NAMES = Object.keys(CLASSES);

const HEADER = `class process
class file
class dir
sid kernel
sid unlabeled
common cfile { read write getattr }
class process { fork transition signal dyntransition }
class file inherits cfile { execute entrypoint }
class dir inherits cfile { search }
`;

const MISTAKES = [
  'allow * ty0_t:file read;', 'allow ty0_t ~ty0_t:file read;', 'type ty0_t;', 'typeattribute at0 at0;',
  'allow nosuch_t ty0_t:file read;', 'allow ty0_t ty0_t:file fork;', 'allow self ty0_t:file read;',
  'allow ty0_t ty0_t:{ file process } read;', 'permissive at0;', 'type_transition ty0_t ty0_t:file at0;',
  'allow rl0_r nosuch_r;', 'role_transition rl0_r ty0_t nosuch_r;', 'role_transition rl0_r ty0_t:nosuch rl0_r;',
];

export function policyArb(features: Features): fc.Arbitrary<GeneratedPolicy> {
  return fc.record({
    nTypes: fc.integer({ min: 2, max: 5 }),
    nAttrs: fc.integer({ min: 0, max: 3 }),
    nRoles: fc.integer({ min: 1, max: 3 }),
    nBools: fc.integer({ min: 0, max: features.booleans ? 2 : 0 }),
    bits: fc.array(fc.nat({ max: 1000 }), { minLength: 120, maxLength: 120 }),
    nRules: fc.integer({ min: 1, max: 9 }),
    nTypeRules: fc.integer({ min: 0, max: 3 }),
    mistake: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...MISTAKES) }),
  }).map(({ nTypes, nAttrs, nRoles, nBools, bits, nRules, nTypeRules, mistake }) => {
    let k = 0;
    const pick = (n: number): number => bits[k++ % bits.length]! % n;
    const chance = (pct: number): boolean => pick(100) < pct;
    const roles = Array.from({ length: nRoles }, (_, i) => `rl${i}_r`);
    const bools = Array.from({ length: nBools }, (_, i) => `bo${i}`);
    const lines: string[] = [];
    for (const b of bools) lines.push(`bool ${b} ${chance(50) ? 'true' : 'false'};`);
    const { types, names, set } = typeVocabulary(pick, nTypes, nAttrs, lines);
    const { classSet, permSet } = classAndPermSets(pick, CLASSES);
    const kinds = ['allow', 'allow', 'allow', 'allow', 'auditallow', 'dontaudit', 'neverallow'];
    const avRule = (allowNever: boolean): string => {
      let kind = kinds[pick(kinds.length)]!;
      if (kind === 'neverallow' && !allowNever) kind = 'allow';
      const never = kind === 'neverallow';
      const classes = classSet();
      const cls = classes.length === 1 ? classes[0]! : `{ ${classes.join(' ')} }`;
      return `${kind} ${set(false, never)} ${set(true, never)}:${cls} ${permSet(classes)};`;
    };
    lines.push('allow ty0_t self:process { fork transition };');
    for (let i = 0; i < nRules; i++) lines.push(avRule(true));
    const typeRuleKinds = features.typeChange ? ['type_transition', 'type_transition', 'type_change', 'type_member'] : ['type_transition'];
    for (let i = 0; i < nTypeRules; i++) {
      const kind = typeRuleKinds[pick(typeRuleKinds.length)]!;
      const c = CLASS_NAMES[pick(3)]!;
      const named = kind === 'type_transition' && chance(30) ? ` "f${pick(3)}"` : '';
      lines.push(`${kind} ${types[pick(nTypes)]} ${set(true, false)}:${c} ${types[pick(nTypes)]}${named};`);
    }
    if (bools.length > 0) {
      const ops = ['&&', '||', '^', '==', '!='];
      const expr = (): string => {
        const a = bools[pick(bools.length)]!;
        const b = bools[pick(bools.length)]!;
        const r = pick(4);
        if (r === 0) return a;
        if (r === 1) return `!${a}`;
        return `${chance(30) ? '!' : ''}${a} ${ops[pick(ops.length)]} ${b}`;
      };
      const nIfs = 1 + pick(2);
      for (let i = 0; i < nIfs; i++) {
        const body = Array.from({ length: 1 + pick(2) }, () => `  ${avRule(false)}`);
        const elseBody = chance(50) ? ` else {\n  ${avRule(false)}\n}` : '';
        lines.push(`if (${expr()}) {\n${body.join('\n')}\n}${elseBody}`);
      }
    }
    for (const r of roles) lines.push(`role ${r};`, `role ${r} types { ${types.join(' ')} };`);
    const roleSet = (): string => {
      if (roles.length === 1 || chance(60)) return roles[pick(roles.length)]!;
      const items = new Set([roles[pick(roles.length)]!, roles[pick(roles.length)]!]);
      return items.size === 1 ? [...items][0]! : `{ ${[...items].join(' ')} }`;
    };
    const nRoleAllow = pick(3);
    for (let i = 0; i < nRoleAllow; i++) lines.push(`allow ${roleSet()} ${roleSet()};`);
    const nRoleTrans = pick(3);
    for (let i = 0; i < nRoleTrans; i++) {
      // One role a rule, so two rules seldom collide (a collision is a checkpolicy error, kept as it comes).
      const cls = chance(40) ? `:${CLASS_NAMES[pick(3)]}` : '';
      lines.push(`role_transition ${roles[pick(roles.length)]} ${names[pick(names.length)]}${cls} ${roles[pick(roles.length)]};`);
    }
    if (mistake !== null) lines.splice(pick(lines.length + 1), 0, mistake);
    lines.push(`user uu roles { ${roles.join(' ')} };`);
    if (features.constraints && chance(50)) {
      const exprs = ['u1 == u2', 'r1 == r2', 't1 == t2', `t1 == ${types[pick(nTypes)]}`, `r1 != ${roles[pick(roles.length)]}`, `t2 == { ${types[pick(nTypes)]} ${names[pick(names.length)]} }`];
      const e1 = exprs[pick(exprs.length)]!;
      const e2 = exprs[pick(exprs.length)]!;
      const joined = [e1, `not ${e1}`, `${e1} and ${e2}`, `${e1} or ${e2}`][pick(4)];
      const c = CLASS_NAMES[pick(3)]!;
      const perms = new Set([CLASSES[c]![0]!, ...CLASSES[c]!.filter(() => chance(50))]);
      lines.push(`constrain ${c} { ${[...perms].join(' ')} } ( ${joined} );`);
    }
    lines.push('sid kernel uu:rl0_r:ty0_t', 'sid unlabeled uu:object_r:ty1_t');
    return { text: HEADER + lines.join('\n') + '\n', types, roles, classes: CLASSES };
  });
}
