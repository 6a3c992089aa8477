import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_METADATA_KEYS, parseDeadLetterLines, parseFooter } from '@eventpath/archive';
import { LocalDirectoryStore } from '@eventpath/storage';
import { createArchiver } from './archiver';
import { localParquetFiles } from './test-support/archive-reader';
import { PAGE_VIEWED, pageViewed } from './test-support/example-schema';
import { waitUntilCommitted } from './test-support/group-offsets';
import { produceRecords } from './test-support/produce';
import { useArchiverTestbed } from './test-support/archiver-testbed';
import { testArchiverConfig } from './test-support/test-config';

const at = (hhmm: string) => Date.parse(`2024-05-01T${hhmm}:00Z`);

/** Event times in offset order: the partition's event time reaches 11:05, then 11:20, with late records after each. */
const TIMELINE = [
  ['e0', '10:05'],
  ['e1', '10:50'],
  ['e2', '11:05'], // hour 10 is over, within its 10 minutes of grace
  ['e3', '10:30'], // late within grace: into hour 10's file
  ['e4', '11:20'], // grace over: hour 10 is finalized
  ['e5', '10:40'], // late beyond grace
  ['e6', '11:30'],
] as const;

describe('late events', () => {
  const bed = useArchiverTestbed('archiver-late');

  it('within grace go into their window’s file; beyond grace into a file of their own, or to the dead letters when so configured', async () => {
    const { kafka, admin, producer, dir } = bed;
    const type = bed.types.pageViewed;
    const written = await kafka.createUniqueTopic('late-write', 1);
    const dead = await kafka.createUniqueTopic('late-dead', 1);
    for (const topic of [written, dead]) {
      // One record per send: each comes in a batch of its own or with others, the outcome is the same.
      for (const [id, hhmm] of TIMELINE) await produceRecords(producer, topic, type, [{ id, message: pageViewed(id, at(hhmm)) }]);
    }
    const archive = join(dir, 'archive');
    const config = testArchiverConfig({
      kafka,
      archiveUrl: `file://${archive}`,
      workDirectory: join(dir, 'work'),
      defaults: { grace: '10m', idleClose: '1s' },
      topics: [
        { names: [written], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' }, lateEvents: 'write' },
        { names: [dead], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' }, lateEvents: 'dead-letter' },
      ],
    });
    const archiver = bed.track(await createArchiver(config));
    const groupId = config.topics[0].settings.groupId;
    await waitUntilCommitted(admin, groupId, written);
    await waitUntilCommitted(admin, groupId, dead);
    const metrics = await (await fetch(`${archiver.opsUrl}/metrics`)).text();
    await archiver.stop();

    const store = await LocalDirectoryStore.open(archive);
    const offsetsOf = async (topic: string) => {
      const result: Array<[string, string, string]> = [];
      for (const file of await localParquetFiles(store, `${topic}/`)) {
        const kv = parseFooter(await readFile(file)).keyValueMetadata;
        result.push([kv[ARCHIVE_METADATA_KEYS.timePartition], kv[ARCHIVE_METADATA_KEYS.offsets], kv[ARCHIVE_METADATA_KEYS.closeReason]]);
      }
      return result.sort();
    };
    // e0, e1 and e3 (late within grace) in hour 10's file; e5 (beyond grace) in a second hour-10 file.
    expect(await offsetsOf(written)).toEqual([
      ['dt=2024-05-01/hr=10', '0-1,3', 'window'],
      ['dt=2024-05-01/hr=10', '5', 'window'],
      ['dt=2024-05-01/hr=11', '2,4,6', 'idle'],
    ]);
    expect(await offsetsOf(dead)).toEqual([
      ['dt=2024-05-01/hr=10', '0-1,3', 'window'],
      ['dt=2024-05-01/hr=11', '2,4,6', 'idle'],
    ]);
    const [deadLetters] = (await store.list(`_errors/${dead}/`)).items;
    const lines = parseDeadLetterLines((await store.get(deadLetters.name)).toString('utf8'));
    expect(lines.map((l) => [l.offset, l.reason])).toEqual([['5', 'late']]);
    expect(lines[0].detail).toMatch(/past its window's end plus grace/);
    expect(metrics).toContain(`eventpath_archiver_late_records_total{topic="${written}",disposition="within_grace",app="archiver"} 1`);
    expect(metrics).toContain(`eventpath_archiver_late_records_total{topic="${written}",disposition="beyond_grace_written",app="archiver"} 1`);
    expect(metrics).toContain(`eventpath_archiver_late_records_total{topic="${dead}",disposition="beyond_grace_dead_lettered",app="archiver"} 1`);
  });
});
