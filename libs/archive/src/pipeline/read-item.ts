import type { KafkaMessage } from 'kafkajs';
import type { TopicArchiveSettings } from '../files/topic-archive-settings';
import type { PartitionLease } from '../records/partition-lease';

/** A fetched batch of one Kafka partition, on its way to the converter. */
export interface BatchItem {
  readonly kind: 'batch';
  readonly lease: PartitionLease;
  readonly settings: TopicArchiveSettings;
  readonly messages: KafkaMessage[];
  readonly highWatermark: string;
}

/** Once a second: lets the converter finalize due files when no batch comes. */
export interface TickItem {
  readonly kind: 'tick';
}

export type ReadItem = BatchItem | TickItem;

/** Bytes a batch keeps alive while it waits (values, keys, headers and a per-message allowance). */
export function batchBytes(item: ReadItem): number {
  if (item.kind !== 'batch') return 0;
  let total = 0;
  for (const message of item.messages) {
    total += 200 + (message.value?.length ?? 0) + (message.key?.length ?? 0);
    if (message.headers) for (const value of Object.values(message.headers)) total += 32 + (Buffer.isBuffer(value) ? value.length : 16);
  }
  return total;
}
