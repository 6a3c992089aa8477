import type { IHeaders, Message } from 'kafkajs';
import type { RefusalReason } from '../delivery/record-delivery';

/** Headers a dead letter carries besides the record's own. */
export const DEAD_LETTER_HEADERS = {
  /** Why the target refused the record: `message-too-large` or `unknown-topic`. */
  reason: 'eventpath-dead-letter-reason',
  /** The target's error message. */
  error: 'eventpath-dead-letter-error',
  /** The cluster that refused it (`mainstream`, `fronting`) and the topic it was meant for. */
  targetCluster: 'eventpath-dead-letter-target-cluster',
  targetTopic: 'eventpath-dead-letter-target-topic',
  /** Where a relayed record came from in the fronting cluster. */
  originTopic: 'eventpath-dead-letter-origin-topic',
  originPartition: 'eventpath-dead-letter-origin-partition',
  originOffset: 'eventpath-dead-letter-origin-offset',
  /** Where a drained event came from in Redis, and how often it had been delivered to a worker. */
  originStream: 'eventpath-dead-letter-origin-stream',
  originStreamId: 'eventpath-dead-letter-origin-stream-id',
  deliveryCount: 'eventpath-dead-letter-delivery-count',
  /** When it was dead-lettered, epoch milliseconds. */
  deadLetteredAt: 'eventpath-dead-letter-at',
} as const;

/** Where a dead-lettered record came from. */
export type DeadLetterOrigin =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'failover-stream'; stream: string; streamId: string; deliveryCount: number };

export interface Refusal {
  reason: RefusalReason;
  error: Error;
  targetCluster: string;
  targetTopic: string;
}

const MAX_ERROR_CHARS = 1000;

/**
 * The dead letter for a refused record: its key, value, headers and
 * timestamp unchanged, plus the reason and origin headers. The partition is
 * left to the dead-letter topic's partitioner.
 */
export function deadLetterMessage(message: Message, refusal: Refusal, origin: DeadLetterOrigin, now: number = Date.now()): Message {
  const headers: IHeaders = { ...message.headers };
  const set = (name: string, value: string | number) => (headers[name] = String(value));
  set(DEAD_LETTER_HEADERS.reason, refusal.reason);
  set(DEAD_LETTER_HEADERS.error, refusal.error.message.slice(0, MAX_ERROR_CHARS));
  set(DEAD_LETTER_HEADERS.targetCluster, refusal.targetCluster);
  set(DEAD_LETTER_HEADERS.targetTopic, refusal.targetTopic);
  if (origin.kind === 'kafka') {
    set(DEAD_LETTER_HEADERS.originTopic, origin.topic);
    set(DEAD_LETTER_HEADERS.originPartition, origin.partition);
    set(DEAD_LETTER_HEADERS.originOffset, origin.offset);
  } else {
    set(DEAD_LETTER_HEADERS.originStream, origin.stream);
    set(DEAD_LETTER_HEADERS.originStreamId, origin.streamId);
    set(DEAD_LETTER_HEADERS.deliveryCount, origin.deliveryCount);
  }
  set(DEAD_LETTER_HEADERS.deadLetteredAt, now);
  return { key: message.key ?? null, value: message.value, headers, timestamp: message.timestamp };
}
