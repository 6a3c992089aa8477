/**
 * Just enough of the Thrift compact protocol to edit a serialised Parquet struct without
 * knowing all of it: a struct is read as its fields, each kept as the raw bytes of its
 * value, so fields nobody touches are written back byte for byte. Used to rewrite the
 * footer the parquet-wasm writer produces (parquet-wasm/footer-patch.ts).
 */

export const CompactType = {
  BOOLEAN_TRUE: 1,
  BOOLEAN_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** One field of a struct: its id, its compact type and its value's bytes (none for booleans, whose value is the type). */
export interface CompactField {
  id: number;
  type: number;
  value: Uint8Array;
}

export class CompactReader {
  position: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.position = start;
  }

  /** The fields of the struct that starts here, up to its STOP byte. */
  struct(): CompactField[] {
    const fields: CompactField[] = [];
    let id = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === 0) return fields;
      const delta = header >> 4;
      id = delta === 0 ? this.zigzag32() : id + delta;
      const start = this.position;
      this.skip(type);
      fields.push({ id, type, value: this.bytes.subarray(start, this.position) });
    }
  }

  /** The raw elements of the list that starts here. */
  list(): { elementType: number; elements: Uint8Array[] } {
    const header = this.byte();
    const elementType = header & 0x0f;
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    const elements: Uint8Array[] = [];
    for (let i = 0; i < size; i++) {
      const start = this.position;
      this.skipElement(elementType);
      elements.push(this.bytes.subarray(start, this.position));
    }
    return { elementType, elements };
  }

  varint(): number {
    let value = 0;
    let factor = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) return value;
      factor *= 128;
    }
  }

  /** A zigzag varint (i16, i32, and i64 below 2^53). */
  zigzag32(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  binary(): Uint8Array {
    const length = this.varint();
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  private byte(): number {
    if (this.position >= this.bytes.length) throw new Error('Thrift compact: unexpected end of data');
    return this.bytes[this.position++];
  }

  private skip(type: number): void {
    switch (type) {
      case CompactType.BOOLEAN_TRUE:
      case CompactType.BOOLEAN_FALSE:
        return;
      default:
        this.skipElement(type);
    }
  }

  private skipElement(type: number): void {
    switch (type) {
      case CompactType.BOOLEAN_TRUE:
      case CompactType.BOOLEAN_FALSE:
      case CompactType.BYTE:
        this.position++;
        return;
      case CompactType.I16:
      case CompactType.I32:
      case CompactType.I64:
        this.varint();
        return;
      case CompactType.DOUBLE:
        this.position += 8;
        return;
      case CompactType.BINARY: {
        const length = this.varint();
        this.position += length;
        return;
      }
      case CompactType.LIST:
      case CompactType.SET:
        this.list();
        return;
      case CompactType.MAP: {
        const size = this.varint();
        if (size === 0) return;
        const types = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(types >> 4);
          this.skipElement(types & 0x0f);
        }
        return;
      }
      case CompactType.STRUCT:
        this.struct();
        return;
      default:
        throw new Error(`Thrift compact: unknown type ${type} at byte ${this.position}`);
    }
  }
}

/** A struct from its fields, in ascending id order. */
export function writeStruct(fields: readonly CompactField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const field of [...fields].sort((a, b) => a.id - b.id)) {
    const delta = field.id - last;
    parts.push(delta > 0 && delta <= 15 ? Uint8Array.of((delta << 4) | field.type) : Uint8Array.of(field.type, ...varint(zigzag(field.id))));
    parts.push(field.value);
    last = field.id;
  }
  parts.push(Uint8Array.of(0));
  return concat(parts);
}

export function writeList(elementType: number, elements: readonly Uint8Array[]): Uint8Array {
  const size = elements.length;
  const header = size < 15 ? Uint8Array.of((size << 4) | elementType) : Uint8Array.of(0xf0 | elementType, ...varint(size));
  return concat([header, ...elements]);
}

export function writeBinary(value: string | Uint8Array): Uint8Array {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return concat([Uint8Array.of(...varint(bytes.length)), bytes]);
}

/** An i16 or i32 value (or an i64 below 2^53: the encoding is the same). */
export function writeI32(value: number): Uint8Array {
  return Uint8Array.of(...varint(zigzag(value)));
}

/** An i64 value below 2^53. */
export function writeI64(value: number): Uint8Array {
  return writeI32(value);
}

export function readI32(value: Uint8Array): number {
  return new CompactReader(value).zigzag32();
}

/** An i64 value below 2^53. */
export function readI64(value: Uint8Array): number {
  return new CompactReader(value).zigzag32();
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The field with this id, if the struct has it. */
export function fieldOf(fields: readonly CompactField[], id: number): CompactField | undefined {
  return fields.find((field) => field.id === id);
}

/** The fields with `field` in place of the one with its id (added if there was none). */
export function withField(fields: readonly CompactField[], field: CompactField): CompactField[] {
  return [...fields.filter((other) => other.id !== field.id), field];
}
