import { mkdir } from 'node:fs/promises';
import type { MessageSchema } from '@eventpath/schemas';
import { FileRoller } from '../files/file-roller';
import type { FinalizedArchiveFile } from '../files/finalized-archive-file';
import { MemoryBudget } from '../files/memory-budget';
import { PartitionClocks } from '../files/partition-clocks';
import { PendingRecords } from '../files/pending-records';
import { testLease, type TestLease } from './test-lease';
import { pageView } from './test-schemas';
import { testSettings } from './test-settings';

/**
 * A real finalized Parquet file of PageViews holding exactly `offsets`
 * (all in the hour of `at`), as the roller makes them.
 */
export async function finalizedFile(
  directory: string,
  type: MessageSchema,
  options: { topic?: string; partition?: number; offsets: number[]; at?: number; lease?: TestLease },
): Promise<FinalizedArchiveFile> {
  const topic = options.topic ?? 'views';
  const partition = options.partition ?? 0;
  const at = options.at ?? Date.parse('2024-05-01T10:00:00Z');
  const settings = testSettings(topic);
  const mapping = type.parquetMapping();
  const lease = options.lease ?? testLease(topic, partition);
  await mkdir(directory, { recursive: true });
  const roller = new FileRoller({
    directory,
    budget: new MemoryBudget({ budgetBytes: 64 * 1024 * 1024, readQueueBytes: 1024 * 1024 }),
    maxOpenFiles: 4,
    pending: new PendingRecords(),
    clocks: new PartitionClocks(),
  });
  const rows = options.offsets.map((offset) =>
    mapping.toRow(type.decode(type.encode(pageView(`${topic}-${partition}-${offset}`, at))), { topic, partition, offset, timestamp: at, eventId: `${topic}-${partition}-${offset}` }),
  );
  await roller.write(
    { settings, partition, timePartition: settings.partitioner.partitionOf(at), mapping, lease, late: false },
    { rows, offsets: options.offsets, eventTimes: options.offsets.map(() => at), recordBytes: rows.length * 100 },
    Date.now(),
  );
  const [file] = await roller.finalizeAll('window');
  return file;
}
