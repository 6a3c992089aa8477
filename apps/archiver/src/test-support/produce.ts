import type { TestKafka } from '@eventpath/dev-infra';
import type { MessageSchema } from '@eventpath/schemas';
import { Kafka, type Producer } from 'kafkajs';

export interface TestRecord {
  id: string;
  message: Record<string, unknown>;
  partition?: number;
  key?: string;
}

/** A kafkajs producer for tests (acks=all). */
export async function testProducer(kafka: TestKafka): Promise<Producer> {
  const producer = new Kafka(kafka.clientConfig(`archiver-test-producer-${Date.now()}`)).producer(kafka.producerConfig());
  await producer.connect();
  return producer;
}

/** Encodes and sends records with their ids in the `eventpath-event-id` header. */
export async function produceRecords(producer: Producer, topic: string, type: MessageSchema, records: TestRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: records.slice(i, i + 500).map((r) => ({
        value: Buffer.from(type.encode(r.message)),
        headers: { 'eventpath-event-id': r.id },
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.key === undefined ? {} : { key: r.key }),
      })),
    });
  }
}
