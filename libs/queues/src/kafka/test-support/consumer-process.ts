/**
 * An AtLeastOnceConsumer in its own process, so a test can SIGKILL it.
 * Started by `startConsumerProcess` (consumer-processes.ts), configured by
 * environment:
 *
 * - KAFKA_CLIENT_CONFIG, CONSUMER_CONFIG: JSON kafkajs settings;
 * - GROUP_ID, TOPIC; COMMIT_INTERVAL_MS (default 100);
 * - DONE_BELOW: only offsets below it are marked done (unset: all);
 * - HOLD_FRACTION, HOLD_MS, SEED: that fraction of the messages (chosen by a
 *   generator seeded with SEED) is held for HOLD_MS before it is marked done,
 *   as slow work would be; the others are marked at once, in reverse order.
 *
 * Prints one JSON line per event, each written before the consumer acts on
 * it (a "done" line before the markDone call), so whoever reads them knows
 * at least everything the consumer could have committed:
 * `{"event":"delivered","partition":0,"offsets":["12","13"]}`,
 * `{"event":"done","partition":0,"offset":"12"}`,
 * `{"event":"assigned","assignment":[{"topic":"t","partitions":[0,1]}]}`,
 * `{"event":"revoked",...}`, `{"event":"error","message":"..."}`.
 */
import { Kafka, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { AtLeastOnceConsumer, type ConsumedBatch } from '../at-least-once-consumer';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

// process.stdout is synchronous for pipes on Linux: a line is out before the call returns.
const report = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const kafka = new Kafka(JSON.parse(env('KAFKA_CLIENT_CONFIG')) as KafkaConfig);
  const doneBelow = process.env['DONE_BELOW'] === undefined ? undefined : BigInt(process.env['DONE_BELOW']);
  const holdFraction = Number(process.env['HOLD_FRACTION'] ?? '0');
  const holdMs = Number(process.env['HOLD_MS'] ?? '0');
  const random = seeded(Number(process.env['SEED'] ?? '1'));

  const finish = (batch: ConsumedBatch, offset: string) => {
    report({ event: 'done', partition: batch.partition, offset });
    batch.markDone(offset);
  };

  const consumer = new AtLeastOnceConsumer(
    kafka,
    {
      groupId: env('GROUP_ID'),
      topics: [env('TOPIC')],
      fromBeginning: true,
      commitIntervalMs: Number(process.env['COMMIT_INTERVAL_MS'] ?? '100'),
      consumerConfig: JSON.parse(env('CONSUMER_CONFIG')) as ConsumerConfig,
      onPartitionsAssigned: (assignment) => void report({ event: 'assigned', assignment }),
      onPartitionsRevoked: (assignment) => void report({ event: 'revoked', assignment }),
      onError: (error) => void report({ event: 'error', message: String(error) }),
    },
    async (batch) => {
      report({ event: 'delivered', partition: batch.partition, offsets: batch.messages.map((m) => m.offset) });
      for (const message of [...batch.messages].reverse()) {
        if (doneBelow !== undefined && BigInt(message.offset) >= doneBelow) continue;
        if (random() < holdFraction) setTimeout(() => finish(batch, message.offset), holdMs);
        else finish(batch, message.offset);
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
