import type { IngestEvent } from '../events/ingest-event';

/** Where one event went: acknowledged by the fronting Kafka (acks=all), appended to the failover stream, or neither. */
export type EventOutcome =
  | { status: 'kafka'; partition: number; offset: string }
  | { status: 'failover' }
  | { status: 'not-accepted'; reason: string; retriable: boolean };

/** What takes a request's events and says, per event, where each went. */
export interface EventSink {
  /** One outcome per event, in order. Never rejects for a Kafka or Redis failure: those are `not-accepted` outcomes. */
  write(topic: string, events: readonly IngestEvent[]): Promise<EventOutcome[]>;
}

/** Whether every event is durable (`kafka` or `failover`): only then may the gateway answer 2xx. */
export function allDurable(outcomes: readonly EventOutcome[]): boolean {
  return outcomes.every((outcome) => outcome.status !== 'not-accepted');
}
