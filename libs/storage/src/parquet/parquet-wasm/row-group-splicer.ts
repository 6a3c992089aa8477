import {
  CompactReader,
  CompactType,
  concat,
  type CompactField,
  fieldOf,
  readI32,
  readI64,
  withField,
  writeI32,
  writeI64,
  writeList,
  writeStruct,
} from '../thrift-compact';

// Thrift field ids of the Parquet format (parquet.thrift).
const FILE = { numRows: 3, rowGroups: 4 } as const;
const ROW_GROUP = { columns: 1, numRows: 3, fileOffset: 5, ordinal: 7 } as const;
const CHUNK = { fileOffset: 2, metaData: 3, offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7 } as const;
const META = { totalCompressedSize: 7, dataPageOffset: 9, indexPageOffset: 10, dictionaryPageOffset: 11, bloomFilterOffset: 14 } as const;
const PAGE_LOCATION_OFFSET = 1;

interface PlacedChunk {
  fields: CompactField[];
  columnIndex?: Uint8Array;
  offsetIndex?: Uint8Array;
}

interface PlacedRowGroup {
  fields: CompactField[];
  chunks: PlacedChunk[];
  rows: number;
}

/**
 * Builds one Parquet file out of row groups that arrow-rs encoded one at a time, each as a
 * complete file of one row group (parquet-wasm's writeParquet): `add` takes the row
 * group's column chunks out of such a file, to be written at the end of the file being
 * built, and keeps its metadata with every offset moved to where the bytes now are;
 * `finish` gives the end of the file: the page indexes (ColumnIndex and OffsetIndex) of
 * every row group, then the footer.
 *
 * Offsets moved: ColumnMetaData's data, index and dictionary page offsets, ColumnChunk's
 * file offset, RowGroup's file offset and ordinal, each OffsetIndex's page locations; the
 * page index offsets and lengths are set where `finish` puts them. Bloom filters (which
 * parquet-wasm does not write) are refused.
 */
export class RowGroupSplicer {
  private readonly groups: PlacedRowGroup[] = [];

  get rowGroups(): number {
    return this.groups.length;
  }

  /** The column chunk bytes of the one row group of `file`, for the file being built at byte `at`. */
  add(file: Uint8Array, at: number): { data: Uint8Array; rows: number } {
    const metadata = readFooter(file);
    const rowGroups = new CompactReader(requiredField(metadata, FILE.rowGroups, 'FileMetaData.row_groups').value).list().elements;
    if (rowGroups.length !== 1) throw new Error(`an encoded row group file holds ${rowGroups.length} row groups, expected 1`);
    const group = new CompactReader(rowGroups[0]).struct();
    const chunks = new CompactReader(requiredField(group, ROW_GROUP.columns, 'RowGroup.columns').value).list().elements.map((chunk) => {
      const fields = new CompactReader(chunk).struct();
      return { fields, meta: new CompactReader(requiredField(fields, CHUNK.metaData, 'ColumnChunk.meta_data').value).struct() };
    });

    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    for (const { meta } of chunks) {
      if (fieldOf(meta, META.bloomFilterOffset)) throw new Error('an encoded row group has a bloom filter, which cannot be moved');
      const dictionary = fieldOf(meta, META.dictionaryPageOffset);
      const chunkStart = Math.min(readI64(requiredField(meta, META.dataPageOffset, 'data_page_offset').value), dictionary ? readI64(dictionary.value) : Number.POSITIVE_INFINITY);
      start = Math.min(start, chunkStart);
      end = Math.max(end, chunkStart + readI64(requiredField(meta, META.totalCompressedSize, 'total_compressed_size').value));
    }
    if (chunks.length === 0) start = end = 4;
    const delta = at - start;

    const placed: PlacedChunk[] = chunks.map(({ fields, meta }) => {
      const movedMeta = [META.dataPageOffset, META.indexPageOffset, META.dictionaryPageOffset].reduce((current, id) => shifted(current, id, delta), meta);
      let chunkFields = withField(fields, { id: CHUNK.metaData, type: CompactType.STRUCT, value: writeStruct(movedMeta) });
      const fileOffset = fieldOf(chunkFields, CHUNK.fileOffset);
      if (fileOffset && readI64(fileOffset.value) >= start) chunkFields = shifted(chunkFields, CHUNK.fileOffset, delta);
      return {
        fields: chunkFields.filter((field) => field.id < CHUNK.offsetIndexOffset || field.id > CHUNK.columnIndexLength),
        columnIndex: indexBytes(file, fields, CHUNK.columnIndexOffset, CHUNK.columnIndexLength),
        offsetIndex: movedOffsetIndex(indexBytes(file, fields, CHUNK.offsetIndexOffset, CHUNK.offsetIndexLength), delta),
      };
    });
    const groupFields = withField(shifted(group, ROW_GROUP.fileOffset, delta), { id: ROW_GROUP.ordinal, type: CompactType.I16, value: writeI32(this.groups.length) });
    const rows = readI64(requiredField(group, ROW_GROUP.numRows, 'RowGroup.num_rows').value);
    this.groups.push({ fields: groupFields, chunks: placed, rows });
    return { data: file.subarray(start, end), rows };
  }

