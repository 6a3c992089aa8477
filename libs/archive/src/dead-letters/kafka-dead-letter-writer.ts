import type { BatchingProducer } from '@eventpath/queues';
import { backOff } from 'exponential-backoff';
import type { IHeaders } from 'kafkajs';
import type { DeadLetterBatch } from './dead-letter';
import type { DeadLetterWriter } from './dead-letter-writer';

/** Headers a dead letter carries in the dead-letter topic, besides the record's own. */
export const DEAD_LETTER_HEADERS = {
  topic: 'eventpath-dead-letter-topic',
  partition: 'eventpath-dead-letter-partition',
  offset: 'eventpath-dead-letter-offset',
  timestamp: 'eventpath-dead-letter-timestamp',
  reason: 'eventpath-dead-letter-reason',
  detail: 'eventpath-dead-letter-detail',
} as const;

/**
 * Dead letters as records of a Kafka topic: the original key, value (raw
 * bytes) and headers, plus headers naming the origin (topic, partition,
 * offset, timestamp) and the reason. Sent with acks=all; the offsets are
 * marked done only after the send is acknowledged.
 */
export class KafkaDeadLetterWriter implements DeadLetterWriter {
  readonly destination: string;

  constructor(
    private readonly producer: BatchingProducer,
    private readonly topic: string,
    private readonly retry: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number } = {},
  ) {
    this.destination = `kafka topic ${topic}`;
  }

  async write(batch: DeadLetterBatch, signal?: AbortSignal): Promise<void> {
    const messages = batch.records.map((record) => {
      const headers: IHeaders = {};
      for (const [name, value] of record.headers) {
        const existing = headers[name];
        headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      headers[DEAD_LETTER_HEADERS.topic] = record.topic;
      headers[DEAD_LETTER_HEADERS.partition] = String(record.partition);
      headers[DEAD_LETTER_HEADERS.offset] = record.offset;
      headers[DEAD_LETTER_HEADERS.timestamp] = record.timestamp;
      headers[DEAD_LETTER_HEADERS.reason] = record.reason;
      headers[DEAD_LETTER_HEADERS.detail] = record.detail.slice(0, 1024);
      return { key: record.key, value: record.value, headers };
    });
    await backOff(() => this.producer.send(this.topic, messages), {
      numOfAttempts: this.retry.attempts ?? 5,
      startingDelay: this.retry.initialDelayMs ?? 1000,
      maxDelay: this.retry.maxDelayMs ?? 30_000,
      jitter: 'full',
      retry: () => !signal?.aborted,
    });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
