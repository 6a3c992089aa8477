import { useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { Kafka, type Admin, type Message } from 'kafkajs';

/** What a consumer spec needs from the test Kafka: a client, an admin, and topics of its own. */
export interface ConsumerTestBed {
  readonly testKafka: TestKafka;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A new topic of this run (see `TestKafka.createUniqueTopic`). */
  topic(prefix: string, partitions: number): Promise<string>;
  /** Sends `messages` (acks=all) with a producer of its own. */
  produce(topic: string, messages: Message[]): Promise<void>;
  /** The group's committed offsets of `topic`, in partition order (`-1`: none). */
  committed(groupId: string, topic: string): Promise<string[]>;
  release(): Promise<void>;
}

export async function startConsumerTestBed(clientId: string): Promise<ConsumerTestBed> {
  const testKafka = await useTestKafka();
  const kafka = new Kafka(testKafka.clientConfig(clientId));
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    await testKafka.release();
    throw error;
  }
  return {
    testKafka,
    kafka,
    admin,
    topic: (prefix, partitions) => testKafka.createUniqueTopic(prefix, partitions),
    produce: async (topic, messages) => {
      const producer = kafka.producer(testKafka.producerConfig());
      await producer.connect();
      try {
        await producer.send({ topic, messages });
      } finally {
        await producer.disconnect();
      }
    },
    committed: async (groupId, topic) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    },
    release: async () => {
      await admin.disconnect();
      await testKafka.release();
    },
  };
}
