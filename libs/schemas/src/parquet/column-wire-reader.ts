import { WireReader } from '../codec/wire-reader';

/**
 * The wire reader, reading 64-bit integers as their two 32-bit words (`low`, `high`)
 * rather than as bigints, for the Arrow column builders' `appendWords`. The varint itself
 * is WireReader's (its bounds checks and errors).
 */
export class ColumnWireReader extends WireReader {
  low = 0;
  high = 0;

  /** A varint (int64, uint64): its words are the value's two's complement. */
  varintWords(): void {
    // WireReader's own (private) varint reader; element access keeps it type-checked.
    this['varint64']();
    this.low = this['lo'];
    this.high = this['hi'];
  }

  /** A zigzag varint (sint64). */
  zigzagWords(): void {
    this.varintWords();
    const mask = -(this.low & 1);
    const low = ((this.low >>> 1) | (this.high << 31)) ^ mask;
    this.high = (this.high >>> 1) ^ mask;
    this.low = low;
  }

  /** 8 little-endian bytes (fixed64, sfixed64). */
  fixedWords(): void {
    if (this.len - this.pos < 8) this.fixed64(); // throws WireReader's truncation error
    this.low = this.buf.readUInt32LE(this.pos);
    this.high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }
}
