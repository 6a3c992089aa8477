import { ValueProblem } from './value-problem';

/**
 * Reads the protobuf wire format from one buffer. Every read checks the
 * buffer's bounds; the generated decoders check message bounds. Integers
 * wider than 32 bits come back as bigint so no value is rounded.
 */
export class WireReader {
  readonly buf: Buffer;
  readonly len: number;
  pos = 0;
  private lo = 0;
  private hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = this.buf.length;
  }

  tag(): number {
    const pos = this.pos;
    if (pos < this.len) {
      const first = this.buf[pos];
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.uint32();
  }

  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.len) throw this.truncated('a varint');
      const byte = buf[pos++];
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new ValueProblem(`malformed varint at offset ${this.pos}`);
  }

  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const value = this.uint32();
    return (value >>> 1) ^ -(value & 1);
  }

  bool(): boolean {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  uint64(): bigint {
    this.varint64();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  int64(): bigint {
    this.varint64();
    return bitsToSigned(this.lo, this.hi);
  }

  sint64(): bigint {
    this.varint64();
    const mask = -(this.lo & 1);
    const lo = ((this.lo >>> 1) | (this.hi << 31)) ^ mask;
    const hi = (this.hi >>> 1) ^ mask;
    return bitsToSigned(lo >>> 0, hi >>> 0);
  }

  fixed32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  sfixed32(): number {
    this.need(4);
    const value = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  sfixed64(): bigint {
    this.need(8);
    const value = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  float(): number {
    this.need(4);
    const value = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  string(): string {
    const end = this.delimited();
    const buf = this.buf;
    let pos = this.pos;
    // Short ASCII strings (ids, codes, enum-like values) dominate events;
    // building them directly avoids the cost of a native call per string.
    if (end - pos < 24) {
      let ascii = '';
      while (pos < end) {
        const byte = buf[pos];
        if (byte >= 0x80) break;
        ascii += String.fromCharCode(byte);
        pos++;
      }
      if (pos === end) {
        this.pos = end;
        return ascii;
      }
    }
    const value = buf.toString('utf8', this.pos, end);
    this.pos = end;
    return value;
  }

  /** A copy, so the message stays valid when the input buffer is reused. */
  bytes(): Uint8Array {
    const end = this.delimited();
    const value = new Uint8Array(this.buf.subarray(this.pos, end));
    this.pos = end;
    return value;
  }

  /** Reads a length prefix and returns where the delimited content ends. */
  delimited(): number {
    const length = this.uint32();
    if (length > this.len - this.pos) {
      throw new ValueProblem(
        `truncated: length ${length} at offset ${this.pos} runs past the end of the input (${this.len - this.pos} bytes left)`,
      );
    }
    return this.pos + length;
  }

  /** Skips a field this schema does not know, as protobuf requires. */
  skip(wireType: number, fieldNumber: number): void {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.delimited();
        return;
      case 3:
        for (;;) {
          if (this.pos >= this.len) throw this.truncated(`the end of group ${fieldNumber}`);
          const tag = this.uint32();
          if ((tag & 7) === 4) {
            if (tag >>> 3 !== fieldNumber) throw new ValueProblem(`group ${fieldNumber} closed by end-group ${tag >>> 3}`);
            return;
          }
          this.skip(tag & 7, tag >>> 3);
        }
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ValueProblem(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private varint64(): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.len) throw this.truncated('a varint');
      const byte = buf[pos++];
      if (shift < 28) {
        lo |= (byte & 0x7f) << shift;
      } else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else {
        hi |= (byte & 0x7f) << (shift - 32);
      }
      if (byte < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new ValueProblem(`malformed varint at offset ${this.pos}`);
  }

  private need(bytes: number): void {
    if (this.len - this.pos < bytes) throw this.truncated(`${bytes} bytes`);
  }

  private truncated(what: string): ValueProblem {
    return new ValueProblem(`truncated: expected ${what} at offset ${this.pos}, input ends at ${this.len}`);
  }
}

function bitsToSigned(lo: number, hi: number): bigint {
  if (hi === 0) return BigInt(lo);
  if (hi === 0xffffffff && lo >= 0x80000000) return BigInt(lo | 0);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}
