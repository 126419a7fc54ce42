/*
 * Values of the command language: durations, sizes, modes, integers.
 *   parseDurationNs("1.5ms")  -> 1500000 (ns, us, µs, ms, s; integer ns result)
 *   parseSizeBytes("16M")     -> 16777216 (K, M, G: powers of 1024; KiB/MiB/GiB too)
 *   parseMode("0755")         -> 0o755
 *   parseIntStrict("42")      -> 42
 * Each returns null for a malformed value; the caller reports where.
 */

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

export function parseDurationNs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(text);
  if (m === null) return null;
  const ns = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  const rounded = Math.round(ns);
  if (!Number.isSafeInteger(rounded) || Math.abs(ns - rounded) > 1e-6 * Math.max(1, ns)) return null;
  return rounded;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, K: 1024, KiB: 1024, M: 1024 ** 2, MiB: 1024 ** 2, G: 1024 ** 3, GiB: 1024 ** 3,
};

export function parseSizeBytes(text: string): number | null {
  const m = /^(\d+)(K|KiB|M|MiB|G|GiB)?$/.exec(text);
  if (m === null) return null;
  const bytes = Number(m[1]) * SIZE_UNITS[m[2] ?? '']!;
  return Number.isSafeInteger(bytes) ? bytes : null;
}

export function parseMode(text: string): number | null {
  if (!/^0?[0-7]{3,4}$/.test(text)) return null;
  return parseInt(text, 8);
}

export function parseIntStrict(text: string): number | null {
  if (!/^-?\d+$/.test(text)) return null;
  const v = Number(text);
  return Number.isSafeInteger(v) ? v : null;
}

/** A duration for display: the largest unit that keeps it exact-ish. */
export function formatDurationNs(ns: number): string {
  if (ns >= 1e9 && ns % 1e6 === 0) return `${ns / 1e9}s`;
  if (ns >= 1e6 && ns % 1e3 === 0) return `${ns / 1e6}ms`;
  if (ns >= 1e3) return `${ns / 1e3}us`;
  return `${ns}ns`;
}
