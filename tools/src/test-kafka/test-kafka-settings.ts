import { logLevel, Partitioners, type ConsumerConfig, type KafkaConfig, type ProducerConfig } from 'kafkajs';
import { devKafkaClientConfig, devKafkaConsumerConfig, devKafkaProducerConfig } from '../dev-kafka/kafka-test-settings';
import type { TestKafkaKind } from './test-kafka-kind';

/**
 * kafkajs settings for tests, per kind of Kafka. On real Kafka they only make
 * tests quick (short sessions, short empty fetches); the dev broker's
 * workarounds apply on the dev broker alone.
 */
export interface TestKafkaSettings {
  clientConfig(clientId: string, overrides?: Partial<KafkaConfig>): KafkaConfig;
  producerConfig(overrides?: ProducerConfig): ProducerConfig;
  consumerConfig(groupId: string, overrides?: Partial<ConsumerConfig>): ConsumerConfig;
}

export function testKafkaSettings(kind: TestKafkaKind, brokers: string[]): TestKafkaSettings {
  if (kind === 'dev') {
    return {
      clientConfig: (clientId, overrides) => devKafkaClientConfig(brokers, clientId, overrides),
      producerConfig: (overrides) => devKafkaProducerConfig(overrides),
      consumerConfig: (groupId, overrides) => devKafkaConsumerConfig(groupId, overrides),
    };
  }
  return {
    clientConfig: (clientId, overrides = {}) => ({ clientId, brokers, logLevel: logLevel.NOTHING, ...overrides }),
    producerConfig: (overrides = {}) => ({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...overrides,
    }),
    consumerConfig: (groupId, overrides = {}) => ({
      groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      ...overrides,
    }),
  };
}
