// parquetjs-lite ships no types. A reference (not an import: the file only declares modules) makes
// the declarations travel with this source into every program that compiles it from source.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parquetjs-lite.d.ts" />
import { ParquetEnvelopeWriter, type RowBuffer, type SchemaField } from 'parquetjs-lite';
import * as thrift from 'parquetjs-lite/gen-nodejs/parquet_types';
import { decodeThrift, serializeThrift } from 'parquetjs-lite/lib/util';
import { timestampOfType } from './exact-types';

const PARQUET_MAGIC = 'PAR1';
/** What parquetjs-lite 0.8.7 writes as FileMetaData.version and created_by; kept so readers treat the files as before. */
const FORMAT_VERSION = 1;
const CREATED_BY = 'parquet.js';

/**
 * parquetjs-lite's envelope writer (the part that lays out row groups and the footer), with
 * the file metadata made right where parquetjs-lite 0.8.7 gets it wrong:
 *
 * - `ColumnMetaData.total_uncompressed_size` was the compressed size, and
 *   `RowGroup.total_byte_size` the compressed size plus the inline metadata copy: both now
 *   add up each page's header and uncompressed size, as the format defines them;
 * - timestamp columns had only the legacy converted types (TIMESTAMP_MILLIS / _MICROS): the
 *   footer now also carries the TIMESTAMP logical type, with `isAdjustedToUTC`, and a local
 *   (not UTC-adjusted) timestamp is written with the logical type alone.
 *
 * The footer is built here as parquetjs-lite's own `getMetadata` builds it, plus the logical
 * types. One thing is left as it was: parquetjs-lite also writes a copy of each column
 * chunk's metadata after its pages (at the deprecated `ColumnChunk.file_offset`), and that
 * copy keeps the old `total_uncompressed_size`; readers use the footer's.
 */
export class CorrectedEnvelopeWriter extends ParquetEnvelopeWriter {
  override writeRowGroup(records: RowBuffer): Promise<void> {
    const sizes = leafFields(this.schema.fieldList).map((field) => uncompressedSize(records.pages[field.path.join(',')] ?? []));
    // Encodes the row group and records its metadata at once; only the write is asynchronous.
    const written = super.writeRowGroup(records);
    const group = this.rowGroups[this.rowGroups.length - 1];
    group.columns.forEach((chunk, i) => (chunk.meta_data.total_uncompressed_size = sizes[i]));
    group.total_byte_size = sizes.reduce((sum, size) => sum + size, 0);
    return written;
  }

  override writeFooter(userMetadata: Record<string, string>): Promise<void> {
    const metadata = new thrift.FileMetaData({
      version: FORMAT_VERSION,
      created_by: CREATED_BY,
      num_rows: this.rowCount,
      row_groups: this.rowGroups,
      key_value_metadata: Object.entries(userMetadata ?? {}).map(([key, value]) => new thrift.KeyValue({ key, value })),
      schema: [
        new thrift.SchemaElement({ name: 'root', num_children: Object.keys(this.schema.fields).length }),
        ...this.schema.fieldList.map(schemaElement),
      ],
    });
    const encoded = serializeThrift(metadata);
    const footer = Buffer.alloc(encoded.length + 8);
    encoded.copy(footer);
    footer.writeUInt32LE(encoded.length, encoded.length);
    footer.write(PARQUET_MAGIC, encoded.length + 4);
    return this.writeSection(footer);
  }
}

function leafFields(fields: SchemaField[]): SchemaField[] {
  return fields.filter((field) => !field.isNested);
}

/** Header plus uncompressed body of each page, as `total_uncompressed_size` counts them. */
function uncompressedSize(pages: { page: Buffer }[]): number {
  let total = 0;
  for (const { page } of pages) {
    const header = new thrift.PageHeader();
    const headerBytes = decodeThrift(header, page);
    total += headerBytes + header.uncompressed_page_size;
  }
  return total;
}

function schemaElement(field: SchemaField): thrift.SchemaElement {
  const element = new thrift.SchemaElement({
    name: field.name,
    repetition_type: thrift.FieldRepetitionType[field.repetitionType],
    type_length: field.typeLength,
  });
  if (field.isNested) element.num_children = field.fieldCount;
  else element.type = thrift.Type[field.primitiveType ?? ''];
  if (field.originalType) element.converted_type = thrift.ConvertedType[field.originalType];
  const timestamp = timestampOfType(field.originalType);
  if (timestamp) {
    const unit = timestamp.unit === 'MILLIS' ? { MILLIS: new thrift.MilliSeconds() } : { MICROS: new thrift.MicroSeconds() };
    element.logicalType = new thrift.LogicalType({
      TIMESTAMP: new thrift.TimestampType({ isAdjustedToUTC: timestamp.isAdjustedToUTC, unit: new thrift.TimeUnit(unit) }),
    });
  }
  return element;
}
