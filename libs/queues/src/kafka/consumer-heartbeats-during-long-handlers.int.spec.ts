import { eventually } from '@eventpath/dev-infra';
import { AtLeastOnceConsumer, type AtLeastOnceConsumerOptions, type BatchHandler } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

const SESSION_TIMEOUT_MS = 3000;
/** Well over the session timeout: without heartbeats the broker evicts the member meanwhile. */
const LONG_MS = 3 * SESSION_TIMEOUT_MS;
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AtLeastOnceConsumer with work longer than the session timeout', () => {
  let bed: ConsumerTestBed;

  beforeAll(async () => {
    bed = await startConsumerTestBed('heartbeat-test');
  });
  afterAll(() => bed?.release());

  /** Runs a consumer of a fresh 3-message topic until all three are committed; what it saw. */
  async function consume(extra: Partial<AtLeastOnceConsumerOptions>, handler: BatchHandler) {
    const topic = await bed.topic('long-work', 1);
    await bed.produce(topic, ['a', 'b', 'c'].map((value) => ({ value })));
    const groupId = `long-work-${Date.now()}`;
    let assignments = 0;
    const delivered: string[] = [];
    const consumer = new AtLeastOnceConsumer(
      bed.kafka,
      {
        groupId,
        topics: [topic],
        fromBeginning: true,
        commitIntervalMs: 100,
        consumerConfig: bed.testKafka.consumerConfig(groupId, { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300 }),
        onPartitionsAssigned: () => void (assignments += 1),
        ...extra,
      },
      async (batch) => {
        delivered.push(...batch.messages.map((m) => m.offset));
        await handler(batch);
      },
    );
    const started = Date.now();
    await consumer.start();
    try {
      await eventually(async () => (await bed.committed(groupId, topic))[0] === '3', LONG_MS + 20_000, 'all three committed');
    } finally {
      await consumer.stop();
    }
    return { assignments, delivered, tookMs: Date.now() - started };
  }

  it('keeps the member in the group while a handler runs longer than the session timeout: no rebalance, no redelivery', async () => {
    let first = true;
    const seen = await consume({}, async (batch) => {
      if (first) {
        first = false;
        await work(LONG_MS);
      }
      for (const message of batch.messages) batch.markDone(message.offset);
    });
    expect(seen.tookMs).toBeGreaterThan(LONG_MS);
    expect(seen.assignments).toBe(1);
    expect(seen.delivered).toEqual(['0', '1', '2']);
  }, 60_000);

  it('keeps the member in the group while batches wait for an assign hook longer than the session timeout', async () => {
    let hooks = 0;
    const seen = await consume(
      {
        onPartitionsAssigned: async () => {
          hooks += 1;
          if (hooks === 1) await work(LONG_MS);
        },
      },
      async (batch) => {
        for (const message of batch.messages) batch.markDone(message.offset);
      },
    );
    expect(seen.tookMs).toBeGreaterThan(LONG_MS);
    expect(hooks).toBe(1);
    expect(seen.delivered).toEqual(['0', '1', '2']);
  }, 60_000);
});
