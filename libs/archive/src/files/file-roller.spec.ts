import { readdir, readFile } from 'node:fs/promises';
import type { MessageSchema, ParquetMapping } from '@eventpath/schemas';
import { parseFooter } from '../footers/parquet-footer';
import { testLease, type TestLease } from '../test-support/test-lease';
import { pageView, testMessageTypes } from '../test-support/test-schemas';
import { testSettings } from '../test-support/test-settings';
import { useTempDirectory } from '../test-support/temp-directory';
import { ARCHIVE_METADATA_KEYS, readAccount } from './archive-file-metadata';
import { FileRoller, type WriteTarget } from './file-roller';
import type { TopicArchiveSettings } from './topic-archive-settings';
import { MemoryBudget } from './memory-budget';
import type { RowBatch } from './open-archive-file';
import { PartitionClocks } from './partition-clocks';
import { PendingRecords } from './pending-records';

const HOUR = 3_600_000;
const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('FileRoller', () => {
  const dir = useTempDirectory('file-roller');
  let pageViewType: MessageSchema;
  let mapping: ParquetMapping;
  let lease: TestLease;
  let clocks: PartitionClocks;
  let pending: PendingRecords;

  beforeAll(async () => {
    pageViewType = (await testMessageTypes()).pageView;
    mapping = pageViewType.parquetMapping();
  });
  beforeEach(() => {
    lease = testLease('views', 0);
    clocks = new PartitionClocks();
    pending = new PendingRecords();
  });

  const rollers: FileRoller[] = [];
  afterEach(async () => {
    for (const r of rollers.splice(0)) await r.discardAll();
  });
  const roller = (options: { budgetBytes?: number; maxOpenFiles?: number } = {}) => {
    const created = new FileRoller({
      directory: dir(),
      budget: new MemoryBudget({ budgetBytes: options.budgetBytes ?? 256 * 1024 * 1024, readQueueBytes: 1024 * 1024 }),
      maxOpenFiles: options.maxOpenFiles ?? 16,
      pending,
      clocks,
      chunkRows: 100,
    });
    rollers.push(created);
    return created;
  };

  /** Rows for offsets [from, from + count) at event times `at(offset)`. */
  const batch = (from: number, count: number, at: (offset: number) => number): RowBatch => {
    const rows: Record<string, unknown>[] = [];
    const result: RowBatch = { rows, offsets: [], eventTimes: [], recordBytes: 0 };
    for (let offset = from; offset < from + count; offset++) {
      const ms = at(offset);
      rows.push(mapping.toRow(pageViewType.decode(pageViewType.encode(pageView(`e${offset}`, ms))), { topic: 'views', partition: 0, offset, timestamp: ms, eventId: `e${offset}` }));
      result.offsets.push(offset);
      result.eventTimes.push(ms);
      result.recordBytes += 100;
    }
    return result;
  };
  const target = (settings: TopicArchiveSettings, ms: number, overrides: Partial<WriteTarget> = {}): WriteTarget => ({
    settings,
    partition: 0,
    timePartition: settings.partitioner.partitionOf(ms),
    mapping,
    lease,
    late: false,
    ...overrides,
  });

  it('keeps one file per time partition and finalizes a window when the partition passes its end plus grace', async () => {
    const settings = testSettings('views');
    const files = roller();
    await files.write(target(settings, T0), batch(0, 10, () => T0 + 1000), T0);
    await files.write(target(settings, T0 + HOUR), batch(10, 5, () => T0 + HOUR + 1000), T0);
    expect(files.openFileCount).toBe(2);
    clocks.advance(lease, T0 + HOUR + 9 * 60_000);
    expect(await files.closeDue(T0)).toEqual([]);
    clocks.advance(lease, T0 + HOUR + settings.graceMs);
    const [closed] = await files.closeDue(T0);
    expect(closed).toMatchObject({ reason: 'window', rows: 10, objectName: 'views/dt=2024-05-01/hr=10/views+0+00000000000000000000.parquet' });
    expect(pending.count).toBe(10);
    const footer = parseFooter(await readFile(closed.localPath));
    expect(footer.rows).toBe(10);
    expect(footer.keyValueMetadata).toMatchObject({
      [ARCHIVE_METADATA_KEYS.topic]: 'views',
      [ARCHIVE_METADATA_KEYS.partition]: '0',
      [ARCHIVE_METADATA_KEYS.firstOffset]: '0',
      [ARCHIVE_METADATA_KEYS.lastOffset]: '9',
      [ARCHIVE_METADATA_KEYS.rowCount]: '10',
      [ARCHIVE_METADATA_KEYS.offsets]: '0-9',
      [ARCHIVE_METADATA_KEYS.closeReason]: 'window',
      [ARCHIVE_METADATA_KEYS.schemaFingerprint]: mapping.fingerprint,
      [ARCHIVE_METADATA_KEYS.windowStart]: '2024-05-01T10:00:00.000Z',
    });
    expect(readAccount(footer.keyValueMetadata)).toMatchObject({ firstOffset: 0, lastOffset: 9, rowCount: 10 });
  });

  it('rolls a file at the size limit; the next file starts at the next offset', async () => {
    const settings = testSettings('views', { maxFileBytes: 12 * 1024 });
    const files = roller();
    const { finalized } = await files.write(target(settings, T0), batch(0, 1200, () => T0), T0);
    expect(finalized.length).toBeGreaterThan(1);
    expect(finalized.every((f) => f.reason === 'size')).toBe(true);
    const all = [...finalized, ...(await files.finalizeAll('stop'))];
    const ranges = all.map((f) => [f.offsets.first, f.offsets.last]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe((ranges[i - 1][1] as number) + 1);
    expect(ranges[ranges.length - 1][1]).toBe(1199);
    for (const f of finalized) expect(f.bytes).toBeLessThan(12 * 1024 * 1.3);
  });

  it('finalizes the oldest file when one more would pass the open-file budget', async () => {
    const settings = testSettings('views');
    const files = roller({ maxOpenFiles: 2 });
    await files.write(target(settings, T0), batch(0, 1, () => T0), T0);
    await files.write(target(settings, T0 + HOUR), batch(1, 1, () => T0 + HOUR), T0 + 1);
    const { finalized } = await files.write(target(settings, T0 + 2 * HOUR), batch(2, 1, () => T0 + 2 * HOUR), T0 + 2);
    expect(finalized.map((f) => [f.reason, f.offsets.first])).toEqual([['open-files', 0]]);
    expect(files.openFileCount).toBe(2);
  });

  it('stays within the memory budget, finalizing the largest file first', async () => {
    const settings = testSettings('views');
    // Room for a little more than one minimum row group (6 x 128 KiB) beside the 1 MiB read queue.
    const budget = 6 * 128 * 1024 + 1024 * 1024 + 100_000;
    const files = roller({ budgetBytes: budget });
    const reasons: string[] = [];
    let offset = 0;
    for (let hour = 0; hour < 4; hour++) {
      const { finalized } = await files.write(target(settings, T0 + hour * HOUR), batch(offset, 400, () => T0 + hour * HOUR), T0);
      offset += 400;
      reasons.push(...finalized.map((f) => f.reason));
      expect(files.memoryInUse()).toBeLessThanOrEqual(budget - 1024 * 1024 + 64 * pending.count);
    }
    expect(reasons).toContain('memory');
    expect(files.openFileCount).toBeLessThan(4);
  });

  it('rolls the file when the schema version changes', async () => {
    const settings = testSettings('views');
    const files = roller();
    await files.write(target(settings, T0), batch(0, 3, () => T0), T0);
    const other = { ...mapping, fingerprint: 'another-version' };
    const { finalized } = await files.write(target(settings, T0, { mapping: other }), batch(3, 2, () => T0), T0);
    expect(finalized.map((f) => [f.reason, f.rows])).toEqual([['schema', 3]]);
    expect(files.openFiles()[0].fingerprint).toBe('another-version');
  });

  it('finalizes idle files once their window has passed on the wall clock, and files past their maximum age', async () => {
    const settings = testSettings('views', { idleCloseMs: 1000, maxFileAgeMs: 10 * HOUR });
    const files = roller();
    await files.write(target(settings, T0), batch(0, 1, () => T0), T0);
    expect(await files.closeDue(T0 + 5000)).toEqual([]); // idle, but the window is not over
    const [idle] = await files.closeDue(T0 + HOUR + settings.graceMs + 1000);
    expect(idle.reason).toBe('idle');
    await files.write(target(settings, T0), batch(1, 1, () => T0), T0);
    const [aged] = await files.closeDue(T0 + 10 * HOUR);
    expect(aged.reason).toBe('max-age');
  });

  it('discards the open files of a revoked partition, leaving no local file', async () => {
    const settings = testSettings('views');
    const files = roller();
    await files.write(target(settings, T0), batch(0, 5, () => T0), T0);
    lease.end();
    expect(await files.discardRevoked()).toBe(1);
    expect(files.openFileCount).toBe(0);
    expect(await readdir(dir())).toEqual([]);
  });
});
