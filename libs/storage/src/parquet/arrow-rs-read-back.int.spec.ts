import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import type { ParquetWriterImplementation, ParquetWriterOptions } from './parquet-file-writer';
import type { ParquetSchema } from './parquet-schema';
import { allFieldKindsRows, allFieldKindsSchema } from './test-support/all-field-kinds';
import { readWithArrowRs } from './test-support/arrow-rs';
import { pageIndexes } from './test-support/parquet-footer';

/** Rows whose list and map columns span several data pages (parquetjs-lite cuts a page every 8192 rows, hyparquet-writer every 1 MiB). */
const PAGED_SCHEMA: ParquetSchema = {
  fields: [
    { kind: 'primitive', name: 'id', repetition: 'REQUIRED', physicalType: 'INT32' },
    {
      kind: 'list',
      name: 'tags',
      repetition: 'OPTIONAL',
      element: { kind: 'primitive', name: 'element', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    },
    {
      kind: 'map',
      name: 'counts',
      repetition: 'OPTIONAL',
      key: { kind: 'primitive', name: 'key', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
      value: { kind: 'primitive', name: 'value', repetition: 'REQUIRED', physicalType: 'INT64' },
    },
  ],
};
const PAGED_ROWS = 40_000;
const pagedRow = (id: number) => ({
  id,
  tags: [`tag-${id}-a`, `tag-${id}-b`, `tag-${id}-c`],
  counts: [
    { key: `k${id}`, value: BigInt(id) },
    { key: 'x', value: -BigInt(id) },
  ],
});

/**
 * The files read by arrow-rs (the Rust `parquet` crate, through npm parquet-wasm): a second
 * reader beside DuckDB (duckdb-read-back.int.spec.ts), stricter about the footer and about
 * page headers, as Spark-family and other Rust or C++ readers are.
 */
describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('Parquet files written by %s, read back by arrow-rs', (implementation: ParquetWriterImplementation) => {
  const schema = allFieldKindsSchema();
  const rows = allFieldKindsRows();
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

  it('returns the rows asked for when skipping rows across pages of list and map columns', async () => {
    const path = join(dir, 'paged.parquet');
    const writer = await createParquetWriter(path, { schema: PAGED_SCHEMA }, implementation);
    for (let start = 0; start < PAGED_ROWS; start += 5_000) await writer.appendRows(Array.from({ length: 5_000 }, (_, i) => pagedRow(start + i)));
    await writer.close();
    // Past the first pages: a reader skipping whole pages by a wrong row count in their headers lands elsewhere.
    for (const offset of [9_000, 30_000, PAGED_ROWS - 3]) {
      const table = await readWithArrowRs(path, { offset, limit: 3 });
      const rows = table.toArray().map((row) => {
        const { id, tags, counts } = row.toJSON() as { id: number; tags: { toArray(): unknown[] }; counts: { toJSON(): Record<string, bigint> } };
        return { id, tags: [...tags.toArray()], counts: counts.toJSON() };
      });
      const expected = [0, 1, 2].map((i) => {
        const row = pagedRow(offset + i);
        return { id: row.id, tags: row.tags, counts: Object.fromEntries(row.counts.map((e) => [e.key, e.value])) };
      });
      expect({ offset, rows }).toEqual({ offset, rows: expected });
    }
  }, 120_000);

  it('writes no ColumnIndex that lacks the required null_pages or boundary_order', async () => {
    const chunks = await pageIndexes(await write('page-index.parquet', {}));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks.filter((c) => c.columnIndex)) {
      expect(chunk).toEqual({ ...chunk, columnIndex: { hasNullPages: true, hasBoundaryOrder: true } });
    }
  });
});
