import { endianness } from 'node:os';
import { type Data, type Field, makeData } from 'apache-arrow';
import { ColumnBuilder, INITIAL_CAPACITY } from './column-builder';

// Int64 columns are written as two 32-bit halves, low word first.
if (endianness() !== 'LE') throw new Error('@eventpath/storage builds Arrow columns on little-endian machines only');

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

/** INT8 … UINT32, FLOAT and DOUBLE columns: one JavaScript number per slot. */
export class NumberColumnBuilder extends ColumnBuilder {
  private values: NumberArray;

  constructor(
    field: Field,
    private readonly make: new (length: number) => NumberArray,
  ) {
    super(field);
    this.values = new make(INITIAL_CAPACITY);
  }

  append(value: number): void {
    const index = this.length;
    if (index === this.values.length) this.grow();
    this.values[index] = value;
    this.validity?.valid(index);
    this.length = index + 1;
  }

  appendNull(): void {
    this.markNull();
    const index = this.length;
    if (index === this.values.length) this.grow();
    this.values[index] = 0;
    this.length = index + 1;
  }

  appendDefault(): void {
    this.append(0);
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    this.length = length;
  }

  byteSize(): number {
    return this.length * this.values.BYTES_PER_ELEMENT + this.validityBytes();
  }

  finish(): Data {
    const length = this.length;
    const values = this.values.subarray(0, length);
    const { nullBitmap, nullCount } = this.finishValidity();
    this.values = new this.make(Math.max(INITIAL_CAPACITY, length));
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, data: values } as Parameters<typeof makeData>[0]);
  }

  private grow(): void {
    const values = new this.make(this.values.length * 2);
    values.set(this.values);
    this.values = values;
  }
}

/**
 * INT64, UINT64 and TIMESTAMP columns. Besides bigints, values can be appended as two
 * 32-bit halves or as a safe integer, so a decoder never has to make a bigint.
 */
export class Int64ColumnBuilder extends ColumnBuilder {
  private values: BigInt64Array | BigUint64Array;
  private words: Int32Array;

  constructor(
    field: Field,
    private readonly unsigned: boolean,
  ) {
    super(field);
    this.values = this.allocate(INITIAL_CAPACITY);
    this.words = new Int32Array(this.values.buffer);
  }

  append(value: bigint): void {
    const index = this.length;
    if (index === this.values.length) this.grow();
    this.values[index] = value;
    this.validity?.valid(index);
    this.length = index + 1;
  }

  /** The value whose low 32 bits are `low` and high 32 bits `high` (each as a signed or unsigned 32-bit number). */
  appendWords(low: number, high: number): void {
    const index = this.length;
    if (index === this.values.length) this.grow();
    this.words[2 * index] = low;
    this.words[2 * index + 1] = high;
    this.validity?.valid(index);
    this.length = index + 1;
  }

  /** An integer within ±2^53. */
  appendSafeInteger(value: number): void {
    const high = Math.floor(value / 4294967296);
    this.appendWords(value - high * 4294967296, high);
  }

  appendNull(): void {
    this.markNull();
    const index = this.length;
    if (index === this.values.length) this.grow();
    this.words[2 * index] = 0;
    this.words[2 * index + 1] = 0;
    this.length = index + 1;
  }

  appendDefault(): void {
    this.appendWords(0, 0);
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    this.length = length;
  }

  byteSize(): number {
    return this.length * 8 + this.validityBytes();
  }

  finish(): Data {
    const length = this.length;
    const values = this.values.subarray(0, length);
    const { nullBitmap, nullCount } = this.finishValidity();
    this.values = this.allocate(Math.max(INITIAL_CAPACITY, length));
    this.words = new Int32Array(this.values.buffer);
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, data: values } as Parameters<typeof makeData>[0]);
  }

  private allocate(length: number): BigInt64Array | BigUint64Array {
    return this.unsigned ? new BigUint64Array(length) : new BigInt64Array(length);
  }

  private grow(): void {
    const values = this.allocate(this.values.length * 2);
    new Int32Array(values.buffer).set(this.words);
    this.values = values;
    this.words = new Int32Array(values.buffer);
  }
}

/** BOOLEAN columns, bit-packed as Arrow stores them. */
export class BooleanColumnBuilder extends ColumnBuilder {
  private bits = new Uint8Array(INITIAL_CAPACITY >> 3);

  append(value: boolean): void {
    const index = this.length;
    const byte = index >> 3;
    if (byte === this.bits.length) this.grow();
    if (value) this.bits[byte] |= 1 << (index & 7);
    this.validity?.valid(index);
    this.length = index + 1;
  }

  appendNull(): void {
    this.markNull();
    this.appendBit();
  }

  appendDefault(): void {
    this.append(false);
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    for (let index = length; index < this.length; index++) this.bits[index >> 3] &= ~(1 << (index & 7));
    this.length = length;
  }

  byteSize(): number {
    return ((this.length + 7) >> 3) + this.validityBytes();
  }

  finish(): Data {
    const length = this.length;
    const values = this.bits.subarray(0, (length + 7) >> 3);
    const { nullBitmap, nullCount } = this.finishValidity();
    this.bits = new Uint8Array(Math.max(INITIAL_CAPACITY, length) >> 3);
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, data: values } as Parameters<typeof makeData>[0]);
  }

  /** A false (or null) slot. */
  private appendBit(): void {
    if (this.length >> 3 === this.bits.length) this.grow();
    this.length++;
  }

  private grow(): void {
    const bits = new Uint8Array(this.bits.length * 2);
    bits.set(this.bits);
    this.bits = bits;
  }
}
