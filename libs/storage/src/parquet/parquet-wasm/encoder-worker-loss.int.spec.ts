import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParquetWriter } from '../create-parquet-writer';
import { ParquetWriterStateError } from '../errors';
import { DuckDb, sqlString } from '../test-support/duckdb';
import { TYPICAL_EVENT_SCHEMA, typicalEvents } from '../test-support/typical-events';
import { ParquetEncoderWorkerError, stopParquetEncoder } from './encoder-worker-client';

/**
 * When the encoder worker goes away (it crashed, or was stopped), the files it was
 * encoding fail: no call reports success for rows it did not write, abort removes the
 * partial file, and the next writer starts a new worker and writes a good file.
 */
describe('losing the parquet-wasm encoder worker', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-wasm-worker-loss-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the file being written, and the next file gets a new worker', async () => {
    const rows = [...typicalEvents(6_000)];
    const path = join(dir, 'lost.parquet');
    const writer = await createParquetWriter(path, { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: 128 * 1024 }, 'parquet-wasm');
    await writer.appendRows(rows.slice(0, 3_000));
    await stopParquetEncoder();

    const failure = await (async () => {
      await writer.appendRows(rows.slice(3_000));
      return writer.close();
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const cause = failure instanceof ParquetWriterStateError ? failure.cause : failure;
    expect(cause).toBeInstanceOf(ParquetEncoderWorkerError);
    expect((cause as Error).message).toMatch(/encoder worker was stopped/);
    await expect(writer.close()).rejects.toBeInstanceOf(ParquetWriterStateError);
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);

    const next = await createParquetWriter(join(dir, 'next.parquet'), { schema: TYPICAL_EVENT_SCHEMA, rowGroupBytes: 128 * 1024 }, 'parquet-wasm');
    await next.appendRows(rows);
    await next.close();
    const duckdb = await DuckDb.open();
    try {
      expect(await duckdb.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(dir, 'next.parquet'))})`)).toEqual([{ n: rows.length }]);
    } finally {
      duckdb.close();
    }
  });
});
