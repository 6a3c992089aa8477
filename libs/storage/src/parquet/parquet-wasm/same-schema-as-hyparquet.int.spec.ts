import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter } from '../create-parquet-writer';
import type { ParquetWriterImplementation } from '../parquet-file-writer';
import { allFieldKindsRows, allFieldKindsSchema } from '../test-support/all-field-kinds';
import { DuckDb, sqlString } from '../test-support/duckdb';

/**
 * A file's Parquet schema must not depend on the writer: a data team's table over the
 * archive sees the same columns, repetitions and annotations whichever implementation
 * wrote a file. arrow-rs's own choices (map middle level, ENUM, JSON, INT64 annotations,
 * converted types of local timestamps) are corrected in the footer (file-metadata-patch.ts).
 */
describe('the Parquet schema parquet-wasm writes', () => {
  let dir: string;
  let duckdb: DuckDb;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-wasm-schema-'));
    duckdb = await DuckDb.open();
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function fileSchema(implementation: ParquetWriterImplementation): Promise<Record<string, unknown>[]> {
    const path = join(dir, `${implementation}.parquet`);
    const writer = await createParquetWriter(path, { schema: allFieldKindsSchema() }, implementation);
    await writer.appendRows(allFieldKindsRows());
    await writer.close();
    // The root's name is the writer's own; everything below it is the schema.
    return (await duckdb.query(
      `SELECT name, type, repetition_type, num_children, converted_type, logical_type FROM parquet_schema(${sqlString(path)})`,
    )).slice(1);
  }

  it('has the elements, repetitions and converted types hyparquet-writer writes, and the same logical types where it writes one', async () => {
    const expected = await fileSchema('hyparquet-writer');
    const actual = await fileSchema('parquet-wasm');
    expect(actual.map(({ logical_type: _, ...element }) => element)).toEqual(expected.map(({ logical_type: _, ...element }) => element));
    actual.forEach((element, index) => {
      const { logical_type: logical } = expected[index];
      // hyparquet-writer annotates integer widths with converted types only; arrow-rs adds the INTEGER logical type too.
      if (logical !== null) expect({ name: element.name, logical: element.logical_type }).toEqual({ name: element.name, logical });
      else if (element.logical_type !== null) expect({ name: element.name, logical: element.logical_type }).toEqual({ name: element.name, logical: expect.stringMatching(/^IntType\(/) });
    });
  });
});
