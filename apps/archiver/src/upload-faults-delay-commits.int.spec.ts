import {  writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auditArchive, tailReaderFor } from '@eventpath/archive';
import { eventually, startGcsEmulator, type GcsEmulator } from '@eventpath/dev-infra';
import { GcsStore } from '@eventpath/storage';
import { createArchiver } from './archiver';
import { ArchiveDuckDb, parquetObjects, sql } from './test-support/archive-reader';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { committedOffsets, waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('upload faults: nothing is committed before its file is stored (GCS emulator)', () => {
  const bed = useArchiverTestbed('archiver-faults');
  let gcs: GcsEmulator;
  beforeAll(async () => {
    gcs = await startGcsEmulator({ buckets: ['archive'] });
  });
  afterAll(async () => {
    await gcs?.stop();
  });

  it('holds its commits while GCS answers 503, then stores every file and commits once it recovers', async () => {
    const { kafka, admin, producer, dir } = bed;
    const type = bed.types.pageViewed;
    const topic = await kafka.createUniqueTopic('faults', 2);
    const prefix = `run-${Date.now()}`;
    await produceRecords(producer, topic, type, Array.from({ length: 400 }, (_, i) => ({ id: `f${i}`, partition: i % 2, message: pageViewed(`f${i}`, T0 + i * 1000) })));
    // The store comes from the environment overrides, as in a deployment.
    const config = testArchiverConfig({
      kafka,
      archiveUrl: 'file:///unused',
      workDirectory: join(dir, 'work'),
      archive: { uploadDeadline: '60s' },
      defaults: { idleClose: '500ms' },
      topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
      env: { ARCHIVE_URL: `gs://archive/${prefix}`, GCS_API_ENDPOINT: gcs.url },
    });
    const groupId = config.topics[0].settings.groupId;

    // Every upload attempt fails for a while.
    gcs.faults.failNextRequests({ status: 503, count: 100_000, kind: 'objects.insert.multipart' });
    const archiver = bed.track(await createArchiver(config));
    const failures = () => fetch(`${archiver.opsUrl}/metrics`).then(async (r) => Number(/eventpath_archiver_storage_retries_total\{operation="put"[^}]*\} (\d+)/.exec(await r.text())?.[1] ?? 0));
    await eventually(async () => (await failures()) >= 2, 60_000, 'uploads to be failing');
    // While they fail, the group commits nothing (the consumer read every record).
    const outageEnds = Date.now() + 3000;
    while (Date.now() < outageEnds) {
      const committed = await committedOffsets(admin, groupId, topic);
      expect([...committed.values()].every((offset) => offset <= 0)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const metrics = await (await fetch(`${archiver.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/eventpath_archiver_records_consumed_total\{[^}]*\} 400/);
    expect(metrics).not.toMatch(/eventpath_archiver_records_committed_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/eventpath_archiver_commit_lag_records\{[^}]*\} [1-9]/);

    // GCS recovers: the retries store the files, then the offsets are committed.
    gcs.faults.reset();
    await waitUntilCommitted(admin, groupId, topic);
    const store = new GcsStore(`gs://archive/${prefix}`, { storageOptions: gcs.storageOptions() });
    const report = await auditArchive({ store, topic, admin, tailReader: tailReaderFor(store, { gcsStorageOptions: gcs.storageOptions() }) });
    expect(report).toMatchObject({ ok: true, totals: { expected: 400, archived: 400, missing: 0 } });

    // Every file reads back in DuckDB with every record.
    const duck = await ArchiveDuckDb.open();
    try {
      const names = await parquetObjects(store, `${topic}/`);
      expect(names.length).toBeGreaterThanOrEqual(2);
      const paths: string[] = [];
      for (const [i, name] of names.entries()) {
        const path = join(dir, `object-${i}.parquet`);
        await writeFile(path, await store.get(name));
        paths.push(path);
      }
      const [counts] = await duck.query(`SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM read_parquet([${paths.map(sql).join(', ')}])`);
      expect(counts).toEqual({ rows: '400', ids: '400' });
    } finally {
      duck.close();
    }
  });
});
