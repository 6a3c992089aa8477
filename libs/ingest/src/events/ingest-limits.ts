/** Bounds every request and event is checked against before anything is written. */
export interface IngestLimits {
  /** Most events in one request. */
  maxEventsPerRequest: number;
  /** Most bytes of one event: id, key, value, header names and values (what the failover stream counts too). */
  maxEventBytes: number;
  /** Most headers a producer may put on one event (the gateway adds three more). */
  maxHeadersPerEvent: number;
  /** Most bytes of one header, name and value. */
  maxHeaderBytes: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxEventsPerRequest: 10_000,
  // Under the brokers' default message.max.bytes (1 MiB + 12) with room for the record overhead.
  maxEventBytes: 1_000_000,
  maxHeadersPerEvent: 64,
  maxHeaderBytes: 16 * 1024,
};
