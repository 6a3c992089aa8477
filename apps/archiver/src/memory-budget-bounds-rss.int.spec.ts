import { join } from 'node:path';
import { eventually } from '@eventpath/dev-infra';
import { ArchiveDuckDb, sql } from './test-support/archive-reader';
import { startArchiverProcess } from './test-support/archiver-process';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { committedOffsets } from './test-support/group-offsets';
import { produceRecords, type TestRecord } from './test-support/produce';
import { heapOptions } from './test-support/heap-options';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testConfigFile } from './test-support/test-config';

const MiB = 1024 * 1024;
// CI-sized: a 60 MiB backlog against a 24 MiB budget. ARCHIVER_MEMORY_BACKLOG_MIB=600 for a long run.
const BACKLOG_MIB = Number(process.env['ARCHIVER_MEMORY_BACKLOG_MIB'] ?? 60);
const BUDGET_MIB = 24;
/**
 * The process itself, beside the buffered data the budget covers: Node, V8
 * and the loaded code (kafkajs, the GCS client, protobufjs, the registry,
 * hyparquet: ~110 MiB idle), and garbage V8 has not collected yet (external
 * buffers up to ~64 MiB before V8 collects them). The README states this figure.
 */
const OVERHEAD_MIB = 192;
const RECORD_BYTES = 8 * 1024;
const PARTITIONS = 8;
const HOURS = 6;
const T0 = Date.parse('2024-05-01T00:00:00Z');

describe('memory budget', () => {
  const bed = useArchiverTestbed('archiver-memory');

  it(`drains a ${BACKLOG_MIB} MiB backlog over ${PARTITIONS} partitions and ${HOURS} hours within a ${BUDGET_MIB} MiB budget plus ${OVERHEAD_MIB} MiB of process`, async () => {
    const { kafka, admin, producer, dir } = bed;
    const type = bed.types.pageViewed;
    const topic = await kafka.createUniqueTopic('memory', PARTITIONS);
    const count = Math.ceil((BACKLOG_MIB * MiB) / RECORD_BYTES);
    const padding = 'x'.repeat(RECORD_BYTES - 200);
    for (let start = 0; start < count; start += 2000) {
      const records: TestRecord[] = [];
      for (let i = start; i < Math.min(count, start + 2000); i++) {
        const message = pageViewed(`m${i}`, T0 + Math.floor((i * HOURS * 3_600_000) / count));
        (message.attributes as Map<string, string>).set('payload', `${i}${padding}`);
        records.push({ id: `m${i}`, partition: i % PARTITIONS, message });
      }
      await produceRecords(producer, topic, type, records);
    }
    const groupId = `memory-${Date.now()}`;
    const archiver = bed.trackProcess(
      await startArchiverProcess({
        directory: dir,
        name: 'memory',
        // The V8 settings the Dockerfile runs it with: old space sized to the budget, small young generation.
        nodeOptions: heapOptions(BUDGET_MIB),
        configFile: testConfigFile({
          kafka,
          archiveUrl: `file://${join(dir, 'archive')}`,
          workDirectory: join(dir, 'work'),
          budgets: { memory: `${BUDGET_MIB}MiB`, openFiles: 64 },
          defaults: { groupId, maxFileSize: '256MiB' },
          topics: [{ names: [topic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
        }),
      }),
    );
    const samples: number[] = [];
    const sampler = setInterval(() => void archiver.rss().then((rss) => samples.push(rss), () => undefined), 100);
    try {
      await eventually(
        async () => {
          const high = await admin.fetchTopicOffsets(topic);
          const committed = await committedOffsets(admin, groupId, topic);
          return high.every((p) => committed.get(p.partition) === Number(p.high));
        },
        240_000,
        'the backlog to be archived and committed',
      );
    } finally {
      clearInterval(sampler);
    }
    const peak = await archiver.peakRss();
    const metrics = await archiver.metrics();
    await archiver.stop();
    console.log(
      `memory: ${count} records (${BACKLOG_MIB} MiB) archived; peak RSS ${(peak / MiB).toFixed(0)} MiB (budget ${BUDGET_MIB} MiB + ${OVERHEAD_MIB} MiB process), ` +
        `files finalized: ${[...metrics.matchAll(/eventpath_archiver_files_finalized_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/g)].map((m) => `${m[1]}=${m[2]}`).join(' ')}`,
    );
    expect(Math.max(peak, ...samples)).toBeLessThan((BUDGET_MIB + OVERHEAD_MIB) * MiB);

    const duck = await ArchiveDuckDb.open();
    try {
      const [counts] = await duck.query(`SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM read_parquet(${sql(`${dir}/archive/${topic}/**/*.parquet`)})`);
      expect(counts).toEqual({ rows: String(count), ids: String(count) });
    } finally {
      duck.close();
    }
  }, 400_000);
});
