import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import type { ParquetWriterImplementation, ParquetWriterOptions } from './parquet-file-writer';
import { allFieldKindsRows, allFieldKindsSchema } from './test-support/all-field-kinds';
import { readWithArrowRs } from './test-support/arrow-rs';

/**
 * The files read by arrow-rs (the Rust `parquet` crate, through npm parquet-wasm): a second
 * reader beside DuckDB (duckdb-read-back.int.spec.ts), stricter about the footer and about
 * page headers, as Spark-family and other Rust or C++ readers are.
 */
describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('Parquet files written by %s, read back by arrow-rs', (implementation: ParquetWriterImplementation) => {
  const localTimestamp = implementation !== 'parquetjs-lite';
  const schema = allFieldKindsSchema({ localTimestamp });
  const rows = allFieldKindsRows({ localTimestamp });
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-arrow-rs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, options: Omit<ParquetWriterOptions, 'schema'>, batch = rows): Promise<string> {
    const path = join(dir, name);
    const writer = await createParquetWriter(path, { schema, ...options }, implementation);
    if (batch.length > 0) await writer.appendRows(batch);
    await writer.close();
    return path;
  }

  it('opens a file written without key-value metadata, with every row', async () => {
    const table = await readWithArrowRs(await write('no-kv.parquet', {}));
    expect(table.numRows).toBe(rows.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
    expect(table.getChild('event_id')?.toArray()).toEqual(rows.map((r) => r.event_id));
    expect([...table.schema.metadata.keys()]).toEqual([]);
  });

  it('opens a file with no rows', async () => {
    const table = await readWithArrowRs(await write('empty.parquet', {}, []));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
  });

  it('reads the key-value metadata', async () => {
    const table = await readWithArrowRs(await write('kv.parquet', { keyValueMetadata: { topic: 'orders', 'first-offset': '100' } }));
    expect(Object.fromEntries(table.schema.metadata)).toEqual({ topic: 'orders', 'first-offset': '100' });
    expect(table.numRows).toBe(rows.length);
  });
});
