import { isUtf8 } from 'node:buffer';
import { type Data, makeData } from 'apache-arrow';
import { ColumnBuilder, INITIAL_CAPACITY } from './column-builder';

/** Arrow's 32-bit offsets address at most this many bytes per column of one batch. */
const MAX_BYTES = 2 ** 31 - 1;

/** Offsets and bytes of a Binary or Utf8 column. */
abstract class VariableWidthColumnBuilder extends ColumnBuilder {
  protected offsets = new Int32Array(INITIAL_CAPACITY + 1);
  protected bytes = new Uint8Array(INITIAL_CAPACITY * 16);
  protected buffer = Buffer.from(this.bytes.buffer);
  /** Bytes used so far (the last offset). */
  protected end = 0;

  /** `source[start, end)` as the next value, copied. */
  appendBytes(source: Uint8Array, start: number, end: number): void {
    const size = end - start;
    const at = this.end;
    if (at + size > this.bytes.length) this.reserve(size);
    const bytes = this.bytes;
    if (size < 32) {
      for (let i = 0; i < size; i++) bytes[at + i] = source[start + i];
    } else {
      bytes.set(source.subarray(start, end), at);
    }
    this.commit(at + size);
  }

  appendNull(): void {
    this.markNull();
    this.commitSlot(this.end);
  }

  appendDefault(): void {
    this.commit(this.end);
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    this.end = this.offsets[length];
    this.length = length;
  }

  byteSize(): number {
    return this.end + 4 * (this.length + 1) + this.validityBytes();
  }

  finish(): Data {
    const length = this.length;
    const valueOffsets = this.offsets.subarray(0, length + 1);
    const data = this.bytes.subarray(0, this.end);
    const { nullBitmap, nullCount } = this.finishValidity();
    this.offsets = new Int32Array(Math.max(INITIAL_CAPACITY, length) + 1);
    this.bytes = new Uint8Array(Math.max(INITIAL_CAPACITY * 16, this.end));
    this.buffer = Buffer.from(this.bytes.buffer);
    this.end = 0;
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, valueOffsets, data } as Parameters<typeof makeData>[0]);
  }

  /** Ends a valid slot whose bytes run up to `end`. */
  protected commit(end: number): void {
    this.validity?.valid(this.length);
    this.commitSlot(end);
  }

  protected reserve(size: number): void {
    const needed = this.end + size;
    if (needed > MAX_BYTES) {
      throw new RangeError(`column ${this.field.name}: more than ${MAX_BYTES} bytes in one batch; take batches more often`);
    }
    const bytes = new Uint8Array(Math.min(MAX_BYTES, Math.max(needed, this.bytes.length * 2)));
    bytes.set(this.bytes.subarray(0, this.end));
    this.bytes = bytes;
    this.buffer = Buffer.from(bytes.buffer);
  }

  private commitSlot(end: number): void {
    const index = this.length + 1;
    if (index === this.offsets.length) {
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.offsets[index] = end;
    this.end = end;
    this.length = index;
  }
}

/** BYTE_ARRAY columns without a logical type. */
export class BinaryColumnBuilder extends VariableWidthColumnBuilder {
  append(value: Uint8Array): void {
    this.appendBytes(value, 0, value.length);
  }
}

/**
 * STRING, ENUM and JSON columns. `append` encodes a JavaScript string as UTF-8 (lone
 * surrogates as U+FFFD, as Buffer does); `appendBytes` takes bytes that are already valid UTF-8.
 */
export class Utf8ColumnBuilder extends VariableWidthColumnBuilder {
  append(value: string): void {
    const length = value.length;
    const at = this.end;
    // At most 3 bytes per UTF-16 code unit.
    if (at + 3 * length > this.bytes.length) this.reserve(3 * length);
    const bytes = this.bytes;
    let i = 0;
    if (length < 64) {
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        bytes[at + i] = code;
      }
    }
    this.commit(i === length ? at + length : at + this.buffer.write(value, at));
  }

  /**
   * Bytes that should be UTF-8 (a protobuf string field's, say): copied as they are when they
   * are valid UTF-8, else appended as Buffer#toString decodes them (each bad sequence U+FFFD).
   */
  appendUtf8(source: Uint8Array, start: number, end: number): void {
    const size = end - start;
    const at = this.end;
    if (at + size > this.bytes.length) this.reserve(size);
    const bytes = this.bytes;
    let valid: boolean;
    if (size < 64) {
      let seen = 0;
      for (let i = 0; i < size; i++) {
        const byte = source[start + i];
        bytes[at + i] = byte;
        seen |= byte;
      }
      valid = seen < 0x80 || isUtf8(source.subarray(start, end));
    } else {
      const slice = source.subarray(start, end);
      bytes.set(slice, at);
      valid = isUtf8(slice);
    }
    if (valid) this.commit(at + size);
    else this.append(Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('utf8', start, end));
  }
}
