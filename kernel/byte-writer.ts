/*
 * A JSON writer that encodes trace records straight into a reused byte
 * buffer: no intermediate strings, so nothing for the collector per record.
 * Its output is byte for byte the UTF-8 of JSON.stringify's text.
 *   new ByteWriter(capacity, drain)  drain(bytes) is called with each full chunk (and must not keep it)
 *   value(v)                         any plain-data JSON value
 *   string(s), int(n), ascii(text)   pieces; ascii() only for text known to need no escaping
 *   flush()                          hand the buffered bytes to drain
 */

const MAX_CACHED = 1 << 14;
const encoder = new TextEncoder();
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** "00" to "99" as ASCII, two bytes each: smallInt writes two digits per division. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;
  private readonly drain: (bytes: Uint8Array) => void;
  /** Encoded JSON string literals of short recurring strings (names, types, keys). */
  private readonly literals = new Map<string, Uint8Array>();

  constructor(capacity: number, drain: (bytes: Uint8Array) => void) {
    this.buf = new Uint8Array(capacity);
    this.drain = drain;
  }

  /** Make room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n * 2);
  }

  /** Hand the buffered bytes to drain, which must be done with them when it returns: the buffer is reused. */
  flush(): void {
    if (this.pos === 0) return;
    this.drain(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Text of ASCII characters that need no escaping (keys, punctuation, kinds). */
  ascii(text: string): void {
    const n = text.length;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /**
   * Reserve `n` bytes for a run of put() calls (constants, known sizes):
   * one bounds check instead of one per piece.
   */
  reserve(n: number): void {
    this.room(n);
  }

  /** Copy pre-encoded bytes; the caller reserved room. A short copy by hand beats a native call; a long one does not. */
  put(b: Uint8Array): void {
    const n = b.length;
    if (n > 24) {
      this.buf.set(b, this.pos);
      this.pos += n;
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = b[i]!;
    this.pos = pos;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  int(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(Number.isFinite(n) ? String(n) : 'null');
      return;
    }
    this.room(17);
    if (n < 0) {
      this.buf[this.pos++] = 45; // '-'
      n = -n;
    }
    if (n < 1_000_000_000) {
      this.smallInt(n, 0);
      return;
    }
    // Virtual times pass 2^31 ns after 2 s: write the high part, then nine digits.
    const high = Math.floor(n / 1_000_000_000);
    this.smallInt(high, 0);
    this.smallInt(n - high * 1_000_000_000, 9);
  }

  /** n < 1e9 in decimal, zero-padded to minDigits. Small-integer arithmetic only, two digits a step. */
  private smallInt(n: number, minDigits: number): void {
    let digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5
      : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : 9;
    if (digits < minDigits) digits = minDigits;
    const buf = this.buf;
    let end = this.pos + digits;
    this.pos = end;
    for (; digits >= 2; digits -= 2) {
      const q = (n / 100) | 0;
      const pair = (n - q * 100) << 1;
      buf[--end] = DIGIT_PAIRS[pair + 1]!;
      buf[--end] = DIGIT_PAIRS[pair]!;
      n = q;
    }
    if (digits === 1) buf[--end] = 48 + n;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    if (s.length <= 32) {
      let lit = this.literals.get(s);
      if (lit === undefined) {
        lit = encoder.encode(JSON.stringify(s));
        if (this.literals.size < MAX_CACHED) this.literals.set(s, lit);
      }
      if (lit.length <= 16) {
        // A short copy by hand beats a native call.
        this.room(lit.length);
        const buf = this.buf;
        let pos = this.pos;
        for (let i = 0; i < lit.length; i++) buf[pos++] = lit[i]!;
        this.pos = pos;
      } else {
        this.bytes(lit);
      }
      return;
    }
    if (!NEEDS_ESCAPE.test(s)) {
      this.room(s.length * 3 + 2);
      this.buf[this.pos++] = 34;
      this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
      this.buf[this.pos++] = 34;
      return;
    }
    const text = JSON.stringify(s);
    this.room(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buf.subarray(this.pos)).written;
  }

  /** Any plain-data value, as JSON.stringify writes it (undefined members of objects skipped). */
  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) this.int(v);
        else this.ascii(Number.isFinite(v) ? String(v) : 'null');
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) { this.ascii('null'); return; }
        if (Array.isArray(v)) {
          this.byte(91); // [
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.byte(44);
            const item = v[i];
            if (item === undefined || typeof item === 'function' || typeof item === 'symbol') this.ascii('null');
            else this.value(item);
          }
          this.byte(93);
          return;
        }
        if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) {
          const text = JSON.stringify(v);
          if (text !== undefined) this.raw(text);
          return;
        }
        this.object(v as Record<string, unknown>);
        return;
      default:
        this.ascii('null');
    }
  }

  private object(obj: Record<string, unknown>): void {
    this.byte(123); // {
    let first = true;
    for (const key of Object.keys(obj)) {
      const item = obj[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) this.byte(44);
      first = false;
      this.string(key);
      this.byte(58);
      this.value(item);
    }
    this.byte(125);
  }

  /** Text that is already JSON (any characters). */
  raw(text: string): void {
    this.room(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buf.subarray(this.pos)).written;
  }
}
