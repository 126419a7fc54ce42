/*
 * `mksim policy check|compile|query`: compile a policy.conf as checkpolicy
 * does (exit 0 valid, 2 with file:line:column), write it compiled for many
 * queries, and search its rules as sesearch does (or several searches from a
 * batch file in one run).
 *   register(program)   the subcommand
 *   readPolicy(path)    a policy.conf or a compiled policy file -> { policy, rules }
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { ParseError } from '../../lib/parse-error.js';
import { compilePolicy } from '../../servers/security/compile.js';
import { parsePolicy } from '../../servers/security/parse.js';
import { isPolicyFile, readPolicyFile, writePolicyFile, type PolicyFileContents } from '../../servers/security/policy-file.js';
import { withBooleans } from '../../servers/security/policy.js';
import { queryAllowed } from '../../servers/security/query.js';
import { policyRules, searchRules, type RuleKind, type RuleQuery } from '../../servers/security/search.js';
import { OperationError, UsageError } from '../errors.js';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function readPolicy(path: string): PolicyFileContents {
  const text = readText(path, 'policy');
  if (isPolicyFile(text)) {
    const r = readPolicyFile(text);
    if (!r.ok) throw new UsageError(`${path}: ${r.error}`);
    return r.value;
  }
  const ast = parsePolicy(text, path);
  const policy = compilePolicy(ast, text);
  return { policy, rules: policyRules(ast, policy) };
}

interface QueryOpts {
  allow?: boolean; auditallow?: boolean; dontaudit?: boolean; type_trans?: boolean; type_change?: boolean; type_member?: boolean;
  role_allow?: boolean; role_trans?: boolean; source?: string; target?: string; class?: string; perms?: string; bool?: string[]; effective?: boolean; batch?: string;
}

/** The search options, sesearch's names; one definition for the command line and for each line of a batch file. */
function queryOptions(cmd: Command): Command {
  return cmd
    .option('-A, --allow', 'allow rules (the default when no rule type is given)')
    .option('--auditallow', 'auditallow rules')
    .option('--dontaudit', 'dontaudit rules')
    .option('-T, --type_trans', 'type_transition rules')
    .option('--type_change', 'type_change rules')
    .option('--type_member', 'type_member rules')
    .option('--role_allow', 'role allow rules (-s/-t name roles)')
    .option('--role_trans', 'role_transition rules (-s a role, -t a type)')
    .option('-s, --source <name>', 'source type or attribute (rules whose source overlaps it)')
    .option('-t, --target <name>', 'target type or attribute')
    .option('-c, --class <list>', 'comma-separated object classes')
    .option('-p, --perms <list>', 'comma-separated permissions (rules holding any of them)')
    .option('-b, --bool <list>', 'comma-separated booleans: the conditional rules naming any of them (sesearch -b); NAME=1|0 instead answers as --effective with the booleans set (repeatable)',
      (value: string, prev: string[] | undefined) => [...(prev ?? []), ...value.split(',').map((x) => x.trim()).filter((x) => x !== '')]);
}

function toQuery(o: QueryOpts): RuleQuery {
  const kinds = new Set<RuleKind>();
  if (o.allow) kinds.add('allow');
  if (o.auditallow) kinds.add('auditallow');
  if (o.dontaudit) kinds.add('dontaudit');
  if (o.type_trans) kinds.add('type_transition');
  if (o.type_change) kinds.add('type_change');
  if (o.type_member) kinds.add('type_member');
  if (o.role_allow) kinds.add('role_allow');
  if (o.role_trans) kinds.add('role_transition');
  if (kinds.size === 0) kinds.add('allow');
  const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));
  return { kinds, source: o.source, target: o.target, classes: list(o.class), perms: list(o.perms), bools: o.bool };
}

function search(path: string, p: PolicyFileContents, q: RuleQuery): string[] {
  const r = searchRules(p.policy, p.rules, q);
  if (!r.ok) throw new UsageError(`${path}: ${r.error}`);
  return r.lines;
}

