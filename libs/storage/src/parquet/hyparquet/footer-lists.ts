/**
 * hyparquet-writer 0.17.0 serialises an empty Thrift list with element type 0 (it guesses
 * the element type from the first element, and `0 ?? BYTE` is 0): a footer with no
 * key-value metadata or no row groups then holds `list<0>` where the Parquet format says
 * `list<struct>`. DuckDB skips the empty list; arrow-rs refuses the file ("Expected list
 * element type of Struct but got Byte"), and so would any reader checking element types.
 *
 * `repairEmptyFooterLists` walks a serialised FileMetaData (Thrift compact protocol) and
 * gives each empty list of a known field its element type from the Parquet format, in place:
 * the byte count does not change, so no offset in the file moves.
 */

// Thrift compact protocol types.
const BOOLEAN_TRUE = 1;
const BOOLEAN_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** For each field id of a struct: the element type of a list field (and its struct), or a nested struct. */
interface StructLayout {
  [fieldId: number]: { list: number; of?: StructLayout } | { struct: StructLayout };
}

const SIZE_STATISTICS: StructLayout = { 2: { list: I64 }, 3: { list: I64 } };
const COLUMN_META_DATA: StructLayout = {
  2: { list: I32 }, // encodings
  3: { list: BINARY }, // path_in_schema
  8: { list: STRUCT }, // key_value_metadata
  13: { list: STRUCT }, // encoding_stats
  16: { struct: SIZE_STATISTICS },
};
const COLUMN_CHUNK: StructLayout = { 3: { struct: COLUMN_META_DATA } };
const ROW_GROUP: StructLayout = { 1: { list: STRUCT, of: COLUMN_CHUNK }, 4: { list: STRUCT } };
const FILE_META_DATA: StructLayout = {
  2: { list: STRUCT }, // schema
  4: { list: STRUCT, of: ROW_GROUP }, // row_groups
  5: { list: STRUCT }, // key_value_metadata
  7: { list: STRUCT }, // column_orders
};

/** Repairs `thrift` (a serialised FileMetaData) in place; returns how many lists it fixed. */
export function repairEmptyFooterLists(thrift: Uint8Array): number {
  const reader = new CompactWalker(thrift);
  reader.struct(FILE_META_DATA);
  if (reader.position !== thrift.length) throw new Error(`Parquet footer: ${thrift.length - reader.position} bytes after the FileMetaData`);
  return reader.repaired;
}

/**
 * Repairs the footer at the end of `file` (the tail of a Parquet file: `... <FileMetaData>
 * <length: u32 LE> PAR1`) in place; returns how many lists it fixed.
 */
export function repairFooterAtEnd(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 8 || view.getUint32(file.length - 4, true) !== 0x31524150) throw new Error('Parquet footer: no PAR1 at the end');
  const length = view.getUint32(file.length - 8, true);
  if (length > file.length - 8) throw new Error(`Parquet footer: metadata length ${length} exceeds the ${file.length - 8} bytes before it`);
  return repairEmptyFooterLists(file.subarray(file.length - 8 - length, file.length - 8));
}

class CompactWalker {
  position = 0;
  repaired = 0;

  constructor(private readonly bytes: Uint8Array) {}

  struct(layout: StructLayout | undefined): void {
    let fieldId = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === 0) return; // STOP
      const delta = header >> 4;
      fieldId = delta === 0 ? this.zigzag() : fieldId + delta;
      // Booleans in a struct field carry their value in the header.
      if (type === BOOLEAN_TRUE || type === BOOLEAN_FALSE) continue;
      const known = layout?.[fieldId];
      if (type === LIST && known && 'list' in known) this.list(known.list, known.of);
      else if (type === STRUCT && known && 'struct' in known) this.struct(known.struct);
      else this.skip(type);
    }
  }

  /** A list whose elements should be `elementType`; an empty one written with type 0 gets it. */
  private list(elementType: number | undefined, of: StructLayout | undefined): void {
    const at = this.position;
    const header = this.byte();
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    let type = header & 0x0f;
    if (size === 0 && type === 0 && elementType !== undefined) {
      this.bytes[at] = elementType;
      this.repaired += 1;
      return;
    }
    if (type === BOOLEAN_TRUE) type = BOOLEAN_FALSE;
    for (let i = 0; i < size; i++) {
      if (type === STRUCT) this.struct(of);
      else this.element(type);
    }
  }

  /** A list, set or map element of `type` (booleans are a whole byte there). */
  private element(type: number): void {
    if (type === BOOLEAN_TRUE || type === BOOLEAN_FALSE) this.position += 1;
    else this.skip(type);
  }

  private skip(type: number): void {
    switch (type) {
      case BYTE:
        this.position += 1;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.position += 8;
        return;
      case BINARY: {
        const length = this.varint(); // read first: `position += varint()` would add to the old position
        this.position += length;
        return;
      }
      case LIST:
      case SET:
        this.list(undefined, undefined);
        return;
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const types = this.byte();
        for (let i = 0; i < size; i++) {
          this.element(types >> 4);
          this.element(types & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.struct(undefined);
        return;
      default:
        throw new Error(`Parquet footer: unknown Thrift compact type ${type} at byte ${this.position}`);
    }
  }

  private byte(): number {
    if (this.position >= this.bytes.length) throw new Error('Parquet footer: truncated FileMetaData');
    return this.bytes[this.position++];
  }

  /** An unsigned varint (up to 64 bits; lengths and sizes fit a double exactly). */
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  }

  private zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}
