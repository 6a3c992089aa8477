import type { TopicArchiveSettings } from '../files/topic-archive-settings';
import { TimestampSource } from '../records/timestamp-source';
import { TimePartitioner } from '../time/time-partitioner';
import { PAGE_VIEW } from './test-schemas';

/** Hourly PageView archiving of `topic`, with test-sized limits unless overridden. */
export function testSettings(topic: string, overrides: Partial<TopicArchiveSettings> = {}): TopicArchiveSettings {
  return {
    topic,
    messageType: PAGE_VIEW,
    timestamp: new TimestampSource({ kind: 'field', path: 'event_time' }),
    partitioner: new TimePartitioner({ pattern: "'dt='yyyy-MM-dd/'hr='HH" }),
    graceMs: 10 * 60_000,
    lateEvents: 'write',
    maxFileBytes: 64 * 1024 * 1024,
    compression: 'SNAPPY',
    metadataColumns: true,
    eventIdHeader: 'eventpath-event-id',
    idleCloseMs: 60_000,
    maxFileAgeMs: 3_600_000,
    ...overrides,
  };
}
