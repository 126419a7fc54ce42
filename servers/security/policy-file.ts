/*
 * The compiled policy file (`mksim policy compile in.conf -o out.mkpol`): a
 * compiled policy and its rule table, so many queries need no recompiling.
 * A header line (magic, format version, the policy's shape, a SHA-256 of the body), then JSON.
 *   writePolicyFile(policy, rules)   the file's text
 *   readPolicyFile(text)             { policy, rules }, or an error saying why the file is refused
 *   isPolicyFile(text)               whether a text starts with the magic
 */
import { createHash } from 'node:crypto';
import { loadPolicy } from './compile.js';
import type { CompiledPolicy } from './policy.js';
import type { PolicyRules } from './search.js';

const MAGIC = 'mksim-policy';
/** Bump when CompiledPolicy or PolicyRules change meaning; a shape change is caught apart (below). */
export const POLICY_FILE_VERSION = 1;

export interface PolicyFileContents { readonly policy: CompiledPolicy; readonly rules: PolicyRules }
export type PolicyFileRead = { ok: true; value: PolicyFileContents } | { ok: false; error: string };

export function isPolicyFile(text: string): boolean {
  return text.startsWith(`${MAGIC} `);
}

/** Maps, sets and typed arrays as tagged objects; everything else is plain JSON data. */
function encode(v: unknown): unknown {
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [encode(k), encode(x)]) };
  if (v instanceof Set) return { $set: [...v].map(encode) };
  if (v instanceof Uint32Array || v instanceof Int32Array || v instanceof Uint8Array || v instanceof Uint16Array) {
    return { $typed: v.constructor.name, data: [...v] };
  }
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object') {
    if (Object.getPrototypeOf(v) !== Object.prototype) throw new Error(`cannot write a ${(v as object).constructor.name} into a policy file`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  }
  if (typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') throw new Error(`cannot write a ${typeof v} into a policy file`);
  return v;
}

const TYPED: Record<string, (data: number[]) => unknown> = {
  Uint32Array: (d) => Uint32Array.from(d), Int32Array: (d) => Int32Array.from(d), Uint8Array: (d) => Uint8Array.from(d), Uint16Array: (d) => Uint16Array.from(d),
};

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.$map)) return new Map((o.$map as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    if (Array.isArray(o.$set)) return new Set((o.$set as unknown[]).map(decode));
    if (typeof o.$typed === 'string' && Array.isArray(o.data)) {
      const make = TYPED[o.$typed];
      if (make === undefined) throw new Error(`unknown array type ${o.$typed}`);
      return make(o.data as number[]);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/** The policy's top-level fields and their kinds: a file written by a build with another representation is refused. */
function shapeOf(policy: CompiledPolicy): string {
  const kinds = Object.entries(policy).map(([k, v]) => `${k}:${v instanceof Map ? 'map' : v instanceof Set ? 'set' : Array.isArray(v) ? 'array' : typeof v}`);
  return createHash('sha256').update(kinds.sort().join(',')).digest('hex').slice(0, 16);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function writePolicyFile(policy: CompiledPolicy, rules: PolicyRules): string {
  const body = JSON.stringify(encode({ policy, rules }));
  return `${MAGIC} ${POLICY_FILE_VERSION} ${shapeOf(policy)} ${sha256(body)}\n${body}\n`;
}

/** The smallest policy checkpolicy accepts: its compiled form gives this build's shape. */
const SMALLEST = 'class c\nsid k\nclass c { p }\ntype t;\nrole r;\nrole r types t;\nuser u roles r;\nsid k u:r:t\n';

export function readPolicyFile(text: string): PolicyFileRead {
  const nl = text.indexOf('\n');
  const header = (nl < 0 ? text : text.slice(0, nl)).split(' ');
  if (header[0] !== MAGIC) return { ok: false, error: 'not a compiled mksim policy (no mksim-policy header)' };
  const version = Number(header[1]);
  if (header.length !== 4 || !Number.isInteger(version)) return { ok: false, error: 'corrupt compiled policy: malformed header line' };
  if (version !== POLICY_FILE_VERSION) {
    return { ok: false, error: `compiled policy format version ${version}, but this mksim reads version ${POLICY_FILE_VERSION}: recompile it with mksim policy compile` };
  }
  if (header[2] !== shapeOf(loadPolicy(SMALLEST, 'smallest.conf'))) return { ok: false, error: 'compiled policy written by a build of mksim with another policy representation: recompile it with mksim policy compile' };
  const body = nl < 0 ? '' : text.slice(nl + 1).replace(/\n$/, '');
  if (sha256(body) !== header[3]) return { ok: false, error: 'corrupt compiled policy: checksum mismatch (truncated or edited)' };
  try {
    const value = decode(JSON.parse(body)) as PolicyFileContents;
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: `corrupt compiled policy: ${(err as Error).message}` };
  }
}
