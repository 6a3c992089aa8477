import type { IngestRequestError } from '../events/ingest-request-error';

/** The REST Proxy's `error_code` values (HTTP status × 100 + a sub-code, or the bare status). */
export const REST_PROXY_ERROR_CODES = {
  topicNotFound: 40401,
  partitionNotFound: 40402,
  keySchemaMissing: 42201,
  valueSchemaMissing: 42202,
  kafkaError: 50002,
  retriableKafkaError: 50003,
} as const;

/** The REST Proxy's messages for its specific codes, word for word. */
export const REST_PROXY_MESSAGES = {
  topicNotFound: 'Topic not found.',
  partitionNotFound: 'Partition not found.',
  keySchemaMissing: 'Request includes keys but does not include key schema',
  valueSchemaMissing: 'Request includes values but does not include value schema',
} as const;

/** The REST Proxy error body of a refused request: `{ "error_code": 40401, "message": "Topic not found." }`. */
export function restProxyErrorBody(error: IngestRequestError): { error_code: number; message: string } {
  if (error.errorCode !== undefined) return { error_code: error.errorCode, message: error.message };
  if (error.kind === 'topic-not-found') return { error_code: REST_PROXY_ERROR_CODES.topicNotFound, message: REST_PROXY_MESSAGES.topicNotFound };
  if (error.kind === 'partition-not-found') {
    return { error_code: REST_PROXY_ERROR_CODES.partitionNotFound, message: REST_PROXY_MESSAGES.partitionNotFound };
  }
  return { error_code: error.status, message: error.message };
}
