/**
 * One consumer group member in its own process, for tests that kill members.
 *
 *   node --import tsx group-member.ts --bootstrap host:port --topic t --group g [--delay-ms 5]
 *
 * Commits each message's offset right after handling it and reports, one JSON
 * line each on stdout:
 *   {"event":"joined","partitions":[0,2]}
 *   {"event":"consumed","partition":0,"offset":"12","key":"k12"}
 *   {"event":"committed","partition":0,"offset":"13"}   (next offset to read)
 *   {"event":"commit-failed","partition":0,"offset":"13","error":"..."}
 *   {"event":"crashed","error":"..."}
 * "committed" is written only after the broker acknowledged the commit, so
 * the test knows exactly what a killed member had committed. Ends when stdin
 * closes, so a member outlives neither the test nor a failed test run.
 */
import { Kafka } from 'kafkajs';
import { parseArgs } from 'node:util';
import { devKafkaClientConfig, devKafkaConsumerConfig } from '../kafka-test-settings';

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string' },
    topic: { type: 'string' },
    group: { type: 'string' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
if (!values.bootstrap || !values.topic || !values.group) {
  throw new Error('usage: group-member --bootstrap host:port --topic t --group g [--delay-ms n]');
}
const topic = values.topic;
const delayMs = Number(values['delay-ms']);

const report = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

async function main(): Promise<void> {
  const kafka = new Kafka(devKafkaClientConfig(values.bootstrap as string, `member-${process.pid}`));
  const consumer = kafka.consumer(devKafkaConsumerConfig(values.group as string));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    report('joined', { partitions: payload.memberAssignment[topic] ?? [] }),
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => report('crashed', { error: payload.error.message }));

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      report('consumed', { partition, offset: message.offset, key: message.key?.toString() });
      if (delayMs > 0) await new Promise((wait) => setTimeout(wait, delayMs));
      const offset = (BigInt(message.offset) + 1n).toString();
      try {
        await consumer.commitOffsets([{ topic, partition, offset }]);
        report('committed', { partition, offset });
      } catch (error) {
        // The mock refuses commits while the group rebalances: the message
        // stays uncommitted and will be delivered again (at-least-once).
        report('commit-failed', { partition, offset, error: (error as Error).message });
      }
    },
  });

  const stop = () => void consumer.disconnect().finally(() => process.exit(0));
  process.stdin.on('end', stop).resume();
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  report('crashed', { error: (error as Error).message });
  process.exit(1);
});
