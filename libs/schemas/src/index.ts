export {
  startSchemaRegistry,
  type SchemaRegistry,
  type SchemaRegistryOptions,
  type SchemaUpdate,
  type SchemaUpdateListener,
  type MessageTypeChange,
  type SourceStatus,
} from './registry/schema-registry';
export { SchemaSnapshot } from './registry/schema-snapshot';
export { loadSchemas } from './registry/load-schemas';
export {
  MessageSchema,
  FINGERPRINT_METADATA_KEY,
  MESSAGE_TYPE_METADATA_KEY,
  type EncodeOptions,
  type FromJsonOptions,
  type ParquetMapping,
  type ParquetMappingOptions,
  type ToJsonOptions,
} from './registry/message-schema';
export { DEFAULT_SCHEMA_UPDATE_CHANNEL } from './registry/redis-push-channel';
export type { ReloadOutcome } from './registry/registry-metrics';
export type { SchemaSourceConfig } from './registry/sources/schema-source';
export { schemaSourceFromLocation, type OpenObjectStore } from './registry/sources/create-schema-source';
export type { Incompatibility } from './model/compatibility';
export type { DecodedMessage } from './codec/decoder-compiler';
export type { JsonValue } from './json/json-scalars';
export { METADATA_COLUMNS, type RecordMetadata } from './parquet/metadata-columns';
export { createParquetColumnBatch, ParquetColumnBatch } from './parquet/parquet-column-batch';
export {
  DecodeError,
  EncodeError,
  InvalidSchemaError,
  JsonMappingError,
  MessageValueError,
  ParquetMappingError,
  SchemaFetchError,
  SchemaRegistryConfigError,
  UnknownMessageTypeError,
  UnknownTopicError,
} from './errors';
