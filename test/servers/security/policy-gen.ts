/*
 * fast-check generators of small policy.conf texts for differential tests:
 * random types, attributes, aliases, allow/auditallow/dontaudit/neverallow
 * rules with sets, exclusions, self, * and ~, type transitions (plain and
 * named), and now and then a mistake checkpolicy must refuse.
 *   policyArb        -> GeneratedPolicy { text, types, classes }
 *   typeVocabulary, classAndPermSets   the declarations and sets shared with test/selinux/differential-gen.ts
 */
import fc from 'fast-check';

export interface GeneratedPolicy {
  readonly text: string;
  readonly types: readonly string[];
  readonly classes: readonly string[];
}

const CLASSES: Record<string, string[]> = {
  process: ['fork', 'transition', 'signal', 'sigkill'],
  file: ['read', 'write', 'getattr', 'execute', 'entrypoint'],
  dir: ['read', 'write', 'getattr', 'search', 'add_name'],
};
const CLASS_NAMES = Object.keys(CLASSES);

const HEADER = `class process
class file
class dir
sid kernel
sid unlabeled
common cfile { read write getattr }
class process { fork transition signal sigkill }
class file inherits cfile { execute entrypoint }
class dir inherits cfile { search add_name }
`;

const MISTAKES = [
  'allow * ty0_t:file read;', 'allow ty0_t ~ty0_t:file read;', 'type ty0_t;', 'type t1;', 'typeattribute at0 at0;',
  'allow nosuch_t ty0_t:file read;', 'allow ty0_t ty0_t:file fork;', 'allow self ty0_t:file read;', 'role nosuch_r types ty0_t;',
  'allow ty0_t ty0_t:{ file process } read;', 'permissive at0;', 'allow ty0_t ty0_t:file {};', 'type_transition ty0_t ty0_t:file at0;',
];

export const policyArb: fc.Arbitrary<GeneratedPolicy> = fc.record({
  nTypes: fc.integer({ min: 2, max: 5 }),
  nAttrs: fc.integer({ min: 0, max: 3 }),
  seedBits: fc.array(fc.nat({ max: 1000 }), { minLength: 80, maxLength: 80 }),
  nRules: fc.integer({ min: 1, max: 9 }),
  nTrans: fc.integer({ min: 0, max: 3 }),
  // About one policy in four carries a mistake.
  mistake: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...MISTAKES) }),
}).map(({ nTypes, nAttrs, seedBits, nRules, nTrans, mistake }) => {
  let k = 0;
  const pick = (n: number): number => seedBits[k++ % seedBits.length]! % n;
  const chance = (pct: number): boolean => pick(100) < pct;
  const lines: string[] = [];
  const { types, names, set } = typeVocabulary(pick, nTypes, nAttrs, lines);
  const { classSet, permSet } = classAndPermSets(pick, CLASSES);
  const kinds = ['allow', 'allow', 'allow', 'allow', 'auditallow', 'dontaudit', 'neverallow'];
  lines.push('allow ty0_t self:process fork;');
  for (let i = 0; i < nRules; i++) {
    const kind = kinds[pick(kinds.length)]!;
    const never = kind === 'neverallow';
    const classes = classSet();
    const cls = classes.length === 1 ? classes[0]! : `{ ${classes.join(' ')} }`;
    lines.push(`${kind} ${set(false, never)} ${set(true, never)}:${cls} ${permSet(classes)};`);
  }
  for (let i = 0; i < nTrans; i++) {
    const c = CLASS_NAMES[pick(3)]!;
    const named = chance(30) ? ` "f${pick(3)}"` : '';
    lines.push(`type_transition ${types[pick(nTypes)]} ${set(true, false)}:${c} ${types[pick(nTypes)]}${named};`);
  }
  if (mistake !== null) lines.splice(pick(lines.length + 1), 0, mistake);
  lines.push('role rr;', `role rr types { ${types.join(' ')} };`, 'user uu roles rr;');
  lines.push('sid kernel uu:rr:ty0_t', 'sid unlabeled uu:object_r:ty1_t');
  return { text: HEADER + lines.join('\n') + '\n', types, classes: CLASS_NAMES };
});

/**
 * The types, attributes (with aliases and typeattribute lines appended to `lines`) and the type sets both
 * differential generators draw (this one and test/selinux/differential-gen.ts): a name, or `{ a b -c }` with
 * `self` on targets, `*` and `~` in neverallows. `pick(n)` is the generator's own draw.
 */
export function typeVocabulary(pick: (n: number) => number, nTypes: number, nAttrs: number, lines: string[]): {
  types: string[]; attrs: string[]; names: string[]; set: (target: boolean, never: boolean) => string;
} {
  const chance = (pct: number): boolean => pick(100) < pct;
  const types = Array.from({ length: nTypes }, (_, i) => `ty${i}_t`);
  const attrs = Array.from({ length: nAttrs }, (_, i) => `at${i}`);
  const names = [...types, ...attrs];
  for (const a of attrs) lines.push(`attribute ${a};`);
  types.forEach((t, i) => {
    const alias = chance(20) ? ` alias al${i}_t` : '';
    const attrList = attrs.filter(() => chance(35));
    lines.push(`type ${t}${alias}${attrList.length ? ', ' + attrList.join(', ') : ''};`);
  });
  for (const t of types) for (const a of attrs) if (chance(10)) lines.push(`typeattribute ${t} ${a};`);
  const set = (target: boolean, never: boolean): string => {
    const r = pick(10);
    if (never && r === 0) return '*';
    if (never && r === 1) return `~${names[pick(names.length)]}`;
    if (r <= 4) return target && chance(25) ? 'self' : names[pick(names.length)]!;
    const items = new Set<string>();
    const n = 1 + pick(3);
    for (let i = 0; i < n; i++) items.add(names[pick(names.length)]!);
    if (target && chance(30)) items.add('self');
    const neg = chance(40) ? ` -${types[pick(types.length)]}` : '';
    return `{ ${[...items].join(' ')}${neg} }`;
  };
  return { types, attrs, names, set };
}

/** A rule's classes (sometimes file and dir together) and permissions valid for all of them, from `classes`. */
export function classAndPermSets(pick: (n: number) => number, classes: Record<string, string[]>): {
  classSet: () => string[]; permSet: (chosenClasses: string[]) => string;
} {
  const chance = (pct: number): boolean => pick(100) < pct;
  const classNames = Object.keys(classes);
  const classSet = (): string[] => {
    const c = classNames[pick(3)]!;
    // file and dir share the common's permissions; process shares none with them.
    if (c !== 'process' && chance(20)) return ['file', 'dir'];
    return [c];
  };
  const permSet = (chosenClasses: string[]): string => {
    const r = pick(10);
    if (r === 0) return '*';
    // Permissions common to the classes (so the rule is valid), sometimes complemented.
    const common = classes[chosenClasses[0]!]!.filter((p) => chosenClasses.every((c) => classes[c]!.includes(p)));
    const chosen = common.filter(() => chance(45));
    if (chosen.length === 0) chosen.push(common[pick(common.length)]!);
    if (r === 1) return `~{ ${chosen.join(' ')} }`;
    return chosen.length === 1 ? chosen[0]! : `{ ${chosen.join(' ')} }`;
  };
  return { classSet, permSet };
}
