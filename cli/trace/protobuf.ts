/*
 * A small Protocol Buffers encoder (the wire format only: no schema, no reflection).
 *   ProtoWriter                 varint(field, n), bool, double, fixed64, string, bytes, message(field, build)
 *   ProtoWriter.finish()        the bytes written so far (the writer starts over)
 * Nested messages are written in place (no buffer per level).
 * Wire types: 0 varint, 1 64-bit, 2 length-delimited. Integers are exact up to
 * 2^53 (virtual ns and ids fit); a negative int64 is written as ten bytes of
 * two's complement, as the spec says for int64 (not zigzag, which is sint64).
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;

export class ProtoWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  /** An unsigned varint, 7 bits a byte, low first. */
  rawVarint(value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new Error(`protobuf varint out of range: ${value}`);
    this.room(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** uint64, uint32, enum, or a non-negative int64. */
  varint(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
  }

  /** int64 that may be negative. */
  int64(field: number, value: number): void {
    if (value >= 0) {
      this.varint(field, value);
      return;
    }
    this.tag(field, WIRE_VARINT);
    this.room(10);
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  bool(field: number, value: boolean): void {
    this.varint(field, value ? 1 : 0);
  }

  double(field: number, value: number): void {
    this.tag(field, WIRE_I64);
    this.room(8);
    this.buf.writeDoubleLE(value, this.len);
    this.len += 8;
  }

  fixed64(field: number, value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new Error(`protobuf fixed64 out of range: ${value}`);
    this.tag(field, WIRE_I64);
    this.room(8);
    this.buf.writeUInt32LE(value % 0x1_0000_0000, this.len);
    this.buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), this.len + 4);
    this.len += 8;
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.rawVarint(value.length);
    this.room(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
  }

  string(field: number, value: string): void {
    this.tag(field, WIRE_LEN);
    const n = Buffer.byteLength(value, 'utf8');
    this.rawVarint(n);
    this.room(n);
    this.len += this.buf.write(value, this.len, 'utf8');
  }

  /**
   * A nested message: build writes its fields in place after a one-byte length;
   * a body of 128 bytes or more moves up to make room for its longer varint.
   */
  message(field: number, build: (w: ProtoWriter) => void): void {
    this.tag(field, WIRE_LEN);
    this.room(1);
    const at = this.len++;
    build(this);
    const size = this.len - at - 1;
    if (size < 0x80) {
      this.buf[at] = size;
      return;
    }
    let extra = 0;
    for (let v = size; v >= 0x80; v = Math.floor(v / 0x80)) extra++;
    this.room(extra);
    this.buf.copy(this.buf, at + 1 + extra, at + 1, this.len);
    const end = this.len + extra;
    this.len = at;
    this.rawVarint(size);
    this.len = end;
  }

  get length(): number {
    return this.len;
  }

  /** The bytes written so far, as a copy; the writer starts over. */
  finish(): Uint8Array {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}
