export { BoundedQueue, type BoundedQueueOptions, type TakeResult } from './bounded-queue';
export {
  pipeline,
  Pipeline,
  PipelineBuilder,
  type Emit,
  type PipelineOptions,
  type SinkFn,
  type SourceFn,
  type StageFn,
  type StageOptions,
} from './pipeline';
export {
  EvictingMemoryPolicyError,
  FailoverBufferFullError,
  InvalidFailoverEventError,
  KafkaOperationError,
  NonDurableRedisError,
  PartialDeliveryError,
  QueueClosedError,
  type BufferFullReason,
  type KafkaErrorKind,
} from './errors';
export {
  kafkaClientSettings,
  kafkaConfigSchema,
  loadKafkaClientSettings,
  SASL_MECHANISMS,
  type KafkaClientSettings,
  type KafkaConfigSchema,
  type KafkaEnvConfig,
  type SaslMechanism,
} from './kafka/kafka-config';
export { createKafkaClient, kafkaJsConfig, type KafkaClientOptions } from './kafka/client-factory';
export { classifyKafkaError } from './kafka/error-classification';
export { BatchingProducer, type BatchingProducerOptions, type DeliveryReport } from './kafka/batching-producer';
export {
  AtLeastOnceConsumer,
  type AtLeastOnceConsumerOptions,
  type BatchHandler,
  type ConsumedBatch,
  type TopicPartitions,
} from './kafka/at-least-once-consumer';
export { FailoverStreamWriter, type FailoverStreamWriterOptions } from './failover-stream/failover-stream-writer';
export {
  DEFAULT_FAILOVER_GROUP,
  FailoverStreamReader,
  type FailoverStreamReaderOptions,
} from './failover-stream/failover-stream-reader';
export { MAX_HEADERS_PER_EVENT, type FailoverEntry, type FailoverEvent } from './failover-stream/failover-event';
export { FAILOVER_KEY_PREFIX, failoverStreamKeys, type FailoverStreamKeys } from './failover-stream/stream-keys';
export { assertRedisDoesNotEvict, type RedisCheckOptions } from './failover-stream/eviction-policy-check';
export { assertRedisIsDurable, type FailoverDurability } from './failover-stream/durability-check';
export type { RedisClient } from './failover-stream/run-script';
export { registerCompressionCodecs } from './kafka/compression-codecs';
