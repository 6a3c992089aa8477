import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { Partitioning } from './partitioning';

/**
 * The mainstream copy of a fronting record: the same key, value (null for a
 * tombstone), headers (the event id among them; repeated headers stay
 * repeated, in their order) and timestamp (CreateTime: the broker keeps it
 * unless the mainstream topic uses LogAppendTime).
 */
export function relayedMessage(record: KafkaMessage, sourcePartition: number, partitioning: Partitioning): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? [...value] : value;
  }
  const message: Message = { key: record.key, value: record.value, headers, timestamp: record.timestamp };
  if (partitioning === 'same-partition') message.partition = sourcePartition;
  return message;
}
