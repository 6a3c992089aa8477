import { join } from 'node:path';
import { auditArchive, parseArchiveObjectName, readAccount, tailReaderFor, ARCHIVE_METADATA_KEYS, parseFooter } from '@eventpath/archive';
import { LocalDirectoryStore } from '@eventpath/storage';
import { readFile, stat } from 'node:fs/promises';
import { createArchiver } from './archiver';
import { ArchiveDuckDb, localParquetFiles, readWithArrowRs, sql } from './test-support/archive-reader';
import { orderPlaced, ORDER_PLACED, PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords, type TestRecord } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T09:00:00Z');

// Column types as a data team sees them, in every file.
const METADATA_TYPES = {
  __kafka_topic: 'VARCHAR',
  __kafka_partition: 'INTEGER',
  __kafka_offset: 'BIGINT',
  __kafka_timestamp: 'TIMESTAMP WITH TIME ZONE',
  __event_id: 'VARCHAR',
};
const VIEW_TYPES = {
  event_id: 'VARCHAR',
  event_time: 'TIMESTAMP WITH TIME ZONE',
  visitor: 'STRUCT(user_id VARCHAR, session_id VARCHAR, country VARCHAR)',
  tags: 'VARCHAR[]',
  attributes: 'MAP(VARCHAR, VARCHAR)',
  duration_seconds: 'DOUBLE',
  device: 'VARCHAR',
  ...METADATA_TYPES,
};
const ORDER_TYPES = {
  placed_at_ms: 'BIGINT',
  items: 'STRUCT(sku VARCHAR, quantity INTEGER, unit_price_cents BIGINT)[]',
  ...METADATA_TYPES,
};

