import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { eventually } from '@eventpath/dev-infra';

/**
 * Records every message of some topics from the beginning with one plain
 * kafkajs consumer, so a test file pays for one group join (about 3 s on the
 * dev broker) however many topics it checks.
 */
export class TopicRecorder {
  private readonly seen = new Map<string, string>();
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[], consumerConfig: ConsumerConfig): Promise<TopicRecorder> {
    const consumer = kafka.consumer(consumerConfig);
    const recorder = new TopicRecorder(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        recorder.seen.set(`${topic}/${partition}/${message.offset}`, message.value?.toString() ?? '');
      },
    });
    return recorder;
  }

  /** The value stored at topic/partition/offset, waiting for it to arrive. */
  async valueAt(topic: string, partition: number, offset: string): Promise<string> {
    const key = `${topic}/${partition}/${offset}`;
    return eventually(() => this.seen.get(key), 15_000, `a message at ${key}`);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
