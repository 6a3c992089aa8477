import { REST_PROXY_ERROR_CODES } from './rest-proxy-error-codes';
import type { EventOutcome } from '../sink/event-outcome';

/** One entry of a REST Proxy produce response's `offsets`. */
export interface PartitionOffset {
  partition: number | null;
  offset: number | null;
  error_code: number | null;
  error: string | null;
}

export interface ProduceResponse {
  offsets: PartitionOffset[];
  key_schema_id: null;
  value_schema_id: null;
}

/**
 * The REST Proxy's produce response, one `offsets` entry per record, in
 * order: partition and offset for a record in Kafka; nulls with a null
 * `error_code` for a record in the failover stream (durable; its Kafka
 * position is assigned when the fronting-worker forwards it); nulls with
 * `error_code` 50003 (retriable) or 50002 and the reason for a record not
 * accepted, which only ever appears in a 503 answer.
 */
export function produceResponse(outcomes: readonly EventOutcome[]): ProduceResponse {
  return {
    offsets: outcomes.map((outcome) => {
      if (outcome.status === 'kafka') return { partition: outcome.partition, offset: Number(outcome.offset), error_code: null, error: null };
      if (outcome.status === 'failover') return { partition: null, offset: null, error_code: null, error: null };
      return {
        partition: null,
        offset: null,
        error_code: outcome.retriable ? REST_PROXY_ERROR_CODES.retriableKafkaError : REST_PROXY_ERROR_CODES.kafkaError,
        error: outcome.reason,
      };
    }),
    key_schema_id: null,
    value_schema_id: null,
  };
}
