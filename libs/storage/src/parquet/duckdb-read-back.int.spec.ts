import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter, PARQUET_COMPRESSIONS, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import type { ParquetWriterImplementation } from './parquet-file-writer';
import type { ParquetField, ParquetSchema } from './parquet-schema';
import { allFieldKindsRows, allFieldKindsSchema } from './test-support/all-field-kinds';
import { DuckDb, sqlString } from './test-support/duckdb';

/** What DuckDB must report for each column of the all-field-kinds schema. */
const EXPECTED_TYPES: Record<string, string> = {
  event_id: 'VARCHAR',
  flag: 'BOOLEAN',
  i32: 'INTEGER',
  i8: 'TINYINT',
  i16: 'SMALLINT',
  u8: 'UTINYINT',
  u16: 'USMALLINT',
  u32: 'UINTEGER',
  i64: 'BIGINT',
  i64_annotated: 'BIGINT',
  u64: 'UBIGINT',
  f32: 'FLOAT',
  f64: 'DOUBLE',
  raw: 'BLOB',
  status: 'VARCHAR',
  doc: 'JSON',
  ts_micros: 'TIMESTAMP WITH TIME ZONE',
  ts_millis: 'TIMESTAMP WITH TIME ZONE',
  ts_local: 'TIMESTAMP',
  tags: 'VARCHAR[]',
  scores: 'DOUBLE[]',
  items: 'STRUCT(sku VARCHAR, qty INTEGER, price DOUBLE, attrs MAP(VARCHAR, VARCHAR))[]',
  matrix: 'BIGINT[][]',
  attributes: 'MAP(VARCHAR, VARCHAR)',
  counters: 'MAP(VARCHAR, BIGINT)',
  by_code: 'MAP(INTEGER, STRUCT(a INTEGER, b VARCHAR[]))',
  payload: 'STRUCT("source" VARCHAR, "location" STRUCT(lat DOUBLE, lon DOUBLE), tags VARCHAR[])',
};

/**
 * The JSON DuckDB gives back for a row value (getRowObjectsJson): BIGINTs as strings,
 * non-finite doubles as strings, maps as [{ key, value }]. Timestamps and blobs are
 * selected as epoch microseconds and hex (see the query), so they compare exactly.
 */