/** Each line of FILE is one search (the options of `policy query`); the results follow a `# LINE` header. */
function runBatch(p: PolicyFileContents, file: string): string {
  const text = readText(file, 'batch file');
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // The column of the word the message names (a quoted option or the first word), else of the line.
    const where = (detail: string) => {
      const word = /'([^']+)'/.exec(detail)?.[1] ?? detail.split(' ')[0]!;
      const at = raw.split(/(\s+)/).reduce((acc, part) => (acc.found || part !== word ? { ...acc, col: acc.found ? acc.col : acc.col + part.length } : { ...acc, found: true }), { col: 0, found: false });
      const column = at.found ? at.col + 1 : raw.indexOf(line) + 1;
      return new ParseError(detail, { file, line: i + 1, column, sourceLine: raw });
    };
    const cmd = queryOptions(new Command('query')).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    try {
      cmd.parse(line.split(/\s+/), { from: 'user' });
    } catch (err) {
      throw where((err as Error).message.replace(/^error: /, ''));
    }
    if (cmd.args.length > 0) throw where(`unexpected argument ${cmd.args[0]}`);
    const r = searchRules(p.policy, p.rules, toQuery(cmd.opts<QueryOpts>()));
    if (!r.ok) throw where(r.error);
    out.push(`# ${line}`, ...r.lines);
  });
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

export function register(program: Command): void {
  const policy = program.command('policy').description('check, compile and query SELinux policies (policy.conf, as checkpolicy compiles them)');
  policy
    .command('check')
    .description('compile a policy.conf; exit 0 if valid, 2 with file:line:column if not')
    .argument('<policy>', 'policy.conf file (or a compiled policy)')
    .action((path: string) => {
      const p = readPolicy(path).policy;
      const rules = [...p.avtab.values()].filter((e) => e.allowed !== 0).length;
      process.stdout.write(`${path}: valid: ${p.classes.length} classes, ${p.types.length} types, ${p.attributes.size} attributes, `
        + `${p.roleTypes.size} roles, ${p.users.size} users, ${rules} allow entries\n`);
    });
  policy
    .command('compile')
    .description('compile a policy.conf into a policy file that queries read without recompiling')
    .argument('<policy>', 'policy.conf file')
    .requiredOption('-o, --output <file>', 'the compiled policy file to write')
    .action((path: string, opts: { output: string }) => {
      const p = readPolicy(path);
      try {
        writeFileSync(opts.output, writePolicyFile(p.policy, p.rules));
      } catch (err) {
        throw new OperationError(`cannot write ${opts.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    });
  queryOptions(policy
    .command('query')
    .description('print the rules matching a search, one a line as sesearch prints them (`allow S T:C { p q };`), sorted')
    .argument('<policy>', 'policy.conf file or compiled policy file'))
    .option('--effective', 'with -s TYPE -t TYPE -c CLASS: the permissions allowed in effect, attributes expanded, as one line')
    .option('--batch <file>', 'run the searches of FILE, one per line (the options above), each after a `# LINE` header')
    .action((path: string, opts: QueryOpts) => {
      const p = readPolicy(path);
      if (opts.batch !== undefined) { process.stdout.write(runBatch(p, opts.batch)); return; }
      // `-b NAME=VALUE` is not sesearch's filter: it asks what the policy allows with the booleans set.
      const settings = (opts.bool ?? []).filter((b) => b.includes('='));
      if (settings.length > 0 && settings.length !== opts.bool!.length) throw new UsageError('-b takes either boolean names (a filter) or NAME=VALUE settings, not both');
      if (opts.effective || settings.length > 0) {
        if (opts.source === undefined || opts.target === undefined || opts.class === undefined) throw new UsageError('the effective permissions need -s TYPE, -t TYPE and -c CLASS');
        const values = new Map<string, boolean>();
        for (const item of settings) {
          const m = /^([^=]+)=(1|0|on|off|true|false)$/i.exec(item);
          if (m === null) throw new UsageError(`-b ${item}: expected NAME=1|0|on|off|true|false`);
          values.set(m[1]!, /^(1|on|true)$/i.test(m[2]!));
        }
        const set = withBooleans(p.policy, values);
        if (set === null) {
          const unknown = [...values.keys()].find((n) => !p.policy.booleans.includes(n));
          throw new UsageError(`${path}: unknown boolean ${unknown} (booleans: ${p.policy.booleans.join(', ') || 'none'})`);
        }
        const r = queryAllowed(set, opts.source, opts.target, opts.class);
        if (!r.ok) throw new UsageError(`${path}: ${r.error}`);
        if (r.line !== null) process.stdout.write(r.line + '\n');
        return;
      }
      const lines = search(path, p, toQuery(opts));
      if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
    });
}