describe('archiving two topics into hourly Parquet partitions (local directory)', () => {
  const bed = useArchiverTestbed('archiver-hourly');
  let duck: ArchiveDuckDb;
  beforeAll(async () => {
    duck = await ArchiveDuckDb.open();
  });
  afterAll(() => duck?.close());

  it('cuts files at event-time hour boundaries and size limits, two schemas and timestamp fields in one process, every file read back by DuckDB and arrow-rs', async () => {
    const { kafka, admin, producer, dir } = bed;
    const views = await kafka.createUniqueTopic('views', 3);
    const orders = await kafka.createUniqueTopic('orders', 2);
    // Views: event times walking over three hours, each partition in order; orders: epoch-ms field, one hour.
    const viewRecords: TestRecord[] = Array.from({ length: 900 }, (_, i) => ({ id: `v${i}`, partition: i % 3, message: pageViewed(`v${i}`, T0 + Math.floor(i / 3) * 36_000) }));
    const orderRecords: TestRecord[] = Array.from({ length: 1000 }, (_, i) => ({ id: `o${i}`, partition: i % 2, message: orderPlaced(`o${i}`, T0 + 30 * 60_000 + i * 500) }));
    await produceRecords(producer, views, bed.types.pageViewed, viewRecords);
    await produceRecords(producer, orders, bed.types.orderPlaced, orderRecords);

    const config = testArchiverConfig({
      kafka,
      archiveUrl: `file://${join(dir, 'archive')}`,
      workDirectory: join(dir, 'work'),
      topics: [
        { names: [views], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } },
        { pattern: `^${orders}$`, messageType: ORDER_PLACED, timestamp: { field: 'placed_at_ms', unit: 'millis' }, maxFileSize: '4KiB', partitionPattern: "'date='yyyy-MM-dd/'hour='HH" },
      ],
    });
    const archiver = bed.track(await createArchiver(config));
    expect(archiver.topics.map((t) => t.settings.topic)).toEqual([views, orders]);
    const groupId = archiver.topics[0].groupId;
    await waitUntilCommitted(admin, groupId, views);
    await waitUntilCommitted(admin, groupId, orders);

    const store = await LocalDirectoryStore.open(join(dir, 'archive'));
    const viewFiles = await localParquetFiles(store, `${views}/`);
    const orderFiles = await localParquetFiles(store, `${orders}/`);
    // 900 views over 3 hours on 3 partitions: one file per partition and hour.
    expect(viewFiles.map((f) => f.slice(f.indexOf(views)).replace(/\+\d+\.parquet$/, '')).sort()).toEqual(
      [9, 10, 11].flatMap((h) => [0, 1, 2].map((p) => `${views}/dt=2024-05-01/hr=${String(h).padStart(2, '0')}/${views}+${p}`)).sort(),
    );
    // Orders roll at 4 KiB: several files per partition, all in hour 09 under their own pattern.
    expect(orderFiles.length).toBeGreaterThan(4);
    for (const file of orderFiles) expect((await stat(file)).size).toBeLessThan(4096 * 1.5);
    expect(orderFiles.every((f) => f.includes(`/${orders}/date=2024-05-01/hour=09/`))).toBe(true);

    // Every record is there once; every file holds only its own hour.
    const [viewCount] = await duck.query(`SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM read_parquet(${sql(`${dir}/archive/${views}/**/*.parquet`)})`);
    expect(viewCount).toEqual({ n: '900', ids: '900' });
    const [orderCount] = await duck.query(`SELECT count(*) AS n, count(DISTINCT order_id) AS ids FROM read_parquet(${sql(`${dir}/archive/${orders}/**/*.parquet`)})`);
    expect(orderCount).toEqual({ n: '1000', ids: '1000' });
    // Every file: DuckDB's row count is the footer's, the column types are right, the footer accounts for the file.
    const checkFile = async (file: string, topic: string, types: Record<string, string>, fingerprint: string) => {
      const [{ n }] = await duck.query(`SELECT count(*) AS n FROM read_parquet(${sql(file)})`);
      expect(await duck.columnTypes(file)).toMatchObject(types);
      const footer = parseFooter(await readFile(file));
      expect(String(footer.rows)).toBe(n);
      const account = readAccount(footer.keyValueMetadata);
      expect(account).toMatchObject({ topic, rowCount: footer.rows });
      expect(footer.keyValueMetadata[ARCHIVE_METADATA_KEYS.schemaFingerprint]).toBe(fingerprint);
      expect(parseArchiveObjectName(file.slice(file.indexOf(`${topic}/`)))?.firstOffset).toBe((account as { firstOffset: number }).firstOffset);
    };
    for (const file of viewFiles) {
      await checkFile(file, views, VIEW_TYPES, bed.types.pageViewed.fingerprint);
      const hour = Number(/hr=(\d\d)/.exec(file)![1]);
      const [range] = await duck.query(`SELECT min(event_time) AS lo, max(event_time) AS hi FROM read_parquet(${sql(file)})`);
      expect(new Date(String(range.lo)).getUTCHours()).toBe(hour);
      expect(new Date(String(range.hi)).getUTCHours()).toBe(hour);
    }
    for (const file of orderFiles) await checkFile(file, orders, ORDER_TYPES, bed.types.orderPlaced.fingerprint);
    const [sample] = await duck.query(`SELECT visitor.country AS country, tags[1] AS tag, attributes['campaign'] AS campaign, __event_id = event_id AS ids_match FROM read_parquet(${sql(viewFiles[0])}) LIMIT 1`);
    expect(sample).toEqual({ country: 'ID', tag: 'home', campaign: 'spring', ids_match: true });

    // arrow-rs reads every file with the same row counts.
    let arrowRows = 0;
    for (const file of [...viewFiles, ...orderFiles]) arrowRows += (await readWithArrowRs(file)).numRows;
    expect(arrowRows).toBe(1900);

    // The audit agrees: nothing missing, nothing twice.
    for (const topic of [views, orders]) {
      const report = await auditArchive({ store, topic, admin, tailReader: tailReaderFor(store) });
      expect(report).toMatchObject({ ok: true, totals: { missing: 0, duplicateRecords: 0 } });
    }
    const metrics = await (await fetch(`${archiver.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`eventpath_archiver_files_finalized_total\\{topic="${orders}",reason="size",app="archiver"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`eventpath_archiver_records_written_total\\{topic="${views}",app="archiver"\\} 900`));
  });
});
