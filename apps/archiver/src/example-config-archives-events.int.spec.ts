import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '@eventpath/dev-infra';
import { createArchiver } from './archiver';
import { loadArchiverConfig } from './config';
import { ArchiveDuckDb, sql } from './test-support/archive-reader';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { pageViewed } from './test-support/example-schema';
import { produceRecords } from './test-support/produce';

const EXAMPLE_CONFIG = join(__dirname, '..', 'example', 'archiver.yaml');

describe('the example configuration (the dev stack’s)', () => {
  const bed = useArchiverTestbed('archiver-example');

  it('archives the events topic into a local directory with the sample schema', async () => {
    const { kafka, producer, dir } = bed;
    // The dev stack's topic; the shared test Kafka may have it already (an external cluster, a rerun).
    await kafka.createTopic('events', 8).catch(() => undefined);
    const runId = `x${Date.now().toString(36)}`;
    const ids = Array.from({ length: 40 }, (_, i) => `${runId}-${i}`);
    await produceRecords(producer, 'events', bed.types.pageViewed, ids.map((id, i) => ({ id, message: pageViewed(id, Date.parse('2024-05-01T12:00:00Z') + i * 1000) })));
    // The file as shipped, with its working directory moved into this test's directory and quiet files stored sooner.
    const text = (await readFile(EXAMPLE_CONFIG, 'utf8'))
      .replace('workDirectory: /tmp/eventpath-archiver-work', `workDirectory: ${join(dir, 'work')}`)
      .replace('idleClose: 30s', 'idleClose: 1s');
    expect(text).toContain('idleClose: 1s');
    const configPath = join(__dirname, '..', 'example', `.test-${runId}.yaml`);
    await writeFile(configPath, text);
    let config;
    try {
      config = loadArchiverConfig({ ARCHIVER_CONFIG: configPath, MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap, ARCHIVE_URL: `file://${join(dir, 'archive')}`, OPS_PORT: '0', LOG_LEVEL: 'silent' });
    } finally {
      await rm(configPath, { force: true });
    }
    expect(config.topics[0]).toMatchObject({ names: ['events'], settings: { messageType: 'eventpath.example.PageViewed', timestamp: { field: 'event_time' } } });
    // A group of its own, so that earlier runs' commits do not hide this run's records.
    config.topics[0].settings.groupId = `example-${runId}`;
    bed.track(await createArchiver(config));
    const duck = await ArchiveDuckDb.open();
    try {
      await eventually(
        async () => {
          const [row] = await duck.query(`SELECT count(DISTINCT event_id) AS n FROM read_parquet(${sql(`${dir}/archive/events/**/*.parquet`)}) WHERE starts_with(event_id, ${sql(runId)})`);
          return row.n === String(ids.length);
        },
        120_000,
        'the example run to archive its records',
      );
    } finally {
      duck.close();
    }
  });
});
