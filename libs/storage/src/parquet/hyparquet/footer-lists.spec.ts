import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { allFieldKindsRows, allFieldKindsSchema } from '../test-support/all-field-kinds';
import { repairFooterAtEnd } from './footer-lists';
import { hyparquetRowPreparer } from './hyparquet-backend';
import { toHyparquetSchema } from './hyparquet-schema';

const schema = allFieldKindsSchema();

/** A whole file from hyparquet-writer, in memory. */
function fileBytes(options: { rows: boolean; kvMetadata?: { key: string; value: string }[] }): Uint8Array {
  const prepare = hyparquetRowPreparer(schema);
  const rows = options.rows ? allFieldKindsRows().map((row) => prepare(row, { bytes: 0 })) : [];
  const output = new ByteWriter();
  const writer = new ParquetWriter({ writer: output, schema: toHyparquetSchema(schema).elements, kvMetadata: options.kvMetadata });
  if (rows.length > 0) void writer.write({ columnData: schema.fields.map((f, i) => ({ name: f.name, data: rows.map((r) => r[i]) })), rowGroupSize: 2 });
  void writer.finish();
  return output.getBytes();
}

/** The byte after the FileMetaData field header `fieldHeader` (a list header), searched from the footer's start. */
function listHeaderAfter(file: Uint8Array, fieldHeader: number[]): number {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true);
  const footer = Buffer.from(file.subarray(file.length - 8 - length, file.length - 8));
  return footer[footer.indexOf(Buffer.from(fieldHeader)) + fieldHeader.length];
}

describe('repairEmptyFooterLists', () => {
  it('gives the empty row_groups and key_value_metadata lists their struct element type', () => {
    const file = fileBytes({ rows: false, kvMetadata: [] });
    // num_rows = 0 (field 3, i64), then row_groups (field 4, list): hyparquet-writer writes 0x00.
    expect(listHeaderAfter(file, [0x16, 0x00, 0x19])).toBe(0x00);
    expect(repairFooterAtEnd(file)).toBe(2);
    expect(listHeaderAfter(file, [0x16, 0x00, 0x19])).toBe(0x0c);
    expect(repairFooterAtEnd(file)).toBe(0);
  });

  it('walks a footer of every field kind, with statistics and several row groups, changing nothing', () => {
    const file = fileBytes({ rows: true, kvMetadata: [{ key: 'topic', value: 'orders' }] });
    const before = Buffer.from(file);
    expect(repairFooterAtEnd(file)).toBe(0);
    expect(Buffer.from(file).equals(before)).toBe(true);
  });

  it('refuses bytes that do not end in a Parquet footer', () => {
    expect(() => repairFooterAtEnd(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow('no PAR1');
    const file = fileBytes({ rows: true });
    const truncated = new Uint8Array([...file.subarray(0, file.length - 8 - 10), ...file.subarray(file.length - 8)]);
    expect(() => repairFooterAtEnd(truncated)).toThrow(/Parquet footer/);
  });
});
