import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import type { ParquetWriterImplementation } from './parquet-file-writer';
import { DuckDb, sqlString } from './test-support/duckdb';
import { TYPICAL_EVENT_SCHEMA, typicalEvents } from './test-support/typical-events';

describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('%s: row groups and the size estimate', (implementation: ParquetWriterImplementation) => {
  let duckdb: DuckDb;
  let dir: string;

  beforeAll(async () => {
    duckdb = await DuckDb.open();
    dir = await mkdtemp(join(tmpdir(), 'parquet-row-groups-'));
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function rowGroupsOf(path: string): Promise<{ rows: number; uncompressed: number }[]> {
    return (await duckdb.query(
      `SELECT row_group_id, any_value(row_group_num_rows)::INTEGER AS rows, sum(total_uncompressed_size)::INTEGER AS uncompressed
       FROM parquet_metadata(${sqlString(path)}) GROUP BY row_group_id ORDER BY row_group_id`,
    )) as { rows: number; uncompressed: number }[];
  }

  it('cuts row groups by size and writes each to the file as soon as it is full', async () => {
    const path = join(dir, 'row-groups.parquet');
    const rowGroupBytes = 256 * 1024;
    const writer = await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes }, implementation);
    const rows = [...typicalEvents(6000)];
    for (let i = 0; i < rows.length; i += 250) await writer.appendRows(rows.slice(i, i + 250));
    // Before close, the full row groups are on disk already: memory holds at most one.
    const onDiskBeforeClose = (await stat(path)).size;
    const summary = await writer.close();
    expect(onDiskBeforeClose).toBeGreaterThan(summary.bytes * 0.5);

    const groups = await rowGroupsOf(path);
    expect(groups.length).toBe(summary.rowGroups);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    expect(groups.reduce((sum, g) => sum + g.rows, 0)).toBe(6000);
    // All but the last group have about the same number of rows (same-sized events).
    const full = groups.slice(0, -1).map((g) => g.rows);
    expect(Math.max(...full) / Math.min(...full)).toBeLessThan(1.2);
    const ids = await duckdb.query(`SELECT event_id FROM read_parquet(${sqlString(path)})`);
    expect(ids.map((r) => r.event_id)).toEqual(rows.map((r) => r.event_id));
  });

  it.each([
    ['several row groups', 8_000, 512 * 1024],
    ['one row group still buffered', 3_000, 64 * 1024 * 1024],
    ['a few hundred rows', 300, 64 * 1024 * 1024],
  ])('estimates the final size within 10%% with %s', async (_case, rowCount, rowGroupBytes) => {
    const path = join(dir, `estimate-${rowCount}.parquet`);
    const writer = await createParquetWriter(
      path,
      { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes, keyValueMetadata: { topic: 'events.orders', partition: '7', 'first-offset': '1000000' } },
      implementation,
    );
    const rows = [...typicalEvents(rowCount, 7)];
    const estimates: number[] = [];
    for (let i = 0; i < rows.length; i += 100) {
      await writer.appendRows(rows.slice(i, i + 100));
      estimates.push(writer.estimatedBytes());
    }
    writer.setKeyValueMetadata('last-offset', String(1_000_000 + rowCount - 1));
    const estimate = writer.estimatedBytes();
    const { bytes } = await writer.close();
    expect(Math.abs(estimate - bytes) / bytes).toBeLessThan(0.1);
    // It grows with the data, so a size limit is reached on time.
    for (let i = 1; i < estimates.length; i++) expect(estimates[i]).toBeGreaterThan(estimates[i - 1] * 0.98);
  });
});
