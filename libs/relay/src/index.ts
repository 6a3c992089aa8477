// Public API of @eventpath/relay: fronting Kafka → mainstream Kafka and the
// Redis failover streams → Kafka, at least once, with dead-lettering.
export { TopicSelector, TopicSelectorError } from './topics/topic-selector';
export { TopicMapping, TopicMappingError } from './topics/topic-mapping';
export { isInternalTopic, isValidTopicName } from './topics/topic-name';
export { discoverKafkaTopics } from './topics/kafka-topic-discovery';
export { TopicWatcher, type TopicWatcherOptions } from './topics/topic-watcher';
export { TopicExistsCheck } from './topics/topic-exists-check';

export { Backoff, sleep, type BackoffOptions } from './delivery/backoff';
export { ConnectOnDemand } from './delivery/connect-on-demand';
export { recordSize } from './delivery/record-size';
export { IsolatedSender } from './delivery/isolated-sender';
export {
  RecordDelivery,
  type DeliveryHooks,
  type RecordDeliveryOptions,
  type RecordOutcome,
  type RecordSender,
  type RefusalReason,
  type RetryNotice,
} from './delivery/record-delivery';
export { KafkaTarget, type KafkaTargetOptions } from './delivery/kafka-target';
export type { DeadLetterSink, DeliveryTarget } from './delivery/delivery-target';

export { DEAD_LETTER_HEADERS, deadLetterMessage, type DeadLetterOrigin, type Refusal } from './dead-letter/dead-letter-message';
export { DeadLetterWriter, type DeadLetterWriterOptions } from './dead-letter/dead-letter-writer';

export { PARTITIONINGS, type Partitioning } from './relay/partitioning';
export { relayedMessage } from './relay/relayed-message';
export { PartitionRelay, type PartitionFlow, type PartitionRelayOptions } from './relay/partition-relay';
export { FrontingRelay, type FrontingRelayOptions } from './relay/fronting-relay';

export { ConsumerLagMonitor, type ConsumerLagMonitorOptions } from './lag/consumer-lag-monitor';

export { drainedMessage } from './drain/drained-message';
export { DrainRateLimit } from './drain/drain-rate-limit';
export { deliveryCounts, keepPending } from './drain/pending-entries';
export { discoverFailoverStreams } from './drain/failover-stream-discovery';
export { StreamDrainer, type StreamDrainerOptions, type StreamReadOptions } from './drain/stream-drainer';
export { FailoverDrain, type FailoverDrainOptions } from './drain/failover-drain';

export { keepTrying, type KeepTryingOptions } from './lifecycle/keep-trying';
