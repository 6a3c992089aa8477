import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchBuilder } from '../arrow/record-batch-builder';
import { rowAppender } from '../arrow/row-appender';
import { createParquetWriter } from '../create-parquet-writer';
import { readWithArrowRs } from '../test-support/arrow-rs';
import { DuckDb, sqlString } from '../test-support/duckdb';
import { TYPICAL_EVENT_SCHEMA, typicalEvents } from '../test-support/typical-events';
import type { ParquetWasmFileWriter } from './parquet-wasm-file-writer';

const ROW_GROUP_BYTES = 512 * 1024;

/**
 * Row groups of the parquet-wasm writer: cut at `rowGroupBytes` whatever the size of the
 * appends, on disk as soon as they are encoded (the writer reports the real bytes), spliced
 * into one file that DuckDB and arrow-rs (skipping rows through the page indexes) read
 * exactly; and the encoder's memory, which never shrinks, stays at what one row group takes.
 */
describe('parquet-wasm row groups and encoder memory', () => {
  let dir: string;
  let duckdb: DuckDb;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-wasm-row-groups-'));
    duckdb = await DuckDb.open();
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rowGroupsOf = async (path: string) =>
    (await duckdb.query(
      `SELECT row_group_id, any_value(row_group_num_rows)::INTEGER AS rows, sum(total_uncompressed_size)::INTEGER AS uncompressed
       FROM parquet_metadata(${sqlString(path)}) GROUP BY row_group_id ORDER BY row_group_id`,
    )) as { rows: number; uncompressed: number }[];

  it('has each row group on disk once encoded, and reports the bytes on disk', async () => {
    const path = join(dir, 'on-disk.parquet');
    const writer = (await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: ROW_GROUP_BYTES }, 'parquet-wasm')) as ParquetWasmFileWriter;
    const rows = [...typicalEvents(12_000)];
    const written: number[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      await writer.appendRows(rows.slice(i, i + 500));
      // Bytes on disk, not an estimate (a row group may be being written meanwhile: at most its bytes are not counted yet).
      const reported = writer.writtenBytes();
      const size = (await stat(path)).size;
      expect(size).toBeGreaterThanOrEqual(reported);
      expect(size - reported).toBeLessThan(ROW_GROUP_BYTES);
      written.push(reported);
    }
    // Rows were on disk long before close: all row groups but the one being encoded or built.
    expect(written[written.length - 1]).toBeGreaterThan(written[4]);
    const summary = await writer.close();
    expect(written[written.length - 1]).toBeGreaterThan(summary.bytes * 0.5);
    expect(summary.bytes).toBe((await stat(path)).size);
    const groups = await rowGroupsOf(path);
    expect(groups.length).toBe(summary.rowGroups);
    expect(groups.reduce((sum, g) => sum + g.rows, 0)).toBe(rows.length);
  });

  it('cuts one huge record batch into row groups of rowGroupBytes', async () => {
    const path = join(dir, 'one-batch.parquet');
    const writer = (await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: ROW_GROUP_BYTES }, 'parquet-wasm')) as ParquetWasmFileWriter;
    const builder = RecordBatchBuilder.forParquetSchema(TYPICAL_EVENT_SCHEMA);
    const append = rowAppender(TYPICAL_EVENT_SCHEMA, builder);
    for (const row of typicalEvents(20_000, 5)) append(row);
    const batch = builder.finish();
    await writer.appendRecordBatch(batch);
    await writer.close();
    const groups = await rowGroupsOf(path);
    expect(groups.length).toBeGreaterThanOrEqual(8);
    // All but the last hold about the same number of rows.
    const full = groups.slice(0, -1).map((g) => g.rows);
    expect(Math.max(...full) / Math.min(...full)).toBeLessThan(1.2);
    expect(groups.reduce((sum, g) => sum + g.rows, 0)).toBe(20_000);
  });

  it('splices row groups into a file that arrow-rs reads exactly, also skipping rows through the page indexes', async () => {
    const path = join(dir, 'spliced.parquet');
    const rows = [...typicalEvents(9_000, 11)];
    const writer = await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: 128 * 1024, compression: 'ZSTD' }, 'parquet-wasm');
    await writer.appendRows(rows);
    const { rowGroups } = await writer.close();
    expect(rowGroups).toBeGreaterThanOrEqual(5);
    const ids = (await readWithArrowRs(path)).getChild('event_id')!.toArray() as string[];
    expect(ids).toEqual(rows.map((r) => r.event_id));
    for (const offset of [1, 2_500, 6_123, rows.length - 2]) {
      const table = await readWithArrowRs(path, { offset, limit: 2 });
      expect({ offset, ids: table.getChild('event_id')!.toArray() }).toEqual({ offset, ids: rows.slice(offset, offset + 2).map((r) => r.event_id) });
    }
    expect(await duckdb.query(`SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS ids FROM read_parquet(${sqlString(path)})`)).toEqual([
      { n: rows.length, ids: new Set(rows.map((r) => r.event_id)).size },
    ]);
    expect(await duckdb.query(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(path)})`)).toEqual([{ compression: 'ZSTD' }]);
  });

  it('keeps the encoder memory at what one row group takes, however long the file', async () => {
    const path = join(dir, 'long.parquet');
    const writer = (await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: ROW_GROUP_BYTES }, 'parquet-wasm')) as ParquetWasmFileWriter;
    const rows = [...typicalEvents(40_000, 13)];
    let afterFewGroups = 0;
    for (let i = 0; i < rows.length; i += 1_000) {
      await writer.appendRows(rows.slice(i, i + 1_000));
      if (i === 8_000) afterFewGroups = writer.encoderMemoryBytes;
    }
    const { rowGroups } = await writer.close();
    expect(rowGroups).toBeGreaterThanOrEqual(15);
    expect(afterFewGroups).toBeGreaterThan(0);
    // Memory grows to the largest row group and no further: the whole file (~12 MiB of Arrow data) never sits in it.
    expect(writer.encoderMemoryBytes).toBeLessThanOrEqual(afterFewGroups + 2 * ROW_GROUP_BYTES);
  });
});
