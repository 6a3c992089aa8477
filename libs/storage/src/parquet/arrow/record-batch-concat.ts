import { type Data, type Field, makeData, RecordBatch, type Schema, Struct, Type } from 'apache-arrow';

/** Rows `start` … `start + count - 1` of a record batch. */
export interface RowRange {
  readonly batch: RecordBatch;
  readonly start: number;
  readonly count: number;
}

/**
 * The rows of several ranges, in order, as one record batch of `schema` (whose field
 * types the batches share; checkRecordBatch makes sure): one row group of the
 * parquet-wasm writer is one record batch, whatever sizes the rows were appended in.
 * Buffers are copied (typed array copies, no per-value work for fixed-width columns).
 *
 * Follows apache-arrow's conventions for sliced data: value and offset buffers start at
 * the slice, validity and boolean bits at `data.offset`, struct children are sliced along.
 */
export function concatRowRanges(schema: Schema, ranges: readonly RowRange[]): RecordBatch {
  const length = ranges.reduce((sum, range) => sum + range.count, 0);
  const children = schema.fields.map((field, index) =>
    concatData(
      field,
      ranges.map((range) => ({ data: range.batch.data.children[index], start: range.start, count: range.count })),
    ),
  );
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** Bytes of a record batch's buffers (values, offsets, bitmaps), children included. */
export function recordBatchByteSize(batch: RecordBatch): number {
  return dataByteSize(batch.data);
}

function dataByteSize(data: Data): number {
  let bytes = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  for (const child of data.children) bytes += dataByteSize(child);
  return bytes;
}

interface Part {
  readonly data: Data;
  readonly start: number;
  readonly count: number;
}

function concatData(field: Field, parts: readonly Part[]): Data {
  const type = field.type;
  const length = parts.reduce((sum, part) => sum + part.count, 0);
  const { nullBitmap, nullCount } = concatValidity(parts, length);
  const common = { type, length, nullCount, nullBitmap };
  switch (type.typeId) {
    case Type.Bool:
      return makeData({ ...common, data: concatBits(parts, length, (part) => part.data.values as Uint8Array) } as Parameters<typeof makeData>[0]);
    case Type.Int:
    case Type.Float:
    case Type.Timestamp: {
      const first = parts[0]?.data.values as Int32Array | undefined;
      const make = (first?.constructor ?? Int32Array) as new (length: number) => Int32Array;
      const values = new make(length);
      let at = 0;
      for (const part of parts) {
        values.set((part.data.values as Int32Array).subarray(part.start, part.start + part.count), at);
        at += part.count;
      }
      return makeData({ ...common, data: values } as Parameters<typeof makeData>[0]);
    }
    case Type.Utf8:
    case Type.Binary: {
      const { valueOffsets, ranges } = concatOffsets(parts, length);
      const bytes = new Uint8Array(valueOffsets[length]);
      let at = 0;
      for (const [index, part] of parts.entries()) {
        const [from, to] = ranges[index];
        bytes.set((part.data.values as Uint8Array).subarray(from, to), at);
        at += to - from;
      }
      return makeData({ ...common, valueOffsets, data: bytes } as Parameters<typeof makeData>[0]);
    }
    case Type.Struct:
      return makeData({
        ...common,
        children: type.children.map((child: Field, index: number) =>
          concatData(
            child,
            parts.map((part) => ({ data: part.data.children[index], start: part.start, count: part.count })),
          ),
        ),
      } as Parameters<typeof makeData>[0]);
    case Type.List:
    case Type.Map: {
      const { valueOffsets, ranges } = concatOffsets(parts, length);
      const child = concatData(
        type.children[0],
        parts.map((part, index) => ({ data: part.data.children[0], start: ranges[index][0], count: ranges[index][1] - ranges[index][0] })),
      );
      return makeData({ ...common, valueOffsets, child } as Parameters<typeof makeData>[0]);
    }
    default:
      throw new TypeError(`cannot concatenate Arrow data of type ${String(type)} (field ${field.name})`);
  }
}

/** Offsets of the parts, rebased to run on from each other, and the child (or byte) range of each part. */
function concatOffsets(parts: readonly Part[], length: number): { valueOffsets: Int32Array; ranges: [number, number][] } {
  const valueOffsets = new Int32Array(length + 1);
  const ranges: [number, number][] = [];
  let at = 0;
  let base = 0;
  for (const part of parts) {
    const offsets = part.data.valueOffsets as Int32Array;
    const from = offsets[part.start];
    for (let i = 1; i <= part.count; i++) valueOffsets[at + i] = base + offsets[part.start + i] - from;
    const to = offsets[part.start + part.count];
    ranges.push([from, to]);
    at += part.count;
    base += to - from;
  }
  return { valueOffsets, ranges };
}

function concatValidity(parts: readonly Part[], length: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (parts.every((part) => part.data.nullCount === 0 || !hasBitmap(part.data))) return { nullBitmap: undefined, nullCount: 0 };
  const bitmap = concatBits(parts, length, (part) => (hasBitmap(part.data) ? part.data.nullBitmap : undefined));
  let valid = 0;
  for (let i = 0; i < length; i++) if (bitmap[i >> 3] & (1 << (i & 7))) valid++;
  return valid === length ? { nullBitmap: undefined, nullCount: 0 } : { nullBitmap: bitmap, nullCount: length - valid };
}

function hasBitmap(data: Data): boolean {
  return data.nullBitmap !== undefined && data.nullBitmap.byteLength > 0;
}

/** Bit-packed buffers of the parts (at bit `data.offset + start` each) as one; a part without bits is all ones. */
function concatBits(parts: readonly Part[], length: number, bitsOf: (part: Part) => Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array((length + 7) >> 3);
  let at = 0;
  for (const part of parts) {
    const bits = bitsOf(part);
    const from = part.data.offset + part.start;
    for (let i = 0; i < part.count; i++, at++) {
      const source = from + i;
      if (!bits || bits[source >> 3] & (1 << (source & 7))) out[at >> 3] |= 1 << (at & 7);
    }
  }
  return out;
}
