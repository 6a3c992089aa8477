import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_METADATA_KEYS, parseFooter } from '@eventpath/archive';
import { eventually } from '@eventpath/dev-infra';
import { loadSchemas } from '@eventpath/schemas';
import { LocalDirectoryStore } from '@eventpath/storage';
import { createArchiver } from './archiver';
import { ArchiveDuckDb, localParquetFiles, sql } from './test-support/archive-reader';
import { EXAMPLE_PROTO_DIRECTORY, PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { committedOffsets, waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const PROTO = join('eventpath', 'example', 'events.proto');

describe('a schema update mid-stream', () => {
  const bed = useArchiverTestbed('archiver-schema');

  /** An archiver on a copy of the example .proto directory that the test then edits, polled every 200 ms. */
  async function startOnEditableSchema(name: string, idleClose: string) {
    const { kafka, dir } = bed;
    const protos = join(dir, `proto-${name}`);
    await cp(EXAMPLE_PROTO_DIRECTORY, protos, { recursive: true });
    const v1 = (await loadSchemas([{ kind: 'protoDirectory', name: 'v1', directory: protos }])).messageType(PAGE_VIEWED);
    const topic = await kafka.createUniqueTopic('schema', 1);
    const archive = join(dir, `archive-${name}`);
    const config = testArchiverConfig({
      kafka,
      archiveUrl: `file://${archive}`,
      workDirectory: join(dir, `work-${name}`),
      schemas: { sources: [{ name: 'example', location: protos }], pollInterval: '200ms' },
      defaults: { idleClose },
      topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
    });
    const archiver = bed.track(await createArchiver(config));
    /** A compatible update: PageViewed gains a field. Returns the new version. */
    const update = async () => {
      const source = await readFile(join(protos, PROTO), 'utf8');
      await writeFile(join(protos, PROTO), source.replace('  Device device = 8;\n', '  Device device = 8;\n  string referrer = 9;\n'));
      return (await loadSchemas([{ kind: 'protoDirectory', name: 'v2', directory: protos }])).messageType(PAGE_VIEWED);
    };
    return { archiver, topic, archive, groupId: config.topics[0].settings.groupId, v1, update };
  }

  it('rolls the open files and writes new ones with the new fingerprint and column, without a restart', async () => {
    const { admin, producer } = bed;
    // Files stay open until something rolls them: no idle or window close within the test.
    const { archiver, topic, archive, groupId, v1, update } = await startOnEditableSchema('roll', '1h');
    await produceRecords(producer, topic, v1, Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, message: pageViewed(`a${i}`, T0 + i * 1000) })));
    await eventually(() => archiver.pipeline.roller.openFiles().reduce((n, f) => n + f.rows, 0) === 50, 60_000, 'the first records in an open file');
    expect((await committedOffsets(admin, groupId, topic)).get(0)).toBeLessThanOrEqual(0);

    const v2 = await update();
    expect(v2.fingerprint).not.toBe(v1.fingerprint);
    // The open file is rolled (finalized, stored, committed) as soon as the update lands.
    await waitUntilCommitted(admin, groupId, topic);
    await produceRecords(producer, topic, v2, Array.from({ length: 50 }, (_, i) => ({ id: `b${i}`, message: { ...pageViewed(`b${i}`, T0 + (50 + i) * 1000), referrer: 'https://search.example' } })));
    await eventually(() => archiver.pipeline.roller.openFiles().some((f) => f.fingerprint === v2.fingerprint && f.rows === 50), 60_000, 'the new records in a file of the new version');
    await archiver.stop();

    const store = await LocalDirectoryStore.open(archive);
    const files = await localParquetFiles(store, `${topic}/`);
    expect(files).toHaveLength(1);
    const footer = parseFooter(await readFile(files[0]));
    expect(footer.keyValueMetadata).toMatchObject({ [ARCHIVE_METADATA_KEYS.schemaFingerprint]: v1.fingerprint, [ARCHIVE_METADATA_KEYS.closeReason]: 'schema', [ARCHIVE_METADATA_KEYS.offsets]: '0-49' });
    const duck = await ArchiveDuckDb.open();
    try {
      expect(Object.keys(await duck.columnTypes(files[0]))).not.toContain('referrer');
    } finally {
      duck.close();
    }
  });

  it('a stored file of the new version carries the new column', async () => {
    const { admin, producer } = bed;
    const { archiver, topic, archive, groupId, v1, update } = await startOnEditableSchema('column', '1s');
    await produceRecords(producer, topic, v1, Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, message: pageViewed(`a${i}`, T0 + i * 1000) })));
    await waitUntilCommitted(admin, groupId, topic);
    const v2 = await update();
    await eventually(() => archiver.schemas.messageType(PAGE_VIEWED).fingerprint === v2.fingerprint, 30_000, 'the archiver to load the new version');
    await produceRecords(producer, topic, v2, Array.from({ length: 20 }, (_, i) => ({ id: `b${i}`, message: { ...pageViewed(`b${i}`, T0 + (20 + i) * 1000), referrer: 'https://search.example' } })));
    await waitUntilCommitted(admin, groupId, topic);

    const store = await LocalDirectoryStore.open(archive);
    const files = await localParquetFiles(store, `${topic}/`);
    const byFingerprint = new Map<string, string>();
    for (const file of files) byFingerprint.set(parseFooter(await readFile(file)).keyValueMetadata[ARCHIVE_METADATA_KEYS.schemaFingerprint], file);
    expect([...byFingerprint.keys()].sort()).toEqual([v1.fingerprint, v2.fingerprint].sort());
    const duck = await ArchiveDuckDb.open();
    try {
      const newer = byFingerprint.get(v2.fingerprint) as string;
      expect(await duck.columnTypes(newer)).toMatchObject({ referrer: 'VARCHAR' });
      expect(await duck.query(`SELECT DISTINCT referrer FROM read_parquet(${sql(newer)})`)).toEqual([{ referrer: 'https://search.example' }]);
      const [all] = await duck.query(`SELECT count(DISTINCT event_id) AS ids FROM read_parquet(${sql(`${archive}/${topic}/**/*.parquet`)}, union_by_name = true)`);
      expect(all.ids).toBe('40');
    } finally {
      duck.close();
    }
  });
});
