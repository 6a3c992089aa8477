import { join } from 'node:path';
import { DEAD_LETTER_HEADERS, parseDeadLetterLines } from '@eventpath/archive';
import { kcatReadAll } from '@eventpath/dev-infra';
import { LocalDirectoryStore } from '@eventpath/storage';
import { createArchiver } from './archiver';
import { ArchiveDuckDb, sql } from './test-support/archive-reader';
import { runAuditCli } from './test-support/audit-cli';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { waitUntilCommitted } from './test-support/group-offsets';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const POISON = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]); // field 1, a length beyond the end

describe('poison records', () => {
  const bed = useArchiverTestbed('archiver-poison');

  /** 30 good records around three bad ones: undecodable bytes, no event time, a tombstone. */
  async function produceWithPoison(topic: string): Promise<void> {
    const { producer } = bed;
    const type = bed.types.pageViewed;
    const good = (i: number) => ({ value: Buffer.from(type.encode(pageViewed(`p${i}`, T0 + i * 1000))), headers: { 'eventpath-event-id': `p${i}` } });
    const messages = [
      ...Array.from({ length: 10 }, (_, i) => good(i)),
      { value: POISON, key: 'poison', headers: { 'eventpath-event-id': 'bad-bytes', trace: 'abc' } },
      ...Array.from({ length: 10 }, (_, i) => good(10 + i)),
      { value: Buffer.from(type.encode({ ...pageViewed('no-time', T0), event_time: undefined })), headers: { 'eventpath-event-id': 'no-time' } },
      { value: null, key: 'gone' },
      ...Array.from({ length: 10 }, (_, i) => good(20 + i)),
    ];
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, partition: 0 })) });
  }

  it('are dead-lettered under _errors/ with their raw bytes, origin and reason, and the partition keeps moving', async () => {
    const { kafka, admin, dir } = bed;
    const topic = await kafka.createUniqueTopic('poison', 1);
    await produceWithPoison(topic);
    const archive = join(dir, 'archive');
    const config = testArchiverConfig({ kafka, archiveUrl: `file://${archive}`, workDirectory: join(dir, 'work'), topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }] });
    const archiver = bed.track(await createArchiver(config));
    await waitUntilCommitted(admin, config.topics[0].settings.groupId, topic);

    const store = await LocalDirectoryStore.open(archive);
    const dead = (await store.list(`_errors/${topic}/`)).items;
    expect(dead.map((d) => d.name)).toEqual([`_errors/${topic}/partition=0/${topic}+0+00000000000000000010.jsonl`]);
    const lines = parseDeadLetterLines((await store.get(dead[0].name)).toString('utf8'));
    expect(lines.map((l) => [l.offset, l.reason])).toEqual([
      ['10', 'undecodable'],
      ['21', 'no-timestamp'],
      ['22', 'tombstone'],
    ]);
    expect(lines[0]).toMatchObject({ topic, partition: 0, key: Buffer.from('poison').toString('base64'), value: POISON.toString('base64'), headers: expect.arrayContaining([['trace', Buffer.from('abc').toString('base64')]]) });
    expect(lines[0].detail).toMatch(/eventpath\.example\.PageViewed/);
    expect(lines[1].detail).toMatch(/event_time is not set/);
    expect(lines[2].value).toBeNull();

    const duck = await ArchiveDuckDb.open();
    try {
      const [counts] = await duck.query(`SELECT count(*) AS rows, max(__kafka_offset) AS last FROM read_parquet(${sql(`${archive}/${topic}/**/*.parquet`)})`);
      expect(counts).toEqual({ rows: '30', last: '32' });
    } finally {
      duck.close();
    }
    const metrics = await (await fetch(`${archiver.opsUrl}/metrics`)).text();
    for (const reason of ['undecodable', 'no-timestamp', 'tombstone']) expect(metrics).toContain(`eventpath_archiver_records_dead_lettered_total{topic="${topic}",reason="${reason}",app="archiver"} 1`);
    // The audit counts dead letters as accounted for: no gap.
    const audit = await runAuditCli(['--topic', topic, '--archive-url', `file://${archive}`, '--json'], { MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap });
    expect(audit.code).toBe(0);
    expect(audit.report?.totals).toMatchObject({ expected: 33, archived: 33, deadLettered: 3, missing: 0 });
  });

  it('go to a Kafka dead-letter topic with origin headers when so configured', async () => {
    const { kafka, admin, dir } = bed;
    const topic = await kafka.createUniqueTopic('poison', 1);
    const deadLetterTopic = await kafka.createUniqueTopic('poison-dlq', 1);
    await produceWithPoison(topic);
    const archive = join(dir, 'archive-kafka');
    const config = testArchiverConfig({
      kafka,
      archiveUrl: `file://${archive}`,
      workDirectory: join(dir, 'work-kafka'),
      deadLetters: { kafkaTopic: deadLetterTopic },
      topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
    });
    bed.track(await createArchiver(config));
    await waitUntilCommitted(admin, config.topics[0].settings.groupId, topic);
    // Read back by an independent client.
    const records = await kcatReadAll(kafka.bootstrap, deadLetterTopic);
    const header = (headers: string[] | undefined, name: string) => headers?.[headers.indexOf(name) + 1];
    expect(records.map((r) => [header(r.headers, DEAD_LETTER_HEADERS.offset), header(r.headers, DEAD_LETTER_HEADERS.reason)])).toEqual([
      ['10', 'undecodable'],
      ['21', 'no-timestamp'],
      ['22', 'tombstone'],
    ]);
    expect(header(records[0].headers, DEAD_LETTER_HEADERS.topic)).toBe(topic);
    expect(header(records[0].headers, 'trace')).toBe('abc');
    const audit = await runAuditCli(['--topic', topic, '--archive-url', `file://${archive}`, '--dead-letter-topic', deadLetterTopic, '--json'], { MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap });
    expect(audit.code).toBe(0);
    expect(audit.report?.totals).toMatchObject({ archived: 33, deadLettered: 3, missing: 0 });
    const without = await runAuditCli(['--topic', topic, '--archive-url', `file://${archive}`, '--json'], { MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap });
    expect(without.code).toBe(1);
    expect(without.report?.partitions[0].missing).toEqual([{ first: 10, last: 10 }, { first: 21, last: 22 }]);
  });
});
