// Public API of @eventpath/ingest: HTTP ingestion of events into the fronting
// Kafka with a Redis failover stream. See README.md.
export { CONTENT_TYPE_HEADER, EVENT_ID_HEADER, INGEST_TIME_HEADER, RESERVED_HEADER_PREFIX } from './events/event-headers';
export { eventIdProblem, MAX_EVENT_ID_LENGTH, newEventId } from './events/event-id';
export { createIngestEvent, toFailoverEvent, toKafkaMessage, type IngestEvent, type IngestEventFields } from './events/ingest-event';
export { DEFAULT_INGEST_LIMITS, type IngestLimits } from './events/ingest-limits';
export { prepareEvents, type DraftEvent } from './events/draft-event';
export { describeProblem, IngestRequestError, type EventProblem, type IngestErrorKind } from './events/ingest-request-error';
export { NATIVE_CONTENT_TYPES, nativeBodyKind, parseNativeBody, RAW_BODY_HEADERS, type NativeBodyOptions } from './native/native-request-body';
export { nativeEventFromJson } from './native/native-event-object';
export { embeddedFormatOf, SCHEMA_REGISTRY_FORMATS, type EmbeddedFormat } from './rest-proxy/embedded-format';
export { parseProduceRecords } from './rest-proxy/produce-records';
export { produceResponse, type PartitionOffset, type ProduceResponse } from './rest-proxy/produce-response';
export { REST_PROXY_ERROR_CODES, REST_PROXY_MESSAGES, restProxyErrorBody } from './rest-proxy/rest-proxy-error-codes';
export { describePartition, describeTopic, type PartitionDescription } from './rest-proxy/topic-description';
export { BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE, plainValueCodec, ValueError, type EncodedValue, type ValueCodec } from './values/value-codec';
export { protobufContentType, protobufValueCodec } from './values/protobuf-value-codec';
export { TopicValueCodecs, type MessageTypeLookup } from './values/topic-value-codecs';
export { isInternalTopic, topicNameProblem } from './topics/topic-name';
export type { TopicInfo, TopicListStore, TopicMetadataSource, TopicPartitionInfo } from './topics/topic-info';
export { TopicCatalogue, type TopicCatalogueOptions } from './topics/topic-catalogue';
export { RedisTopicListStore, TOPIC_LIST_KEY, type RedisStringClient } from './topics/redis-topic-list-store';
export { API_KEY_HASH, hashApiKey } from './auth/api-key-hash';
export { TopicAcl, topicPatternProblem } from './auth/topic-acl';
export {
  ANONYMOUS,
  ApiKeyAuthenticator,
  type ApiKeyEntry,
  type CredentialHeaders,
  type Principal,
  type RateLimit,
} from './auth/api-key-authenticator';
export { PrincipalRateLimiter } from './limits/principal-rate-limiter';
export { allDurable, type EventOutcome, type EventSink } from './sink/event-outcome';
export {
  CircuitOpenError,
  KafkaCircuitBreaker,
  SendTimeoutError,
  type CircuitState,
  type KafkaCircuitBreakerOptions,
} from './sink/kafka-circuit-breaker';
export { DurableSink, type DurableSinkOptions, type FailoverAppender, type KafkaSender } from './sink/durable-sink';
export { CIRCUIT_STATE_VALUES, IngestMetrics, type EventDestination } from './metrics/ingest-metrics';
export { admitTopic, type AdmittedTopic, type TopicDirectory } from './http/topic-admission';
export type { IngestServices } from './http/ingest-services';
export { createIngestApp } from './http/ingest-app';
export { nativeApiRouter, type NativeResult } from './http/native-api';
export { REST_PROXY_RESPONSE_TYPES, restProxyRouter } from './http/rest-proxy-api';
export { writeEvents } from './http/write-events';
