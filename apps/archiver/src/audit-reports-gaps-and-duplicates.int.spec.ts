import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_METADATA_KEYS, padOffset } from '@eventpath/archive';
import { createParquetWriter, LocalDirectoryStore } from '@eventpath/storage';
import { Kafka } from 'kafkajs';
import { createArchiver } from './archiver';
import type { AuditReport } from '@eventpath/archive';
import { runAuditCommand } from './audit-command';
import { runAuditCli } from './test-support/audit-cli';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('archiver audit', () => {
  const bed = useArchiverTestbed('archiver-audit');
  let topic: string;
  let groupId: string;
  let archive: string;
  const env = () => ({ MAINSTREAM_KAFKA_BROKERS: bed.kafka.bootstrap });

  beforeAll(async () => {
    const { kafka, admin, producer, dir } = bed;
    // A real archive: 2 partitions, files of ~50 records.
    topic = await kafka.createUniqueTopic('audit', 2);
    archive = join(dir, 'archive');
    await produceRecords(producer, topic, bed.types.pageViewed, Array.from({ length: 400 }, (_, i) => ({ id: `a${i}`, partition: i % 2, message: pageViewed(`a${i}`, T0 + i * 1000) })));
    const config = testArchiverConfig({
      kafka,
      archiveUrl: `file://${archive}`,
      workDirectory: join(dir, 'work'),
      defaults: { maxFileSize: '8KiB' },
      topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
    });
    groupId = config.topics[0].settings.groupId;
    const archiver = await createArchiver(config);
    await waitUntilCommitted(admin, groupId, topic);
    await archiver.stop();
  });

  /** `archiver audit` in this process (the bundle's command line is run by the first and last tests). */
  const audit = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runAuditCommand(args, { env: env(), out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    return { code, stdout, stderr, report: args.includes('--json') && code !== 2 ? (JSON.parse(stdout) as AuditReport) : undefined };
  };
  const objects = async () => (await (await LocalDirectoryStore.open(archive)).list(`${topic}/`)).items.map((i) => i.name).sort();

  it('prints a table and exits 0 when every offset is archived once', async () => {
    const run = await runAuditCli(['--topic', topic, '--archive-url', `file://${archive}`], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| partition \| expected from \| to \(excl\.\) \| archived \| missing \| duplicates \| dead-lettered \| objects \|/);
    expect(run.stdout).toMatch(/\| total +\| +\| +\| +400 \| +0 \| +0 \| +0 \|/);
    expect(run.stdout).toContain('OK: no offset missing.');
    // The same from the object metadata alone (no footer read), and against the group's commits.
    for (const extra of [['--metadata', 'object'], ['--group', groupId]]) {
      const again = await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--json', ...extra]);
      expect(again.code).toBe(0);
      expect(again.report?.totals).toMatchObject({ expected: 400, archived: 400, missing: 0, duplicateRecords: 0 });
    }
  });

  it('exits 1 and names the range of a lost file; reports an extra copy with the objects holding it', async () => {
    const names = await objects();
    const lost = names[1];
    const held = JSON.parse(JSON.stringify(await (await LocalDirectoryStore.open(archive)).stat(lost))).metadata as Record<string, string>;
    const [first, last] = [Number(held[ARCHIVE_METADATA_KEYS.firstOffset]), Number(held[ARCHIVE_METADATA_KEYS.lastOffset])];
    const backup = join(bed.dir, 'lost.parquet');
    await copyFile(join(archive, lost), backup);
    await rm(join(archive, lost));
    try {
      const run = await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--json']);
      expect(run.code).toBe(1);
      const partition = Number(held[ARCHIVE_METADATA_KEYS.partition]);
      expect(run.report?.partitions[partition].missing).toEqual([{ first, last }]);
      expect(run.report?.totals.missing).toBe(last - first + 1);
      const table = await audit(['--topic', topic, '--archive-url', `file://${archive}`]);
      expect(table.code).toBe(1);
      expect(table.stdout).toContain(`partition ${partition} missing: ${first}-${last}`);
      expect(table.stdout).toMatch(/GAP: \d+ offsets missing/);
      // Outside the audited range, the gap is not reported.
      const later = await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--partitions', String(partition), '--from-offset', String(last + 1), '--json']);
      expect(later.code).toBe(0);
    } finally {
      await copyFile(backup, join(archive, lost));
    }

    // A second copy of a file, as a replay that cut it differently would leave.
    const copied = names[0];
    const copy = copied.replace(/\.parquet$/, `+${padOffset(999_999)}.parquet`);
    await copyFile(join(archive, copied), join(archive, copy));
    try {
      const run = await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--json']);
      expect(run.code).toBe(0);
      const duplicated = run.report!.partitions.flatMap((p) => p.duplicated);
      expect(duplicated).toHaveLength(1);
      expect(duplicated[0]).toMatchObject({ copies: 2, objects: [copied, copy].sort() });
      expect(run.report!.totals.duplicateRecords).toBe(duplicated[0].last - duplicated[0].first + 1);
      expect((await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--fail-on-duplicates'])).code).toBe(1);
    } finally {
      await rm(join(archive, copy));
    }
  });

  it('exits 2 with a message on bad usage', async () => {
    const noTopic = await audit(['--archive-url', `file://${archive}`]);
    expect(noTopic.code).toBe(2);
    expect(noTopic.stderr).toMatch(/required option '--topic <topic>'/);
    const noStore = await audit(['--topic', topic]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/--archive-url: required/);
    const badOffset = await audit(['--topic', topic, '--archive-url', `file://${archive}`, '--from-offset', 'soon']);
    expect(badOffset.code).toBe(2);
    expect(badOffset.stderr).toMatch(/expected an offset/);
  });

  it('audits 10 000 files in seconds, reading only their footers', async () => {
    const { kafka, dir } = bed;
    const FILES = 10_000;
    const bigTopic = await kafka.createUniqueTopic('audit-10k', 1);
    const bigProducer = new Kafka(kafka.clientConfig('audit-10k')).producer(kafka.producerConfig());
    await bigProducer.connect();
    for (let i = 0; i < FILES; i += 2000) await bigProducer.send({ topic: bigTopic, acks: -1, messages: Array.from({ length: 2000 }, () => ({ value: 'x' })) });
    await bigProducer.disconnect();
    // One real one-row file per offset: a template whose offsets are rewritten in place (same lengths).
    const root = join(dir, 'big');
    const folder = join(root, bigTopic, 'dt=2024-05-01', 'hr=10');
    await mkdir(folder, { recursive: true });
    const MARK = '1234567890';
    const template = join(dir, 'template.parquet');
    const writer = await createParquetWriter(template, {
      schema: { fields: [{ kind: 'primitive', name: 'v', repetition: 'REQUIRED', physicalType: 'INT64' }] },
      keyValueMetadata: {
        [ARCHIVE_METADATA_KEYS.kind]: 'parquet',
        [ARCHIVE_METADATA_KEYS.topic]: bigTopic,
        [ARCHIVE_METADATA_KEYS.partition]: '0',
        [ARCHIVE_METADATA_KEYS.firstOffset]: MARK,
        [ARCHIVE_METADATA_KEYS.lastOffset]: MARK,
        [ARCHIVE_METADATA_KEYS.rowCount]: '1',
        [ARCHIVE_METADATA_KEYS.offsets]: `${MARK}-${MARK}`,
      },
    });
    await writer.appendRows([{ v: 1n }]);
    await writer.close();
    const bytes = (await readFile(template)).toString('latin1');
    for (let i = 0; i < FILES; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, FILES - i) }, (_, k) => {
          const offset = i + k;
          const content = Buffer.from(bytes.split(MARK).join(String(offset).padStart(MARK.length, '0')), 'latin1');
          return writeFile(join(folder, `${bigTopic}+0+${padOffset(offset)}.parquet`), content);
        }),
      );
    }
    const started = Date.now();
    const run = await runAuditCli(['--topic', bigTopic, '--archive-url', `file://${root}`, '--json'], env());
    const seconds = (Date.now() - started) / 1000;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.report).toMatchObject({ objectsListed: FILES, metadataSource: 'footer', totals: { expected: FILES, archived: FILES, missing: 0 } });
    console.log(`audit: ${FILES} files in ${seconds.toFixed(1)} s (the audit itself: ${run.report?.durationMs} ms)`);
    expect(seconds).toBeLessThan(30);
  });
});