  /**
   * The rest of the file after the data that ends at byte `at`: page indexes, then the
   * footer made of `template`'s fields (an encoded file's FileMetaData: version, schema,
   * key-value metadata, created_by, column orders) with these row groups, framed.
   */
  finish(at: number, template: readonly CompactField[], edit: (fields: CompactField[]) => CompactField[] = (fields) => fields): Uint8Array {
    const indexes: Uint8Array[] = [];
    let position = at;
    const place = (bytes: Uint8Array | undefined, offsetId: number, lengthId: number, chunk: PlacedChunk): void => {
      if (!bytes) return;
      chunk.fields.push(
        { id: offsetId, type: CompactType.I64, value: writeI64(position) },
        { id: lengthId, type: CompactType.I32, value: writeI32(bytes.length) },
      );
      indexes.push(bytes);
      position += bytes.length;
    };
    // As arrow-rs lays them out: every ColumnIndex, then every OffsetIndex.
    for (const group of this.groups) for (const chunk of group.chunks) place(chunk.columnIndex, CHUNK.columnIndexOffset, CHUNK.columnIndexLength, chunk);
    for (const group of this.groups) for (const chunk of group.chunks) place(chunk.offsetIndex, CHUNK.offsetIndexOffset, CHUNK.offsetIndexLength, chunk);

    const rowGroups = this.groups.map((group) =>
      writeStruct(
        withField(group.fields, {
          id: ROW_GROUP.columns,
          type: CompactType.LIST,
          value: writeList(
            CompactType.STRUCT,
            group.chunks.map((chunk) => writeStruct(chunk.fields)),
          ),
        }),
      ),
    );
    const rows = this.groups.reduce((sum, group) => sum + group.rows, 0);
    let fields = withField(template, { id: FILE.numRows, type: CompactType.I64, value: writeI64(rows) });
    fields = withField(fields, { id: FILE.rowGroups, type: CompactType.LIST, value: writeList(CompactType.STRUCT, rowGroups) });
    return concat([...indexes, frameFooter(writeStruct(edit(fields)))]);
  }
}

/** The FileMetaData fields of a Parquet file in memory. */
export function readFooter(file: Uint8Array): CompactField[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 12 || view.getUint32(file.length - 4, true) !== PAR1) throw new Error('Parquet footer: no PAR1 at the end');
  const length = view.getUint32(file.length - 8, true);
  if (length > file.length - 8) throw new Error(`Parquet footer: metadata length ${length} runs past the ${file.length - 8} bytes before it`);
  return new CompactReader(file.subarray(file.length - 8 - length, file.length - 8)).struct();
}

/** A serialised FileMetaData followed by its length and the magic, as a file ends. */
export function frameFooter(metadata: Uint8Array): Uint8Array {
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, metadata.length, true);
  view.setUint32(4, PAR1, true);
  return concat([metadata, trailer]);
}

const PAR1 = 0x31524150;

function requiredField(fields: readonly CompactField[], id: number, what: string): CompactField {
  const field = fieldOf(fields, id);
  if (!field) throw new Error(`an encoded row group has no ${what}`);
  return field;
}

/** The fields with the i64 field `id` (if present) moved by `delta`. */
function shifted(fields: CompactField[], id: number, delta: number): CompactField[] {
  const field = fieldOf(fields, id);
  return field ? withField(fields, { id, type: field.type, value: writeI64(readI64(field.value) + delta) }) : fields;
}

function indexBytes(file: Uint8Array, chunk: readonly CompactField[], offsetId: number, lengthId: number): Uint8Array | undefined {
  const offset = fieldOf(chunk, offsetId);
  const length = fieldOf(chunk, lengthId);
  if (!offset || !length) return undefined;
  const start = readI64(offset.value);
  return file.slice(start, start + readI32(length.value));
}

/** An OffsetIndex with every page location moved by `delta`. */
function movedOffsetIndex(bytes: Uint8Array | undefined, delta: number): Uint8Array | undefined {
  if (!bytes) return undefined;
  const fields = new CompactReader(bytes).struct();
  const locations = fieldOf(fields, 1);
  if (!locations) return bytes;
  const { elementType, elements } = new CompactReader(locations.value).list();
  const moved = elements.map((location) => writeStruct(shifted(new CompactReader(location).struct(), PAGE_LOCATION_OFFSET, delta)));
  return writeStruct(withField(fields, { id: 1, type: CompactType.LIST, value: writeList(elementType, moved) }));
}
