import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { MessageSchema } from '@eventpath/schemas';
import { stopParquetEncoder, type ParquetWriterImplementation } from '@eventpath/storage';
import type { KafkaMessage } from 'kafkajs';
import { FileRoller, type WriteResult, type WriteTarget } from '../files/file-roller';
import type { FinalizedArchiveFile } from '../files/finalized-archive-file';
import { MemoryBudget } from '../files/memory-budget';
import type { RowBatch } from '../files/open-archive-file';
import { PartitionClocks } from '../files/partition-clocks';
import { PendingRecords } from '../files/pending-records';
import type { TopicArchiveSettings } from '../files/topic-archive-settings';
import { TimestampSource, type TimestampSourceConfig } from '../records/timestamp-source';
import { useTempDirectory } from '../test-support/temp-directory';
import { testLease } from '../test-support/test-lease';
import { pageView, testMessageTypes } from '../test-support/test-schemas';
import { testSettings } from '../test-support/test-settings';
import { RecordConverter } from './record-converter';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const HOUR = 3_600_000;

/** A roller that records what kind of rows reached it: row objects or Arrow record batches. */
class RecordingRoller extends FileRoller {
  readonly kinds: string[] = [];
  override write(target: WriteTarget, batch: RowBatch, now: number): Promise<WriteResult> {
    this.kinds.push(Array.isArray(batch.rows) ? 'rows' : 'record batch');
    return super.write(target, batch, now);
  }
}

/**
 * Records of every fate: written in two hours, a tombstone, undecodable bytes (garbage and
 * truncated), one without event time, a late one beyond grace (dead-lettered), and a late
 * one that does not decode either (undecodable, as on the row path).
 */
function messages(type: MessageSchema): KafkaMessage[] {
  const record = (offset: number, value: Buffer | null, kafkaMs: number): KafkaMessage =>
    ({ key: null, value, timestamp: String(kafkaMs), attributes: 0, offset: String(offset), headers: { 'eventpath-event-id': Buffer.from(`id-${offset}`) } }) as KafkaMessage;
  const event = (offset: number, ms: number) => Buffer.from(type.encode(pageView(`e${offset}`, ms)));
  const out: KafkaMessage[] = [];
  for (let offset = 0; offset < 300; offset++) {
    const ms = T0 + (offset < 150 ? 0 : 2 * HOUR) + offset * 1000;
    out.push(record(offset, event(offset, ms), ms));
  }
  const withoutTime = { ...pageView('e300', T0), event_time: undefined };
  out.push(record(300, null, T0));
  out.push(record(301, Buffer.from([0xff, 0xff, 0xff]), T0 + 2 * HOUR));
  out.push(record(302, event(302, T0 + 2 * HOUR).subarray(0, 20), T0 + 2 * HOUR));
  out.push(record(303, Buffer.from(type.encode(withoutTime)), -1));
  out.push(record(304, event(304, T0), T0));
  out.push(record(305, Buffer.from([0x0a, 0x7f]), T0));
  for (let offset = 306; offset < 320; offset++) out.push(record(offset, event(offset, T0 + 2 * HOUR + offset), T0 + 2 * HOUR + offset));
  return out;
}

