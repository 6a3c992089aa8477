// Dev Kafka broker for tests and the local dev stack: librdkafka's mock
// cluster in a child process (see launcher.c), its control commands, and the
// kafkajs settings it needs.
export {
  startDevKafka,
  type DevKafka,
  type DevKafkaBrokerNode,
  type LauncherExit,
  type StartDevKafkaOptions,
} from './start-dev-kafka';
export { connectDevKafkaControl, type DevKafkaControlClient } from './control-client';
export {
  KafkaApiKey,
  KafkaErrorCode,
  type DevKafkaControl,
  type TopicPartitionCount,
  type Watermarks,
} from './dev-kafka-control';
export type { DevKafkaReply } from './command-channel';
export type { TopicSpec } from './topic-spec';
export { ensureLauncherBinary, type LauncherBinaryOptions } from './launcher-binary';
export {
  DelayedRoundRobinAssigner,
  DEV_KAFKA_FAST_FAIL_RETRY,
  SYNC_GROUP_DELAY_MS,
  devKafkaClientConfig,
  devKafkaConsumerConfig,
  devKafkaProducerConfig,
} from './kafka-test-settings';
export {
  DevKafkaChannelClosedError,
  DevKafkaCommandError,
  DevKafkaCompileError,
  DevKafkaStartError,
  DevKafkaToolchainError,
} from './errors';
