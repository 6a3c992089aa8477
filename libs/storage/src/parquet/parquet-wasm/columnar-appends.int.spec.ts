import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Int32, makeData, RecordBatch, Schema, Struct, vectorFromArray } from 'apache-arrow';
import { RecordBatchBuilder } from '../arrow/record-batch-builder';
import { rowAppender } from '../arrow/row-appender';
import { isColumnarParquetFileWriter, type ColumnarParquetFileWriter } from '../columnar-parquet-file-writer';
import { createParquetWriter } from '../create-parquet-writer';
import { ParquetRecordBatchError } from '../errors';
import type { ParquetSchema } from '../parquet-schema';
import { allFieldKindsRows, allFieldKindsSchema } from '../test-support/all-field-kinds';
import { DuckDb, sqlString } from '../test-support/duckdb';
import { TYPICAL_EVENT_SCHEMA, typicalEvents } from '../test-support/typical-events';

/** Record batches of `schema` holding `rows`, built the way a column converter builds them. */
function recordBatch(schema: ParquetSchema, rows: Record<string, unknown>[]): RecordBatch {
  const builder = RecordBatchBuilder.forParquetSchema(schema);
  const append = rowAppender(schema, builder);
  for (const row of rows) append(row);
  return builder.finish();
}

/**
 * The parquet-wasm writer's columnar entry point: rows given as Arrow record batches, of any
 * size and mixed with rows given as objects, make the same file as the same rows given as
 * objects; a batch that does not fit is refused whole.
 */
describe('the parquet-wasm writer, fed Arrow record batches', () => {
  let dir: string;
  let duckdb: DuckDb;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-wasm-columnar-'));
    duckdb = await DuckDb.open();
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function columnarWriter(name: string, schema: ParquetSchema, rowGroupBytes?: number): Promise<ColumnarParquetFileWriter> {
    const writer = await createParquetWriter(join(dir, name), { schema, ...(rowGroupBytes ? { rowGroupBytes } : {}) }, 'parquet-wasm');
    if (!isColumnarParquetFileWriter(writer)) throw new Error('the parquet-wasm writer is not columnar');
    return writer;
  }

  const everything = (path: string) => duckdb.query(`SELECT * EXCLUDE (raw_payload), hex(raw_payload) AS raw FROM read_parquet(${sqlString(path)})`);

  it('is detected as columnar, and the other writers are not', async () => {
    const hyparquet = await createParquetWriter(join(dir, 'hyparquet.parquet'), { schema: TYPICAL_EVENT_SCHEMA }, 'hyparquet-writer');
    expect(isColumnarParquetFileWriter(hyparquet)).toBe(false);
    await hyparquet.abort();
    const writer = await columnarWriter('detected.parquet', TYPICAL_EVENT_SCHEMA);
    expect(writer.arrowSchema.fields.map((f) => f.name)).toEqual(TYPICAL_EVENT_SCHEMA.fields.map((f) => f.name));
    await writer.abort();
  });

  it('writes batches of any size, mixed with rows, as the same rows given as objects', async () => {
    const rows = [...typicalEvents(5_000, 3)];
    const reference = await createParquetWriter(join(dir, 'rows.parquet'), { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: 256 * 1024 }, 'parquet-wasm');
    await reference.appendRows(rows);
    await reference.close();

    const writer = await columnarWriter('mixed.parquet', TYPICAL_EVENT_SCHEMA, 256 * 1024);
    const sizes = [1, 7, 250, 3_000, 0, 42];
    let at = 0;
    for (const [index, size] of sizes.entries()) {
      const slice = rows.slice(at, at + size);
      if (index % 2 === 0) await writer.appendRecordBatch(recordBatch(TYPICAL_EVENT_SCHEMA, slice));
      else await writer.appendRows(slice);
      at += size;
    }
    await writer.appendRecordBatch(recordBatch(TYPICAL_EVENT_SCHEMA, rows.slice(at)));
    expect(writer.rowCount).toBe(rows.length);
    const summary = await writer.close();
    expect(summary.rowGroups).toBeGreaterThan(1);

    expect(await everything(join(dir, 'mixed.parquet'))).toEqual(await everything(join(dir, 'rows.parquet')));
  });

  it('writes every field kind from a record batch exactly as from rows', async () => {
    const schema = allFieldKindsSchema();
    const writer = await columnarWriter('all-kinds.parquet', schema);
    await writer.appendRecordBatch(recordBatch(schema, allFieldKindsRows()));
    await writer.close();
    const reference = await createParquetWriter(join(dir, 'all-kinds-rows.parquet'), { schema }, 'parquet-wasm');
    await reference.appendRows(allFieldKindsRows());
    await reference.close();
    const read = (name: string) => duckdb.query(`SELECT * REPLACE (hex(raw) AS raw, epoch_us(ts_micros)::VARCHAR AS ts_micros) FROM read_parquet(${sqlString(join(dir, name))})`);
    expect(await read('all-kinds.parquet')).toEqual(await read('all-kinds-rows.parquet'));
  });

  it('refuses a batch of other columns or types, or with a null in a REQUIRED column, and stays usable', async () => {
    const schema: ParquetSchema = {
      fields: [
        { kind: 'primitive', name: 'id', repetition: 'REQUIRED', physicalType: 'INT32' },
        { kind: 'group', name: 'g', repetition: 'OPTIONAL', fields: [{ kind: 'primitive', name: 'x', repetition: 'REQUIRED', physicalType: 'INT32' }] },
      ],
    };
    const writer = await columnarWriter('refused.parquet', schema);
    await writer.appendRecordBatch(recordBatch(schema, [{ id: 1, g: { x: 10 } }]));

    const renamed = new Schema([new Field('key', new Int32(), false), writer.arrowSchema.fields[1]]);
    const wrongName = new RecordBatch(renamed, recordBatch(schema, [{ id: 2, g: null }]).data);
    await expect(writer.appendRecordBatch(wrongName)).rejects.toThrow(/columns key, g, expected id, g/);

    const nullId = vectorFromArray([3, null], new Int32());
    const g = recordBatch(schema, [{ id: 0, g: { x: 1 } }, { id: 0, g: { x: 2 } }]).data.children[1];
    const withNull = new RecordBatch(
      new Schema([new Field('id', new Int32(), true), writer.arrowSchema.fields[1]]),
      makeData({ type: new Struct([new Field('id', new Int32(), true), writer.arrowSchema.fields[1]]), length: 2, nullCount: 0, children: [nullId.data[0], g] }),
    );
    const error = await writer.appendRecordBatch(withNull).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParquetRecordBatchError);
    expect((error as ParquetRecordBatchError).problems).toEqual(['id: null in a non-nullable field (slot 1)']);

    // A null group hides its REQUIRED children: that is allowed.
    await writer.appendRecordBatch(recordBatch(schema, [{ id: 4, g: null }]));
    expect(writer.rowCount).toBe(2);
    await writer.close();
    expect(await duckdb.query(`SELECT * FROM read_parquet(${sqlString(join(dir, 'refused.parquet'))})`)).toEqual([
      { id: 1, g: { x: 10 } },
      { id: 4, g: null },
    ]);
  });

  it('removes the file when aborted with row groups written', async () => {
    const writer = await columnarWriter('aborted.parquet', TYPICAL_EVENT_SCHEMA, 64 * 1024);
    await writer.appendRecordBatch(recordBatch(TYPICAL_EVENT_SCHEMA, [...typicalEvents(2_000)]));
    expect(await readdir(dir)).toContain('aborted.parquet');
    await writer.abort();
    expect(await readdir(dir)).not.toContain('aborted.parquet');
  });
});