describe('RecordConverter with a columnar writer (parquet-wasm): records into Arrow columns, not rows', () => {
  const dir = useTempDirectory('columnar-conversion');
  let pageViewType: MessageSchema;
  let db: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    pageViewType = (await testMessageTypes()).pageView;
    db = await DuckDBInstance.create(':memory:');
    connection = await db.connect();
  });
  afterAll(async () => {
    connection.closeSync();
    db.closeSync();
    await stopParquetEncoder();
  });

  async function archive(writer: ParquetWriterImplementation, timestamp: TimestampSourceConfig) {
    const directory = join(dir(), writer);
    await mkdir(directory);
    const settings: TopicArchiveSettings = testSettings('views', { writer, timestamp: new TimestampSource(timestamp), lateEvents: 'dead-letter' });
    const roller = new RecordingRoller({
      directory,
      budget: new MemoryBudget({ budgetBytes: 256 * 1024 * 1024, readQueueBytes: 1024 * 1024 }),
      maxOpenFiles: 16,
      pending: new PendingRecords(),
      clocks: new PartitionClocks(),
      chunkRows: 64,
    });
    const clocks = new PartitionClocks();
    const converter = new RecordConverter(roller, clocks, () => pageViewType);
    const lease = testLease('views', 0);
    const all = messages(pageViewType);
    const result = await converter.convert({ kind: 'batch', lease, settings, messages: all.slice(0, 200), highWatermark: '320' });
    const second = await converter.convert({ kind: 'batch', lease, settings, messages: all.slice(200), highWatermark: '320' });
    const files: FinalizedArchiveFile[] = [...result.finalized, ...second.finalized, ...(await roller.finalizeAll('stop'))];
    const deadLetters = [...(result.deadLetters?.records ?? []), ...(second.deadLetters?.records ?? [])].map((d) => `${d.offset}:${d.reason}:${d.detail}`);
    return { files, deadLetters, counts: [result.counts, second.counts], kinds: roller.kinds };
  }

  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  const differingRows = async (a: string, b: string) =>
    (
      await query(
        `SELECT (SELECT count(*) FROM (SELECT * FROM read_parquet('${a}') EXCEPT ALL SELECT * FROM read_parquet('${b}')))::INTEGER
              + (SELECT count(*) FROM (SELECT * FROM read_parquet('${b}') EXCEPT ALL SELECT * FROM read_parquet('${a}')))::INTEGER AS n`,
      )
    )[0].n;

  it.each<[string, TimestampSourceConfig]>([
    ['the event time is a field (decoded for it, the bytes into the columns)', { kind: 'field', path: 'event_time' }],
    ['the event time is the Kafka timestamp (the bytes into the columns, decoded nowhere else)', { kind: 'kafka' }],
  ])('writes and dead-letters exactly what the row path does when %s', async (_, timestamp) => {
    const rows = await archive('hyparquet-writer', timestamp);
    const columns = await archive('parquet-wasm', timestamp);

    expect(rows.kinds.every((kind) => kind === 'rows')).toBe(true);
    expect(columns.kinds.length).toBeGreaterThan(0);
    expect(columns.kinds.every((kind) => kind === 'record batch')).toBe(true);

    expect(columns.counts).toEqual(rows.counts);
    expect(columns.deadLetters).toEqual(rows.deadLetters);
    expect(columns.deadLetters.map((d) => d.split(':').slice(0, 2).join(':'))).toEqual([
      '300:tombstone',
      '301:undecodable',
      '302:undecodable',
      '303:no-timestamp',
      '304:late',
      '305:undecodable',
    ]);

    const types = (f: FinalizedArchiveFile) => query(`DESCRIBE SELECT * FROM read_parquet('${f.localPath}')`);
    expect(columns.files.map((f) => [f.objectName, f.rows, f.offsets.count])).toEqual(rows.files.map((f) => [f.objectName, f.rows, f.offsets.count]));
    expect(columns.files.reduce((n, f) => n + f.rows, 0)).toBe(314);
    for (const [i, file] of columns.files.entries()) {
      expect(await types(file)).toEqual(await types(rows.files[i]));
      expect(await differingRows(file.localPath, rows.files[i].localPath)).toBe(0);
      expect(file.metadata).toEqual(rows.files[i].metadata);
    }
    const [ids] = await query(`SELECT count(DISTINCT __event_id)::INTEGER AS n, min(__kafka_offset)::INTEGER AS lo FROM read_parquet('${columns.files[0].localPath}')`);
    expect(ids).toEqual({ n: columns.files[0].rows, lo: 0 });
  });
});