function expectedJson(field: ParquetField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'group':
      return Object.fromEntries(field.fields.map((f) => [f.name, expectedJson(f, (value as Record<string, unknown>)[f.name])]));
    case 'list':
      return (value as unknown[]).map((v) => expectedJson(field.element, v));
    case 'map':
      return (value as { key: unknown; value: unknown }[]).map((e) => ({ key: expectedJson(field.key, e.key), value: expectedJson(field.value, e.value) }));
    case 'primitive': {
      if (field.logicalType?.type === 'TIMESTAMP') {
        const micros = value instanceof Date ? BigInt(value.getTime()) * 1000n : (value as bigint);
        // A bigint of microseconds in a MILLIS column keeps whole milliseconds, rounded down.
        const stored = field.logicalType.unit === 'MILLIS' ? floorDiv(micros, 1000n) * 1000n : micros;
        return stored.toString();
      }
      if (field.physicalType === 'BYTE_ARRAY' && !field.logicalType) return Buffer.from(value as Uint8Array).toString('hex').toUpperCase();
      if (field.physicalType === 'INT64') return BigInt(value as bigint).toString();
      if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
      return value;
    }
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

function readBackQuery(path: string, schema: ParquetSchema): string {
  const replaced = schema.fields.flatMap((f) => {
    if (f.kind === 'primitive' && f.logicalType?.type === 'TIMESTAMP') return [`epoch_us(${f.name})::VARCHAR AS ${f.name}`];
    if (f.kind === 'primitive' && f.physicalType === 'BYTE_ARRAY' && !f.logicalType) return [`hex(${f.name}) AS ${f.name}`];
    return [];
  });
  return `SELECT * REPLACE (${replaced.join(', ')}) FROM read_parquet(${sqlString(path)})`;
}

describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('Parquet files written by %s, read back by DuckDB', (implementation: ParquetWriterImplementation) => {
  const schema = allFieldKindsSchema();
  const rows = allFieldKindsRows();
  let duckdb: DuckDb;
  let dir: string;

  beforeAll(async () => {
    duckdb = await DuckDb.open();
    dir = await mkdtemp(join(tmpdir(), 'parquet-read-back-'));
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, options: Partial<Parameters<typeof createParquetWriter>[1]> = {}): Promise<string> {
    const path = join(dir, name);
    const writer = await createParquetWriter(path, { schema, ...options }, implementation);
    await writer.appendRows(rows.slice(0, 2));
    await writer.appendRows(rows.slice(2));
    await writer.close();
    return path;
  }

  it('has every field kind with the right DuckDB type', async () => {
    const path = await write('types.parquet');
    const expected = Object.fromEntries(schema.fields.map((f) => [f.name, EXPECTED_TYPES[f.name]]));
    expect(await duckdb.columnTypes(path)).toEqual(expected);
  });

  it('has every value exactly as written: extremes, nulls, empty lists and maps, nesting', async () => {
    const path = await write('values.parquet');
    const actual = await duckdb.query(readBackQuery(path, schema));
    const expected = rows.map((row) => Object.fromEntries(schema.fields.map((f) => [f.name, expectedJson(f, row[f.name])])));
    expect(actual).toEqual(expected);
  });

  it('annotates ENUM, JSON, unsigned and narrow integers, LIST and MAP in the file schema', async () => {
    const path = await write('annotations.parquet');
    const elements = await duckdb.query(`SELECT name, converted_type FROM parquet_schema(${sqlString(path)})`);
    const converted = Object.fromEntries(elements.map((e) => [e.name, e.converted_type]));
    expect(converted).toMatchObject({
      status: 'ENUM',
      doc: 'JSON',
      event_id: 'UTF8',
      u32: 'UINT_32',
      u64: 'UINT_64',
      i8: 'INT_8',
      u16: 'UINT_16',
      tags: 'LIST',
      attributes: 'MAP',
      ts_micros: 'TIMESTAMP_MICROS',
      ts_millis: 'TIMESTAMP_MILLIS',
    });
  });

  it('keeps key-value metadata given at creation and set before close', async () => {
    const path = join(dir, 'kv.parquet');
    const writer = await createParquetWriter(path, { schema, keyValueMetadata: { topic: 'orders', 'first-offset': '100', 'last-offset': 'tbd' } }, implementation);
    await writer.appendRows(rows);
    writer.setKeyValueMetadata('last-offset', '102');
    writer.setKeyValueMetadata('row-count', String(writer.rowCount));
    await writer.close();
    const kv = await duckdb.query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(path)})`);
    expect(Object.fromEntries(kv.map((e) => [e.key, e.value]))).toEqual({
      topic: 'orders',
      'first-offset': '100',
      'last-offset': '102',
      'row-count': '3',
      // arrow-rs records the Arrow schema it wrote (base64 of an Arrow IPC schema message); see the README.
      ...(implementation === 'parquet-wasm' ? { 'ARROW:schema': expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) } : {}),
    });
  });

  it.each(PARQUET_COMPRESSIONS[implementation])('compresses with %s when asked (SNAPPY by default)', async (compression) => {
    const path = await write(`codec-${compression}.parquet`, compression === 'SNAPPY' ? {} : { compression });
    const codecs = await duckdb.query(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(path)})`);
    expect(codecs).toEqual([{ compression }]);
    expect(await duckdb.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(path)})`)).toEqual([{ n: rows.length }]);
  });

  it('records the uncompressed size of each column chunk', async () => {
    const sizes = async (path: string) =>
      duckdb.query(
        `SELECT path_in_schema AS path, total_compressed_size::BIGINT AS compressed, total_uncompressed_size::BIGINT AS uncompressed FROM parquet_metadata(${sqlString(path)})`,
      );
    // Uncompressed: both sizes count the same bytes (page headers and pages).
    for (const chunk of await sizes(await write('sizes-uncompressed.parquet', { compression: 'UNCOMPRESSED' }))) {
      expect(chunk).toEqual({ ...chunk, uncompressed: chunk.compressed });
    }
    // A column of one long string repeated compresses many times over: the sizes must say so.
    const repetitive: ParquetSchema = { fields: [{ kind: 'primitive', name: 'text', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } }] };
    const path = join(dir, 'sizes-snappy.parquet');
    const writer = await createParquetWriter(path, { schema: repetitive }, implementation);
    await writer.appendRows(Array.from({ length: 2_000 }, (_, i) => ({ text: `${'the same text again and again, '.repeat(8)}${i % 2}` })));
    await writer.close();
    const [chunk] = await sizes(path);
    expect(Number(chunk.uncompressed)).toBeGreaterThan(5 * Number(chunk.compressed));
  });

  it('writes statistics of extreme values that keep every matching row group (one row per group)', async () => {
    // One row per row group, so DuckDB prunes by min/max: wrong statistics (signed order
    // for unsigned columns, UTF-16 order for strings ...) would lose rows here.
    const path = await write('statistics.parquet', { rowGroupBytes: 1 });
    const count = async (where: string) =>
      (await duckdb.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(path)}) WHERE ${where}`))[0].n;
    const expectCount = async (where: string, predicate: (row: Record<string, unknown>) => boolean) =>
      expect({ where, n: await count(where) }).toEqual({ where, n: rows.filter(predicate).length });
    expect(await duckdb.query(`SELECT count(*)::INTEGER AS n FROM parquet_metadata(${sqlString(path)}) WHERE column_id = 0`)).toEqual([{ n: rows.length }]);
    await expectCount('u64 > 9223372036854775807', (r) => typeof r.u64 === 'bigint' && r.u64 > 2n ** 63n - 1n);
    await expectCount('u32 > 2147483647', (r) => typeof r.u32 === 'number' && r.u32 > 2 ** 31 - 1);
    await expectCount('i64 < 0', (r) => (r.i64 as bigint) < 0n);
    await expectCount("event_id > 'f'", (r) => Buffer.compare(Buffer.from(r.event_id as string), Buffer.from('f')) > 0);
    await expectCount("ts_micros < TIMESTAMPTZ '1970-01-01 00:00:00+00'", (r) => (r.ts_micros instanceof Date ? r.ts_micros.getTime() < 0 : (r.ts_micros as bigint) < 0n));
    await expectCount('f64 > 1e308', (r) => r.f64 === Number.POSITIVE_INFINITY);
    await expectCount("status = 'ORDER_STATUS_NEW'", (r) => r.status === 'ORDER_STATUS_NEW');
    await expectCount('u8 = 255', (r) => r.u8 === 255);
  });

  it('orders statistics as readers do: bytes, code points beyond the BMP, unsigned, NaN', async () => {
    // One row group holding values that JavaScript's own ordering gets wrong: min/max
    // computed that way would exclude a value present in the group, and DuckDB would skip it.
    const adversarial: ParquetSchema = {
      fields: [
        { kind: 'primitive', name: 's', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        { kind: 'primitive', name: 'b', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY' },
        { kind: 'primitive', name: 'u64', repetition: 'REQUIRED', physicalType: 'INT64', logicalType: { type: 'INTEGER', bitWidth: 64, signed: false } },
        { kind: 'primitive', name: 'u32', repetition: 'REQUIRED', physicalType: 'INT32', logicalType: { type: 'INTEGER', bitWidth: 32, signed: false } },
        { kind: 'primitive', name: 'd', repetition: 'REQUIRED', physicalType: 'DOUBLE' },
      ],
    };
    const values = [
      { s: '\uFFFD', b: Buffer.from('\uFFFD'), u64: 2n ** 63n + 5n, u32: 2 ** 31 + 5, d: Number.NaN },
      { s: '😀', b: Buffer.from('😀'), u64: 1n, u32: 1, d: 1 },
      { s: 'a', b: Buffer.from([0x7f]), u64: 2n ** 64n - 1n, u32: 2 ** 32 - 1, d: 2 },
    ];
    const path = join(dir, 'adversarial-statistics.parquet');
    const writer = await createParquetWriter(path, { schema: adversarial }, implementation);
    await writer.appendRows(values);
    await writer.close();
    const count = async (where: string) =>
      (await duckdb.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(path)}) WHERE ${where}`))[0].n;
    for (const where of ["s = '😀'", "s = '\uFFFD'", "b = '\\xF0\\x9F\\x98\\x80'::BLOB", 'u64 = 1', 'u64 = 9223372036854775813', 'u32 = 2147483653', 'u32 = 1', 'd = 2', 'd = 1']) {
      expect({ where, n: await count(where) }).toEqual({ where, n: 1 });
    }
  });

  it('writes a readable file with no rows', async () => {
    const path = join(dir, 'empty.parquet');
    const writer = await createParquetWriter(path, { schema }, implementation);
    const summary = await writer.close();
    expect(summary).toMatchObject({ rows: 0 });
    expect(await duckdb.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(path)})`)).toEqual([{ n: 0 }]);
    expect(Object.keys(await duckdb.columnTypes(path))).toEqual(schema.fields.map((f) => f.name));
  });
});

