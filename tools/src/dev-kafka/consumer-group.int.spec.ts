import { eventually } from '../test-support';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { spawnTsx, type TsxProcess } from './test-support/tsx-process';

const MEMBER_SCRIPT = path.join(__dirname, 'test-support', 'group-member.ts');
const TOPIC = 'group-resume';
const PARTITIONS = 4;
const MESSAGES = 400;

type Line = Record<string, unknown>;
const isEvent = (event: string) => (line: Line) => line.event === event;
const consumedLines = (member: TsxProcess, from = 0) => member.lines.slice(from).filter(isEvent('consumed'));

describe('a consumer group on the dev broker', () => {
  let broker: DevKafka;
  const members: TsxProcess[] = [];

  beforeAll(async () => {
    broker = await startDevKafka({ topics: [{ name: TOPIC, partitions: PARTITIONS }] });
  });

  afterAll(async () => {
    for (const member of members) member.child.kill('SIGKILL');
    await Promise.all(members.map((member) => member.closed));
    await broker.stop();
  });

  const startMember = (groupId: string): TsxProcess => {
    const member = spawnTsx(MEMBER_SCRIPT, [
      '--bootstrap',
      broker.bootstrap,
      '--topic',
      TOPIC,
      '--group',
      groupId,
      // Slow enough that the killed member is still mid-stream.
      '--delay-ms',
      '10',
    ]);
    members.push(member);
    return member;
  };

  it('resumes a killed member’s partitions from its committed offsets, redelivering only uncommitted messages', async () => {
    const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'group-test-producer'));
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    const keys = Array.from({ length: MESSAGES }, (_, i) => `m${i}`);
    await producer.send({ topic: TOPIC, acks: -1, messages: keys.map((key) => ({ key, value: key })) });
    await producer.disconnect();

    const groupId = `group-${randomUUID()}`;
    const first = startMember(groupId);
    const second = startMember(groupId);
    // After the second member joins, the partitions are split two and two.
    const splitEvenly = (line: Line) => line.event === 'joined' && (line.partitions as number[]).length === 2;
    await Promise.all([first.waitForLine(splitEvenly), second.waitForLine(splitEvenly)]);
    const firstJoin = first.lines.filter(splitEvenly).at(-1) as Line;
    const killedPartitions = firstJoin.partitions as number[];
    const afterSplit = first.lines.indexOf(firstJoin);
    await first.waitForLine(
      (line) => line.event === 'committed' && first.lines.indexOf(line) > afterSplit + 40,
    );

    first.child.kill('SIGKILL');
    await first.closed;
    // Everything the survivor reports from here on happened after the kill.
    const survivorFrom = second.lines.length;
    const committed = new Map<number, number>();
    for (const line of [...first.lines, ...second.lines].filter(isEvent('committed'))) {
      const partition = line.partition as number;
      committed.set(partition, Math.max(committed.get(partition) ?? 0, Number(line.offset)));
    }

    const replacement = startMember(groupId);
    const consumedKeys = () =>
      new Set([...members.flatMap((member) => consumedLines(member))].map((line) => line.key as string));
    await eventually(() => consumedKeys().size === MESSAGES, 40_000, 'every message consumed');

    const afterKill = [...consumedLines(second, survivorFrom), ...consumedLines(replacement)];
    // No message the killed member had committed is delivered again.
    const redeliveredCommitted = afterKill.filter(
      (line) => Number(line.offset) < (committed.get(line.partition as number) ?? 0),
    );
    expect(redeliveredCommitted).toEqual([]);
    // Its partitions resume exactly at the committed offset: nothing skipped.
    for (const partition of killedPartitions) {
      const resumedAt = afterKill.find((line) => line.partition === partition);
      expect({ partition, offset: Number(resumedAt?.offset) }).toEqual({ partition, offset: committed.get(partition) ?? 0 });
    }
    expect(consumedKeys()).toEqual(new Set(keys));

    const deliveries = members.reduce((sum, member) => sum + consumedLines(member).length, 0);
    // At-least-once: a message handled but not yet committed when its member
    // died, or whose commit was refused during a rebalance, comes again.
    console.info(`consumer group: ${MESSAGES} messages, ${deliveries - MESSAGES} redeliveries`);
    expect(deliveries).toBeGreaterThanOrEqual(MESSAGES);
  });
});

