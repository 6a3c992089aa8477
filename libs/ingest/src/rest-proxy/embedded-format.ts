import { mediaTypeOf } from '../http/media-type';

/** The embedded formats of Confluent REST Proxy v2 produce requests. */
export type EmbeddedFormat = 'binary' | 'json' | 'avro' | 'protobuf' | 'jsonschema';

/** Formats whose records need a Schema Registry to serialize. */
export const SCHEMA_REGISTRY_FORMATS: ReadonlySet<EmbeddedFormat> = new Set(['avro', 'protobuf', 'jsonschema']);

const BY_MEDIA_TYPE: ReadonlyMap<string, EmbeddedFormat> = new Map([
  ['application/vnd.kafka.binary.v2+json', 'binary'],
  ['application/vnd.kafka.json.v2+json', 'json'],
  ['application/vnd.kafka.avro.v2+json', 'avro'],
  ['application/vnd.kafka.protobuf.v2+json', 'protobuf'],
  ['application/vnd.kafka.jsonschema.v2+json', 'jsonschema'],
  // Less specific types the REST Proxy accepts: "if the embedded format is omitted, binary is assumed".
  ['application/vnd.kafka.v2+json', 'binary'],
  ['application/vnd.kafka+json', 'binary'],
  ['application/json', 'binary'],
  ['application/octet-stream', 'binary'],
]);

/** The embedded format of a produce request's Content-Type; binary when none is given; undefined when unsupported (415). */
export function embeddedFormatOf(contentType: string | undefined): EmbeddedFormat | undefined {
  const type = mediaTypeOf(contentType);
  return type === undefined ? 'binary' : BY_MEDIA_TYPE.get(type);
}
