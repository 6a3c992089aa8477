import { eventually } from '@eventpath/dev-infra';
import { AtLeastOnceConsumer, type AtLeastOnceConsumerOptions, type BatchHandler } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

const HOOK_MS = 1000;
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Batches a member's handler got while its revoke or assign hook was running. */
function batchesDuringHooks(events: string[]): number {
  let inHooks = false;
  let count = 0;
  for (const event of events) {
    if (event === 'revoke-start' || event === 'assign-start') inHooks = true;
    else if (event === 'assign-end') inHooks = false;
    else if (event === 'batch' && inHooks) count += 1;
  }
  return count;
}

describe('AtLeastOnceConsumer rebalance hooks', () => {
  let bed: ConsumerTestBed;
  let topic: string;

  beforeAll(async () => {
    bed = await startConsumerTestBed('hooks-test');
    topic = await bed.topic('slow-hooks', 2);
  });
  afterAll(() => bed?.release());

  it('hands no batch of a new assignment over before its revoke and assign hooks finished', async () => {
    const groupId = `slow-hooks-${Date.now()}`;
    const events: string[] = [];
    const options = (extra: Partial<AtLeastOnceConsumerOptions>): AtLeastOnceConsumerOptions => ({
      groupId,
      topics: [topic],
      fromBeginning: true,
      commitIntervalMs: 100,
      consumerConfig: bed.testKafka.consumerConfig(groupId),
      ...extra,
    });
    const markAtOnce: BatchHandler = async (batch) => {
      for (const message of batch.messages) batch.markDone(message.offset);
    };
    // Hooks that take a while, as closing files or flushing buffers would.
    const first = new AtLeastOnceConsumer(
      bed.kafka,
      options({
        onPartitionsRevoked: async () => {
          events.push('revoke-start');
          await work(HOOK_MS);
          events.push('revoke-end');
        },
        onPartitionsAssigned: async () => {
          events.push('assign-start');
          await work(HOOK_MS);
          events.push('assign-end');
        },
      }),
      async (batch) => {
        events.push('batch');
        await markAtOnce(batch);
      },
    );
    const second = new AtLeastOnceConsumer(bed.kafka, options({}), markAtOnce);

    // Messages keep coming on both partitions, so every assignment has batches waiting at once.
    let producing = true;
    let sent = 0;
    const producer = bed.kafka.producer(bed.testKafka.producerConfig());
    await producer.connect();
    const load = (async () => {
      while (producing) {
        await producer.send({ topic, messages: [0, 1].map((partition) => ({ partition, value: `m${sent++}` })) });
        await work(50);
      }
    })();
    await first.start();
    try {
      await eventually(() => events.includes('assign-end') && events.filter((e) => e === 'batch').length >= 3, 30_000, 'batches after the first assignment');
      await second.start();
      await eventually(() => events.filter((e) => e === 'assign-end').length === 2, 30_000, 'the rebalance and its hooks');
      await eventually(() => events.lastIndexOf('batch') > events.lastIndexOf('assign-end'), 30_000, 'batches of the second assignment');

      expect(batchesDuringHooks(events)).toBe(0);
      expect(events.slice(0, 2)).toEqual(['assign-start', 'assign-end']);
      expect(events).toContain('revoke-end');
    } finally {
      producing = false;
      await load;
      await producer.disconnect();
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 90_000);
});
