import type { Kafka, Message } from 'kafkajs';
import { BatchingProducer, type BatchingProducerOptions, type DeliveryReport } from '@eventpath/queues';

/**
 * A producer of its own whose sends never share a request with anyone
 * else's: one send at a time, each its own produce request. A broker that
 * refuses a request refuses all of it (a record over the topic's
 * `max.message.bytes` fails every record that shared its request, on every
 * partition), so only a send made here tells which records the cluster
 * refuses, and which were merely in bad company.
 */
export class IsolatedSender {
  private readonly producer: BatchingProducer;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka, options: BatchingProducerOptions = {}) {
    this.producer = new BatchingProducer(kafka, { ...options, lingerMs: 0 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Sends `messages` alone, after every earlier send here finished. */
  send(topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    const result = this.queue.then(() => this.producer.send(topic, messages));
    this.queue = result.catch(() => undefined);
    return result;
  }
}
