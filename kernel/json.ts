/*
 * A JSON encoder for plain data (numbers, strings, booleans, null, arrays,
 * plain objects, as trace records hold), giving exactly JSON.stringify's
 * text. JSON.stringify costs ~1 µs for a small object on this Node; this
 * costs a few hundred ns, which is most of a traced run's time.
 *   toJson(value)     the JSON text, or undefined where JSON.stringify gives undefined
 *   jsonString(s)     a string literal
 * It keeps no cache: a module-level one would be state shared by every system
 * in the process (DESIGN §2); the trace sink's own writer caches per instance.
 */

/** Characters JSON.stringify escapes: controls, quote, backslash, and (lone) surrogates. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

export function toJson(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
      return jsonString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          out += toJson(v[i]) ?? 'null';
        }
        return out + ']';
      }
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return JSON.stringify(v);
      const obj = v as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(obj)) {
        const text = toJson(obj[key]);
        if (text === undefined) continue;
        out += (first ? '' : ',') + jsonString(key) + ':' + text;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      return JSON.stringify(v); // throws, as JSON.stringify does
    default:
      return undefined;
  }
}
