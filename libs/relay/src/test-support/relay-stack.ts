import type { Admin } from 'kafkajs';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { BatchingProducerOptions } from '@eventpath/queues';
import { ConsumerLagMonitor } from '../lag/consumer-lag-monitor';
import { DeadLetterWriter } from '../dead-letter/dead-letter-writer';
import { KafkaTarget } from '../delivery/kafka-target';
import { FrontingRelay } from '../relay/fronting-relay';
import type { Partitioning } from '../relay/partitioning';
import { TopicMapping } from '../topics/topic-mapping';
import { readMetric } from './metric-reader';
import { quickKafka } from './test-events';

export interface RelayStackOptions {
  frontingBrokers: string[];
  mainstreamBrokers: string[];
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  mapping?: TopicMapping;
  partitioning?: Partitioning;
  unknownTopic?: 'refuse' | 'wait';
  producer?: BatchingProducerOptions;
  lagIntervalMs?: number;
}

/** A FrontingRelay wired as the worker wires it, with a registry to read its metrics from. */
export interface RelayStack {
  relay: FrontingRelay;
  target: KafkaTarget;
  deadLetters: DeadLetterWriter;
  lag: ConsumerLagMonitor;
  registry: Registry;
  frontingAdmin: Admin;
  /** Sum of a metric's values whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export async function startRelayStack(options: RelayStackOptions): Promise<RelayStack> {
  const registry = new Registry();
  // RELAY_TEST_LOG=debug (or info, warn) shows the relay's logs on stderr.
  const logger = process.env['RELAY_TEST_LOG'] ? pino({ level: process.env['RELAY_TEST_LOG'] }, pino.destination(2)) : undefined;
  const fronting = quickKafka(options.frontingBrokers, `${options.groupId}-fronting`);
  const mainstream = quickKafka(options.mainstreamBrokers, `${options.groupId}-mainstream`);
  const frontingAdmin = fronting.admin();
  const target = new KafkaTarget(mainstream, {
    name: 'mainstream',
    unknownTopic: options.unknownTopic,
    backoff: { initialMs: 100, maxMs: 1000 },
    producer: options.producer,
  });
  const deadLetters = new DeadLetterWriter(fronting, { topic: options.deadLetterTopic, registry, logger, backoff: { initialMs: 100, maxMs: 1000 } });
  await Promise.all([frontingAdmin.connect(), target.connect(), deadLetters.connect()]);
  const relay = new FrontingRelay({
    kafka: fronting,
    groupId: options.groupId,
    target,
    deadLetters,
    mapping: options.mapping ?? TopicMapping.identity(),
    partitioning: options.partitioning,
    commitIntervalMs: 200,
    consumerConfig: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
    registry,
    logger,
  });
  await relay.subscribe(options.topics);
  const lag = new ConsumerLagMonitor({
    admin: frontingAdmin,
    groupId: options.groupId,
    partitions: () => relay.assignment,
    registry,
    intervalMs: options.lagIntervalMs ?? 500,
  });
  lag.start();
  return {
    relay,
    target,
    deadLetters,
    lag,
    registry,
    frontingAdmin,
    metric: (name, labels) => readMetric(registry, name, labels),
    stop: async () => {
      lag.stop();
      await relay.stop();
      await Promise.all([target.disconnect(), deadLetters.disconnect(), frontingAdmin.disconnect()]);
    },
  };
}
