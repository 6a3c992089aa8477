/**
 * A consumer in its own process, so a test can SIGKILL it. Configured by
 * environment: KAFKA_CLIENT_CONFIG and CONSUMER_CONFIG (JSON), GROUP_ID,
 * TOPIC, DONE_BELOW (only offsets below it are marked done, in reverse
 * order, as work finishing out of order would). Prints one JSON line per
 * delivered message: {"partition":0,"offset":"12"}.
 */
import { Kafka, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { AtLeastOnceConsumer } from '../at-least-once-consumer';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const kafka = new Kafka(JSON.parse(env('KAFKA_CLIENT_CONFIG')) as KafkaConfig);
  const doneBelow = BigInt(env('DONE_BELOW'));
  const consumer = new AtLeastOnceConsumer(
    kafka,
    {
      groupId: env('GROUP_ID'),
      topics: [env('TOPIC')],
      fromBeginning: true,
      commitIntervalMs: 100,
      consumerConfig: JSON.parse(env('CONSUMER_CONFIG')) as ConsumerConfig,
    },
    async (batch) => {
      for (const message of batch.messages) {
        process.stdout.write(`${JSON.stringify({ partition: batch.partition, offset: message.offset })}\n`);
      }
      for (const message of [...batch.messages].reverse()) {
        if (BigInt(message.offset) < doneBelow) batch.markDone(message.offset);
      }
    },
  );
  await consumer.start();
  await consumer.closed;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
