import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { BatchingProducerOptions } from '@eventpath/queues';
import { DeadLetterWriter } from '../dead-letter/dead-letter-writer';
import { KafkaTarget } from '../delivery/kafka-target';
import { FailoverDrain } from '../drain/failover-drain';
import { TopicSelector } from '../topics/topic-selector';
import { readMetric } from './metric-reader';
import { ID_HEADER, quickKafka } from './test-events';

export interface DrainStackOptions {
  redisUrl: string;
  targetBrokers: string[];
  deadLetterBrokers: string[];
  deadLetterTopic: string;
  consumer: string;
  topics: string[];
  claimIdleMs?: number;
  eventsPerSecond?: number;
  batchSize?: number;
  producer?: BatchingProducerOptions;
}

/** A FailoverDrain wired as the worker wires it, with a registry to read its metrics from. */
export interface DrainStack {
  drain: FailoverDrain;
  target: KafkaTarget;
  registry: Registry;
  redis: Redis;
  metric(name: string, labels?: Record<string, string>, part?: 'count' | 'sum'): Promise<number>;
  stop(): Promise<void>;
}

export async function startDrainStack(options: DrainStackOptions): Promise<DrainStack> {
  const registry = new Registry();
  const logger = process.env['RELAY_TEST_LOG'] ? pino({ level: process.env['RELAY_TEST_LOG'] }, pino.destination(2)) : undefined;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const target = new KafkaTarget(quickKafka(options.targetBrokers, `${options.consumer}-target`), {
    name: 'fronting',
    backoff: { initialMs: 100, maxMs: 1000 },
    producer: options.producer,
  });
  const deadLetters = new DeadLetterWriter(quickKafka(options.deadLetterBrokers, `${options.consumer}-dlq`), {
    topic: options.deadLetterTopic,
    registry,
    logger,
  });
  // A target that is down at start is connected by the first delivery that works, as in the worker.
  await Promise.all([target.connect().catch(() => undefined), deadLetters.connect()]);
  const drain = new FailoverDrain({
    redis,
    selector: TopicSelector.of(options.topics),
    target,
    deadLetters,
    consumer: options.consumer,
    claimIdleMs: options.claimIdleMs ?? 60_000,
    blockMs: 200,
    batchSize: options.batchSize,
    idHeader: ID_HEADER,
    eventsPerSecond: options.eventsPerSecond,
    discoveryIntervalMs: 500,
    backoff: { initialMs: 100, maxMs: 1000 },
    registry,
    logger,
  });
  await drain.start();
  return {
    drain,
    target,
    registry,
    redis,
    metric: (name, labels, part) => readMetric(registry, name, labels, part),
    stop: async () => {
      await drain.stop();
      await Promise.all([target.disconnect(), deadLetters.disconnect()]);
      redis.disconnect();
    },
  };
}
