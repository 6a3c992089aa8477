import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { isColumnarParquetFileWriter } from './columnar-parquet-file-writer';
import { createParquetWriter, DEFAULT_PARQUET_WRITER_IMPLEMENTATION, isColumnarParquetWriterImplementation, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import { ParquetRowError, ParquetSchemaError, UnsupportedParquetSchemaError } from './errors';
import type { ParquetWriterImplementation } from './parquet-file-writer';
import type { ParquetField, ParquetSchema } from './parquet-schema';
import { allFieldKindsSchema, LOCAL_TIMESTAMP_FIELD } from './test-support/all-field-kinds';

const one = (field: ParquetField): ParquetSchema => ({ fields: [field] });

async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer });
}

describe('createParquetWriter', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'create-parquet-writer-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, ParquetSchema, RegExp]>([
    ['no fields', { fields: [] }, /no fields/],
    [
      'duplicate names',
      {
        fields: [
          { kind: 'primitive', name: 'a', repetition: 'REQUIRED', physicalType: 'INT32' },
          { kind: 'primitive', name: 'a', repetition: 'OPTIONAL', physicalType: 'INT64' },
        ],
      },
      /a: duplicate field name/,
    ],
    ['STRING on INT32', one({ kind: 'primitive', name: 's', repetition: 'REQUIRED', physicalType: 'INT32', logicalType: { type: 'STRING' } }), /s: logical type STRING needs physical type BYTE_ARRAY/],
    [
      'a 64-bit INTEGER on INT32',
      one({ kind: 'primitive', name: 'n', repetition: 'REQUIRED', physicalType: 'INT32', logicalType: { type: 'INTEGER', bitWidth: 64, signed: true } }),
      /n: logical type INTEGER needs physical type INT64/,
    ],
    ['an empty group', one({ kind: 'group', name: 'g', repetition: 'OPTIONAL', fields: [] }), /g: a group needs at least one field/],
    [
      'an optional map key',
      one({
        kind: 'map',
        name: 'm',
        repetition: 'OPTIONAL',
        key: { kind: 'primitive', name: 'key', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        value: { kind: 'primitive', name: 'value', repetition: 'OPTIONAL', physicalType: 'INT32' },
      }),
      /m\{\}\.key: a map key must be REQUIRED/,
    ],
  ])('refuses a schema with %s before creating any file', async (_case, schema, message) => {
    for (const implementation of PARQUET_WRITER_IMPLEMENTATIONS) {
      const error = await createParquetWriter(join(dir, 'x.parquet'), { schema }, implementation).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParquetSchemaError);
      expect((error as Error).message).toMatch(message);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('makes parquetjs-lite refuse, at creation, what it cannot write exactly', async () => {
    const comma = await createParquetWriter(
      join(dir, 'comma.parquet'),
      { schema: one({ kind: 'group', name: 'g', repetition: 'OPTIONAL', fields: [{ kind: 'primitive', name: 'a,b', repetition: 'OPTIONAL', physicalType: 'INT32' }] }) },
      'parquetjs-lite',
    ).catch((e: unknown) => e);
    expect(comma).toBeInstanceOf(UnsupportedParquetSchemaError);
    expect((comma as Error).message).toMatch(/g\.a,b: field names containing ","/);
    expect(await readdir(dir)).toEqual([]);
    // hyparquet-writer writes it.
    const writer = await createParquetWriter(join(dir, 'comma.parquet'), { schema: one({ kind: 'primitive', name: 'a,b', repetition: 'OPTIONAL', physicalType: 'INT32' }) }, 'hyparquet-writer');
    await writer.close();
  });

  it.each(PARQUET_WRITER_IMPLEMENTATIONS)('lets %s write a local (not UTC-adjusted) timestamp', async (implementation) => {
    const writer = await createParquetWriter(join(dir, 'local.parquet'), { schema: one(LOCAL_TIMESTAMP_FIELD) }, implementation);
    await writer.appendRows([{ ts_local: 1n }]);
    expect(await writer.close()).toMatchObject({ rows: 1 });
  });

  it.each(PARQUET_WRITER_IMPLEMENTATIONS)('says beforehand whether %s makes a columnar writer', async (implementation) => {
    const writer = await createParquetWriter(join(dir, 'columnar.parquet'), { schema: one(LOCAL_TIMESTAMP_FIELD) }, implementation);
    expect(isColumnarParquetWriterImplementation(implementation)).toBe(isColumnarParquetFileWriter(writer));
    expect(isColumnarParquetWriterImplementation(implementation)).toBe(implementation === 'parquet-wasm');
    await writer.abort();
  });

  it('answers for the default implementation when none is named', async () => {
    const writer = await createParquetWriter(join(dir, 'default.parquet'), { schema: one(LOCAL_TIMESTAMP_FIELD) });
    expect(isColumnarParquetWriterImplementation()).toBe(isColumnarParquetFileWriter(writer));
    expect(isColumnarParquetWriterImplementation()).toBe(isColumnarParquetWriterImplementation(DEFAULT_PARQUET_WRITER_IMPLEMENTATION));
    await writer.abort();
  });

  it('refuses an unknown implementation', async () => {
    await expect(createParquetWriter(join(dir, 'x.parquet'), { schema: allFieldKindsSchema() }, 'duckdb' as ParquetWriterImplementation)).rejects.toThrow(
      /Unknown Parquet writer implementation "duckdb"; known: hyparquet-writer, parquetjs-lite, parquet-wasm/,
    );
  });

  describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('with %s', (implementation: ParquetWriterImplementation) => {
    const schema = allFieldKindsSchema();
    const valid = {
      event_id: 'ok',
      i32: 1,
      i16: 1,
      u8: 1,
      u16: 1,
      i64: 1n,
      i64_annotated: 1n,
      ts_micros: 0n,
      scores: [],
      counters: [],
    };

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['a missing required value', { event_id: null }, 'event_id', /a value is required/],
      ['an int8 out of range', { i8: 128 }, 'i8', /expected an 8-bit integer, got number 128/],
      ['a negative unsigned value', { u16: -1 }, 'u16', /expected an unsigned 16-bit integer/],
      ['an unsigned 64-bit value too large', { u64: 2n ** 64n }, 'u64', /expected an unsigned 64-bit integer/],
      ['an INT64 number beyond 2^53', { i64: 2 ** 60 }, 'i64', /bigint, or a number within ±2\^53/],
      ['a fractional INT32', { i32: 1.5 }, 'i32', /expected a 32-bit integer/],
      ['a string for bytes', { raw: 'text' }, 'raw', /expected a Uint8Array/],
      ['bytes for a string', { status: Buffer.from('x') }, 'status', /expected a string, got Buffer/],
      ['a number for a timestamp', { ts_micros: 1700000000000 }, 'ts_micros', /expected a Date or a bigint of microseconds/],
      ['an invalid Date', { ts_millis: new Date('nope') }, 'ts_millis', /Date\(invalid\)/],
      ['a non-array list', { tags: 'a,b' }, 'tags', /expected an array for a list/],
      ['a null in a list of required elements', { tags: ['a', null] }, 'tags[]', /a value is required/],
      ['a map given as an object', { attributes: { k: 'v' } }, 'attributes', /array of \{ key, value \} entries/],
      ['a null map key', { attributes: [{ key: null, value: 'v' }] }, 'attributes{}.key', /a value is required/],
      ['a wrong type deep inside', { items: [{ sku: 's', qty: 1, attrs: [{ key: 'k', value: 7 }] }] }, 'items[].attrs{}.value', /expected a string/],
      ['an array for a group', { payload: [] }, 'payload', /expected an object for a group/],
    ])('refuses %s, naming the row and field, and writes none of the batch', async (_case, change, fieldPath, reason) => {
      const path = join(dir, 'rows.parquet');
      const writer = await createParquetWriter(path, { schema }, implementation);
      await writer.appendRows([{ ...valid, event_id: 'first' }]);
      const error = await writer.appendRows([{ ...valid, event_id: 'good' }, { ...valid, ...change }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParquetRowError);
      expect(error).toMatchObject({ rowIndex: 1, fieldPath });
      expect((error as ParquetRowError).reason).toMatch(reason);
      await writer.appendRows([{ ...valid, event_id: 'last' }]);
      expect(writer.rowCount).toBe(2);
      await writer.close();
      expect((await readRows(path)).map((r) => r.event_id)).toEqual(['first', 'last']);
    });

    it('accepts exact numbers for 64-bit integers and bigints for 32-bit ones', async () => {
      const path = join(dir, 'lenient.parquet');
      const writer = await createParquetWriter(path, { schema }, implementation);
      await writer.appendRows([{ ...valid, i64: 2 ** 53 - 1, u64: 5, i32: -7n, counters: [{ key: 'k', value: 3 }] }]);
      await writer.close();
      const [row] = await readRows(path);
      expect(row).toMatchObject({ i64: 2n ** 53n - 1n, u64: 5n, i32: -7, counters: { k: 3n } });
    });

    it('removes the file on abort', async () => {
      const path = join(dir, 'aborted.parquet');
      const writer = await createParquetWriter(path, { schema, rowGroupBytes: 1 }, implementation);
      await writer.appendRows([valid, valid]);
      expect(await readdir(dir)).toEqual(['aborted.parquet']);
      await writer.abort();
      expect(await readdir(dir)).toEqual([]);
    });

    it('aborts a writer nothing was written to, removing its file', async () => {
      const writer = await createParquetWriter(join(dir, 'fresh.parquet'), { schema }, implementation);
      await writer.abort();
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
