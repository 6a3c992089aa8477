import { eventually, testKafkaKind } from '@eventpath/dev-infra';
import { Kafka, type ConsumerConfig } from 'kafkajs';
import { AtLeastOnceConsumer } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

// Transactions need a transaction coordinator: Apache Kafka (the dev broker's is partial).
const describeOnRealKafka = testKafkaKind() === 'dev' ? describe.skip : describe;

describeOnRealKafka('AtLeastOnceConsumer after an aborted transaction (Apache Kafka; skipped on the dev broker)', () => {
  let bed: ConsumerTestBed;

  beforeAll(async () => {
    bed = await startConsumerTestBed('aborted-transaction-test');
  });
  afterAll(() => bed?.release());

  it('moves past a fetch that held only aborted records and their marker, and delivers what follows', async () => {
    const topic = await bed.topic('aborted', 1);
    await bed.produce(topic, ['a', 'b', 'c'].map((value) => ({ value })));
    const groupId = `aborted-${Date.now()}`;
    const delivered: string[] = [];
    // Batches kafkajs handles without eachBatch, seen through its instrumentation events.
    let handledByKafkajsAlone = 0;
    const kafka = new Kafka(bed.testKafka.clientConfig('aborted-transaction-consumer'));
    const createConsumer = kafka.consumer.bind(kafka);
    kafka.consumer = (config: ConsumerConfig) => {
      const created = createConsumer(config);
      created.on(created.events.START_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize === 0) handledByKafkajsAlone += 1;
      });
      return created;
    };
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: [topic],
        fromBeginning: true,
        commitIntervalMs: 100,
        // One record batch per fetch (Kafka always returns the first whole), as
        // when an aborted transaction is larger than the fetch size: a refetch
        // from before it never reaches the messages after it.
        consumerConfig: bed.testKafka.consumerConfig(groupId, { maxBytesPerPartition: 1 }),
      },
      async (batch) => {
        for (const message of batch.messages) {
          delivered.push(message.value?.toString() ?? '');
          batch.markDone(message.offset);
        }
      },
    );
    const producer = bed.kafka.producer({ ...bed.testKafka.producerConfig(), transactionalId: `aborted-${groupId}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await consumer.start();
    try {
      await eventually(async () => (await bed.committed(groupId, topic))[0] === '3', 30_000, 'the first three committed');
      // Offsets 3 and 4 aborted, 5 the abort marker: the consumer's next fetches
      // (read_committed) get only them, and kafkajs handles them without eachBatch.
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await transaction.abort();
      await eventually(() => handledByKafkajsAlone > 0, 15_000, 'a fetch of only the aborted records and the marker');
      await bed.produce(topic, ['d', 'e'].map((value) => ({ value })));

      await eventually(() => delivered.length === 5, 15_000, 'the messages after the aborted transaction');
      expect(delivered).toEqual(['a', 'b', 'c', 'd', 'e']);
      await eventually(async () => (await bed.committed(groupId, topic))[0] === '8', 10_000, 'offset 8 committed');
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  }, 90_000);
});
