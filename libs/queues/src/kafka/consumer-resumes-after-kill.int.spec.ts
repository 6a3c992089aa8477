import { eventually } from '@eventpath/dev-infra';
import { plainConsumerConfig, startConsumerProcess, type ConsumerProcess } from './test-support/consumer-processes';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

describe('an at-least-once consumer killed with SIGKILL', () => {
  let bed: ConsumerTestBed;
  let topic: string;
  const children: ConsumerProcess[] = [];

  beforeAll(async () => {
    bed = await startConsumerTestBed('kill-test');
    topic = await bed.topic('resume', 1);
    await bed.produce(topic, Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })));
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await bed?.release();
  });

  function startConsumer(groupId: string, doneBelow: number): ConsumerProcess {
    const child = startConsumerProcess({
      name: `kill-test-${doneBelow}`,
      clientConfig: bed.testKafka.clientConfig(`kill-test-${doneBelow}`),
      // A short session lets the broker give up on the killed member sooner.
      consumerConfig: plainConsumerConfig(bed.testKafka.consumerConfig(groupId, { sessionTimeout: 3000, heartbeatInterval: 300 })),
      groupId,
      topic,
      doneBelow,
    });
    children.push(child);
    return child;
  }

  const committed = async (groupId: string) => (await bed.committed(groupId, topic))[0];

  it('resumes in a new process from the first offset that was not done, skipping nothing', async () => {
    const groupId = `resume-${Date.now()}`;

    const first = startConsumer(groupId, 12);
    await eventually(() => first.delivered.length >= 20, 30_000, 'the first process to receive all 20 messages');
    await eventually(async () => (await committed(groupId)) === '12', 10_000, 'offset 12 committed');
    await first.kill();
    expect(await committed(groupId)).toBe('12');

    const second = startConsumer(groupId, 1000);
    await eventually(async () => (await committed(groupId)) === '20', 40_000, 'offset 20 committed by the second process');
    expect(second.delivered).toEqual(['12', '13', '14', '15', '16', '17', '18', '19'].map((offset) => `0/${offset}`));
  }, 90_000);
});
