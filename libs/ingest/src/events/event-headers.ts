/**
 * Kafka headers the gateway puts on every event, in the fronting topic and
 * (as `h:<name>` fields) in the Redis failover stream alike, so the
 * fronting-worker forwards them unchanged and the archiver finds them.
 * Producers may not set headers with this prefix.
 */
export const RESERVED_HEADER_PREFIX = 'eventpath-';

/** The event id: the producer's, or a UUIDv7 the gateway generated. */
export const EVENT_ID_HEADER = 'eventpath-event-id';

/** What the value bytes are: `application/json`, `application/octet-stream`, `application/x-protobuf; messageType=<type>`. */
export const CONTENT_TYPE_HEADER = 'eventpath-content-type';

/** When the gateway accepted the event: epoch milliseconds as a decimal string. */
export const INGEST_TIME_HEADER = 'eventpath-ingest-time';
