/*
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), as much of it as
 * ONNX's ModelProto needs: varints (int32/int64/enums), fixed32 floats, fixed64 doubles and
 * length-delimited strings, bytes, packed arrays and sub-messages. Written here so the package
 * ships no protobuf runtime next to ONNX Runtime Web's.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;

/** A growable byte buffer that protobuf values are appended to. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An unsigned varint of a non-negative safe integer. */
  varint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  /** An int64/int32 varint: negative values as 64-bit two's complement (ten bytes), as protobuf does. */
  int64(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field value ${value} is not a safe integer`);
    if (value >= 0) {
      this.varint(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  float(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
  }

  double(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
  }

  /** A length prefix and the bytes. */
  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Why decoding stopped: the bytes are not the protobuf message they claim to be. */
export class ProtoDecodeError extends Error {}

/** Reads protobuf values from `bytes[start, end)`, checking every length against the end. */
export class ProtoReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new ProtoDecodeError(`a field reads past the end of its message (${this.pos} + ${n} > ${this.end})`);
  }

  /** A varint as a number: exact up to 2^53, and int64s below zero read back negative. */
  varint(): number {
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      if (i < 4) low |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        low |= (b & 0x0f) << 28;
        high |= (b & 0x7f) >> 4;
      } else high |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        const lo = low >>> 0;
        // A set top bit is a negative int64 (two's complement).
        if (high & 0x80000000) return -((~high >>> 0) * TWO_32 + ((~lo >>> 0) + 1));
        return (high >>> 0) * TWO_32 + lo;
      }
    }
    throw new ProtoDecodeError("invalid varint encoding (more than 10 bytes)");
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bounds, after checking they lie inside the message. */
  lengthDelimited(): { start: number; end: number } {
    const n = this.varint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return { start, end: this.pos };
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) {
      this.need(8);
      this.pos += 8;
    } else if (wire === WIRE_LENGTH) this.lengthDelimited();
    else if (wire === WIRE_FIXED32) {
      this.need(4);
      this.pos += 4;
    } else throw new ProtoDecodeError(`unknown wire type ${wire} at offset ${this.pos}`);
  }
}
