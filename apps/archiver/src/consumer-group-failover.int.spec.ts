import { join } from 'node:path';
import { eventually } from '@eventpath/dev-infra';
import { ArchiveDuckDb, sql } from './test-support/archive-reader';
import { startArchiverProcess, type ArchiverProcess } from './test-support/archiver-process';
import { runAuditCli } from './test-support/audit-cli';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { committedOffsets, waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords, type TestRecord } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testConfigFile } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T08:00:00Z');
const PARTITIONS = 4;

/** The partitions each process logged as assigned last. */
function lastAssignment(archiver: ArchiverProcess): number[] {
  const lines = archiver.output().split('\n').filter((l) => l.includes('"partitions assigned"'));
  const last = lines[lines.length - 1];
  if (!last) return [];
  const { assigned } = JSON.parse(last) as { assigned: Array<{ partitions: number[] }> };
  return assigned.flatMap((a) => a.partitions).sort();
}

describe('two archivers in one consumer group', () => {
  const bed = useArchiverTestbed('archiver-group');

  it('share the partitions, archive each record, and the survivor takes over when one is SIGKILLed', async () => {
    const { kafka, admin, producer, dir } = bed;
    const type = bed.types.pageViewed;
    const topic = await kafka.createUniqueTopic('group', PARTITIONS);
    const groupId = `group-${Date.now()}`;
    const archive = join(dir, 'archive');
    const records: TestRecord[] = Array.from({ length: 2400 }, (_, i) => ({ id: `g${i}`, partition: i % PARTITIONS, message: pageViewed(`g${i}`, T0 + i * 3000) }));
    const config = (name: string) =>
      testConfigFile({
        kafka,
        archiveUrl: `file://${archive}`,
        workDirectory: join(dir, `work-${name}`),
        consumer: { sessionTimeout: '3s', heartbeatInterval: '300ms', commitInterval: '100ms' },
        defaults: { groupId, idleClose: '1s', maxFileSize: '16KiB' },
        topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
      });
    await produceRecords(producer, topic, type, records.slice(0, 1200));
    const a = await startArchiverProcess({ configFile: config('a'), directory: dir, name: 'a' });
    const b = await startArchiverProcess({ configFile: config('b'), directory: dir, name: 'b' });
    bed.trackProcess(a);
    bed.trackProcess(b);
    await Promise.all([a.ready(), b.ready()]);
    // Both members hold partitions, none twice.
    await eventually(() => lastAssignment(a).length > 0 && lastAssignment(b).length > 0 && lastAssignment(a).length + lastAssignment(b).length === PARTITIONS, 60_000, 'both members to hold partitions');
    expect([...lastAssignment(a), ...lastAssignment(b)].sort()).toEqual([0, 1, 2, 3]);
    const ownedByA = lastAssignment(a);
    await waitUntilCommitted(admin, groupId, topic);

    // A dies mid-stream; its partitions go to B.
    await produceRecords(producer, topic, type, records.slice(1200, 1800));
    await eventually(async () => [...(await committedOffsets(admin, groupId, topic)).values()].some((o) => o > 300), 30_000, 'progress on the new records');
    await a.kill();
    await produceRecords(producer, topic, type, records.slice(1800));
    await eventually(() => lastAssignment(b).length === PARTITIONS, 60_000, 'the survivor to take every partition');
    expect(lastAssignment(b)).toEqual(expect.arrayContaining(ownedByA));
    await waitUntilCommitted(admin, groupId, topic);

    const audit = await runAuditCli(['--topic', topic, '--archive-url', `file://${archive}`, '--group', groupId, '--json'], { MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap });
    expect(audit.code).toBe(0);
    expect(audit.report?.totals).toMatchObject({ expected: 2400, archived: 2400, missing: 0 });
    const duck = await ArchiveDuckDb.open();
    try {
      const [counts] = await duck.query(`SELECT count(DISTINCT event_id) AS ids, count(*) AS rows FROM read_parquet(${sql(`${archive}/${topic}/**/*.parquet`)})`);
      expect(counts.ids).toBe('2400');
      expect(Number(counts.rows) - 2400).toBe(audit.report?.totals.duplicateRecords);
    } finally {
      duck.close();
    }
  });
});
