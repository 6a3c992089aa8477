/**
 * What the gateway did with the events of one request: acknowledged by
 * durability level (`kafka`: the fronting Kafka with acks=all, `failover`:
 * the Redis failover stream), or not acknowledged, counted under `failures`
 * by reason (`503`, `422`, `network ECONNREFUSED`, ...).
 */
export interface RequestOutcome {
  events: number;
  kafka: number;
  failover: number;
  failures: Record<string, number>;
  latencyMs: number;
}

/** Events of the outcome that were not acknowledged. */
export function failedEvents(outcome: Pick<RequestOutcome, 'failures'>): number {
  return Object.values(outcome.failures).reduce((sum, count) => sum + count, 0);
}
