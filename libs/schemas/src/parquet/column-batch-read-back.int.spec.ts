import { readFile } from 'node:fs/promises';
import { createParquetWriter, isColumnarParquetFileWriter } from '@eventpath/storage';
import { tableFromIPC, Vector } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { createParquetColumnBatch } from './parquet-column-batch';
import { fixtureMetadata, parquetFixtures, type ParquetFixture } from './test-support/parquet-fixture-messages';
import { ReadBack } from './test-support/read-back';

/**
 * The columnar path end to end: protobuf bytes → ParquetColumnBatch → the parquet-wasm
 * writer → a file that DuckDB and arrow-rs read exactly as the file the row path writes
 * (decode → toRow → hyparquet-writer): the same column types, the same values
 * (±0, int64 and uint64 extremes, Timestamps at the ends of their range, nulls, nesting)
 * and the same footer metadata, for every fixture.
 */
describe('files of the columnar path read back as those of the row path', () => {
  let schemas: SchemaSnapshot;
  let readBack: ReadBack;

  beforeAll(async () => {
    schemas = await loadFixtureSchemas('descriptorSet');
    readBack = await ReadBack.open();
  });

  afterAll(async () => {
    await readBack?.close();
  });

  const query = (sql: string) => readBack.query(sql);

  async function writeBothWays(fixture: ParquetFixture, name: string): Promise<{ rows: string; columns: string }> {
    const schema = schemas.messageType(fixture.messageType);
    const mapping = schema.parquetMapping(fixture.options);
    const records = fixture.messages.map((message, index) => ({
      bytes: schema.encode(message),
      metadata: fixture.options?.metadataColumns === false ? undefined : fixtureMetadata(index),
    }));

    const rows = readBack.path(`${name}-rows.parquet`);
    // The row path through another writer (whatever the default is), so the comparison is between two encoders.
    const rowWriter = await createParquetWriter(rows, { schema: mapping.schema, keyValueMetadata: { ...mapping.keyValueMetadata } }, 'hyparquet-writer');
    await rowWriter.appendRows(records.map((record) => mapping.toRow(schema.decode(record.bytes), record.metadata)));
    await rowWriter.close();

    const columns = readBack.path(`${name}-columns.parquet`);
    const batch = createParquetColumnBatch(schemas, fixture.messageType, fixture.options);
    const writer = await createParquetWriter(columns, { schema: batch.schema, keyValueMetadata: { ...batch.keyValueMetadata } }, 'parquet-wasm');
    if (!isColumnarParquetFileWriter(writer)) throw new Error('parquet-wasm is not columnar');
    // Two batches, as an archiver appends one per consumed Kafka batch.
    const half = Math.ceil(records.length / 2);
    for (const part of [records.slice(0, half), records.slice(half)]) {
      for (const record of part) batch.append(record.bytes, record.metadata);
      await writer.appendRecordBatch(batch.takeRecordBatch());
    }
    await writer.close();
    return { rows, columns };
  }

  /** Every column, with what JSON would blur spelled out: timestamps as epoch microseconds, blobs as hex, the sign of zero. */
  async function duckdbRows(path: string): Promise<unknown[]> {
    const types = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const columns = types.map(({ column_name: name, column_type: type }) => {
      const quoted = `"${String(name)}"`;
      if (type === 'TIMESTAMP WITH TIME ZONE' || type === 'TIMESTAMP') return `epoch_us(${quoted})::VARCHAR AS ${quoted}`;
      if (type === 'BLOB') return `hex(${quoted}) AS ${quoted}`;
      if (type === 'DOUBLE' || type === 'FLOAT') return `${quoted}::VARCHAR AS ${quoted}, signbit(${quoted}) AS "${String(name)} sign"`;
      return `${quoted}::VARCHAR AS ${quoted}`;
    });
    return query(`SELECT ${columns.join(', ')} FROM read_parquet('${path}')`);
  }

  async function arrowRsRows(path: string): Promise<unknown> {
    const table = tableFromIPC(readParquet(new Uint8Array(await readFile(path))).intoIPCStream());
    const plain = (value: unknown): unknown => {
      if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
      if (typeof value === 'bigint') return `${value}n`;
      if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
      if (value === null || typeof value !== 'object') return value;
      if (value instanceof Vector) return [...value].map(plain);
      const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
      return Array.isArray(json) ? json.map(plain) : Object.fromEntries(Object.entries(json as object).map(([key, inner]) => [key, plain(inner)]));
    };
    return table.toArray().map(plain);
  }

  it.each(parquetFixtures().map((fixture, index) => [fixture.name, fixture, index] as const))('%s', async (_name, fixture, index) => {
    const { rows, columns } = await writeBothWays(fixture, `fixture-${index}`);
    expect(await query(`DESCRIBE SELECT * FROM read_parquet('${columns}')`)).toEqual(await query(`DESCRIBE SELECT * FROM read_parquet('${rows}')`));
    expect(await duckdbRows(columns)).toEqual(await duckdbRows(rows));
    expect(await arrowRsRows(columns)).toEqual(await arrowRsRows(rows));
    const metadata = (path: string) => query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${path}') WHERE decode(key) <> 'ARROW:schema'`);
    expect(await metadata(columns)).toEqual(await metadata(rows));
  });

  it('keeps the DuckDB types a data team expects (TIMESTAMP WITH TIME ZONE, UBIGINT, STRUCT, LIST, MAP, JSON)', async () => {
    const { columns } = await writeBothWays(parquetFixtures().find((f) => f.messageType === 'eventpath.fixtures.Order')!, 'types');
    const types = Object.fromEntries((await query(`DESCRIBE SELECT * FROM read_parquet('${columns}')`)).map((row) => [row.column_name, row.column_type]));
    expect(types).toMatchObject({
      created_at: 'TIMESTAMP WITH TIME ZONE',
      checkpoints: 'TIMESTAMP WITH TIME ZONE[]',
      labels: 'MAP(VARCHAR, VARCHAR)',
      flags: 'MAP(BOOLEAN, INTEGER)',
      card: 'STRUCT(last4 VARCHAR, network VARCHAR, expiry_month UINTEGER, expiry_year UINTEGER)',
      attributes: 'JSON',
      __kafka_timestamp: 'TIMESTAMP WITH TIME ZONE',
      __kafka_offset: 'BIGINT',
    });
    const scalars = await writeBothWays(parquetFixtures()[0], 'scalar-types');
    expect(Object.fromEntries((await query(`DESCRIBE SELECT * FROM read_parquet('${scalars.columns}')`)).map((row) => [row.column_name, row.column_type]))).toMatchObject({
      f_uint64: 'UBIGINT',
      f_fixed64: 'UBIGINT',
      f_uint32: 'UINTEGER',
      f_int64: 'BIGINT',
    });
    const repetitions = await query(`SELECT name, repetition_type FROM parquet_schema('${scalars.columns}') WHERE name IN ('f_int64', '__event_id')`);
    expect(Object.fromEntries(repetitions.map((row) => [row.name, row.repetition_type]))).toEqual({ f_int64: 'REQUIRED', __event_id: 'OPTIONAL' });
  });
});
