import { devKafkaClientConfig, devKafkaConsumerConfig, devKafkaProducerConfig, startDevKafka, type DevKafka } from '@eventpath/dev-infra';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, type Admin } from 'kafkajs';
import { eventually } from '@eventpath/dev-infra';

const CONSUMER_PROCESS = join(__dirname, 'test-support', 'consumer-process.ts');

interface RunningConsumer {
  child: ChildProcess;
  delivered: string[];
}

describe('an at-least-once consumer killed with SIGKILL', () => {
  let broker: DevKafka;
  let kafka: Kafka;
  let admin: Admin;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['resume:1'] });
    kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'kill-test'));
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await admin.disconnect();
    await broker.stop();
  });

  function startConsumer(groupId: string, doneBelow: number): RunningConsumer {
    // Only plain settings cross the process boundary; a group of one needs no special assigner.
    // A short session lets the broker give up on the killed member sooner.
    const { sessionTimeout, heartbeatInterval, maxWaitTimeInMs, allowAutoTopicCreation } = devKafkaConsumerConfig(groupId, {
      sessionTimeout: 3000,
      heartbeatInterval: 300,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', CONSUMER_PROCESS], {
      env: {
        ...process.env,
        KAFKA_CLIENT_CONFIG: JSON.stringify(devKafkaClientConfig(broker.brokers, `kill-test-${doneBelow}`)),
        CONSUMER_CONFIG: JSON.stringify({ sessionTimeout, heartbeatInterval, maxWaitTimeInMs, allowAutoTopicCreation }),
        GROUP_ID: groupId,
        TOPIC: 'resume',
        DONE_BELOW: String(doneBelow),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const running: RunningConsumer = { child, delivered: [] };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      running.delivered.push((JSON.parse(line) as { offset: string }).offset);
    });
    return running;
  }

  async function committed(groupId: string): Promise<string> {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: ['resume'] });
    return offsets.partitions[0].offset;
  }

  it('resumes in a new process from the first offset that was not done, skipping nothing', async () => {
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    await producer.send({ topic: 'resume', messages: Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    const groupId = `resume-${Date.now()}`;

    const first = startConsumer(groupId, 12);
    await eventually(() => first.delivered.length >= 20, 30_000, 'the first process to receive all 20 messages');
    await eventually(async () => (await committed(groupId)) === '12', 10_000, 'offset 12 committed');
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    expect(await committed(groupId)).toBe('12');

    const second = startConsumer(groupId, 1000);
    await eventually(async () => (await committed(groupId)) === '20', 40_000, 'offset 20 committed by the second process');
    expect(second.delivered).toEqual(['12', '13', '14', '15', '16', '17', '18', '19']);
  }, 90_000);
});
