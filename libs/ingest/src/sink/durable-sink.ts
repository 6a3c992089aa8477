import {
  FailoverBufferFullError,
  InvalidFailoverEventError,
  KafkaOperationError,
  PartialDeliveryError,
  type DeliveryReport,
  type FailoverEvent,
} from '@eventpath/queues';
import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import { toFailoverEvent, toKafkaMessage, type IngestEvent } from '../events/ingest-event';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import type { EventOutcome, EventSink } from './event-outcome';
import { CircuitOpenError, KafkaCircuitBreaker, SendTimeoutError, type CircuitState, type KafkaCircuitBreakerOptions } from './kafka-circuit-breaker';

/** What sends to the fronting Kafka: `@eventpath/queues`' BatchingProducer (acks=-1). */
export interface KafkaSender {
  send(topic: string, messages: Message[]): Promise<DeliveryReport[]>;
}

/** What appends to the failover stream: `@eventpath/queues`' FailoverStreamWriter. */
export interface FailoverAppender {
  append(topic: string, events: FailoverEvent[]): Promise<string[]>;
}

export interface DurableSinkOptions {
  breaker?: KafkaCircuitBreakerOptions;
  /** Most event bytes in flight at once; a request that would pass it is not accepted (503) at once. Default 256 MiB. */
  maxInFlightBytes?: number;
  metrics?: IngestMetrics;
  logger?: Logger;
}

/**
 * Makes events durable: in the fronting Kafka (acks=all) through a circuit
 * breaker, and the events Kafka did not take in the Redis failover stream.
 *
 * - Kafka acknowledges all: every outcome is `kafka` with its partition and offset.
 * - Kafka takes some (a leader down, `PartialDeliveryError`): those are `kafka`;
 *   only the others are appended to the stream and are `failover`.
 * - Kafka fails, times out (`sendTimeoutMs`) or the circuit is open: every
 *   event is appended to the stream. A send given up on may still be written
 *   later, so such an event can be in both places (ids let downstream
 *   deduplicate).
 * - The stream refuses too (full, Redis down or evicting): those events are
 *   `not-accepted` (retriable), never reported as taken.
 * - Kafka refuses an event as too large: `not-accepted`, not retriable, and
 *   not failed over (the fronting-worker could not forward it either).
 */
export class DurableSink implements EventSink {
  private readonly breaker: KafkaCircuitBreaker<[string, Message[]], DeliveryReport[]>;
  private readonly maxInFlightBytes: number;
  private inFlightBytes = 0;

  constructor(
    producer: KafkaSender,
    private readonly failover: FailoverAppender,
    private readonly options: DurableSinkOptions = {},
  ) {
    this.breaker = new KafkaCircuitBreaker((topic: string, messages: Message[]) => producer.send(topic, messages), {
      metrics: options.metrics,
      logger: options.logger,
      ...options.breaker,
    });
    this.maxInFlightBytes = options.maxInFlightBytes ?? 256 * 1024 * 1024;
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async write(topic: string, events: readonly IngestEvent[]): Promise<EventOutcome[]> {
    const bytes = events.reduce((sum, event) => sum + event.bytes, 0);
    if (this.inFlightBytes > 0 && this.inFlightBytes + bytes > this.maxInFlightBytes) {
      this.count(topic, events, 'rejected');
      const reason = `the gateway is at its limit of ${this.maxInFlightBytes} bytes of events in flight`;
      return events.map(() => ({ status: 'not-accepted', reason, retriable: true }));
    }
    this.inFlightBytes += bytes;
    try {
      return await this.deliver(topic, events);
    } finally {
      this.inFlightBytes -= bytes;
    }
  }

  /** Stops the breaker's timers; sends after it fail over. */
  close(): void {
    this.breaker.shutdown();
  }

  private async deliver(topic: string, events: readonly IngestEvent[]): Promise<EventOutcome[]> {
    const outcomes: Array<EventOutcome | undefined> = new Array(events.length);
    let kafkaFailure: string | undefined;
    const started = performance.now();
    try {
      const reports = await this.breaker.fire(topic, events.map(toKafkaMessage));
      this.options.metrics?.kafkaSendDuration.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      reports.forEach((report, i) => (outcomes[i] = { status: 'kafka', partition: report.partition, offset: report.offset }));
    } catch (error) {
      this.options.metrics?.kafkaSendDuration.observe({ outcome: sendOutcome(error) }, (performance.now() - started) / 1000);
      kafkaFailure = error instanceof Error ? error.message : String(error);
      const tooLarge = error instanceof KafkaOperationError && error.kind === 'message-too-large';
      const reports = error instanceof PartialDeliveryError ? error.reports : [];
      events.forEach((_, i) => {
        const report = reports[i];
        if (report) outcomes[i] = { status: 'kafka', partition: report.partition, offset: report.offset };
        else if (tooLarge) outcomes[i] = { status: 'not-accepted', reason: `the fronting Kafka refused the event as too large: ${kafkaFailure}`, retriable: false };
      });
      if (!(error instanceof CircuitOpenError)) this.options.logger?.debug({ topic, events: events.length, reason: kafkaFailure }, 'send to the fronting Kafka failed');
    }
    const unwritten = events.flatMap((_event, i) => (outcomes[i] === undefined ? [i] : []));
    if (unwritten.length > 0) await this.failOver(topic, events, unwritten, outcomes, kafkaFailure ?? 'not written');
    const done = outcomes as EventOutcome[];
    this.countOutcomes(topic, events, done);
    return done;
  }

  private async failOver(topic: string, events: readonly IngestEvent[], indices: number[], outcomes: Array<EventOutcome | undefined>, kafkaFailure: string): Promise<void> {
    const started = performance.now();
    try {
      await this.failover.append(topic, indices.map((i) => toFailoverEvent(events[i])));
      this.options.metrics?.failoverAppendDuration.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      for (const i of indices) outcomes[i] = { status: 'failover' };
    } catch (error) {
      const refused = error instanceof FailoverBufferFullError;
      this.options.metrics?.failoverAppendDuration.observe({ outcome: refused ? 'refused' : 'failed' }, (performance.now() - started) / 1000);
      const detail = error instanceof Error ? error.message : String(error);
      const reason = `fronting Kafka: ${kafkaFailure}; failover stream: ${detail}`;
      const retriable = !(error instanceof InvalidFailoverEventError);
      this.options.logger?.warn({ topic, events: indices.length, reason }, 'events not accepted: neither the fronting Kafka nor the failover stream took them');
      for (const i of indices) outcomes[i] = { status: 'not-accepted', reason, retriable };
    }
  }

  private countOutcomes(topic: string, events: readonly IngestEvent[], outcomes: readonly EventOutcome[]): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const totals = { kafka: [0, 0], failover: [0, 0], rejected: [0, 0] };
    outcomes.forEach((outcome, i) => {
      const total = totals[outcome.status === 'not-accepted' ? 'rejected' : outcome.status];
      total[0] += 1;
      total[1] += events[i].bytes;
    });
    for (const [destination, [count, bytes]] of Object.entries(totals)) metrics.countEvents(topic, destination as 'kafka', count, bytes);
  }

  private count(topic: string, events: readonly IngestEvent[], destination: 'rejected'): void {
    this.options.metrics?.countEvents(topic, destination, events.length, events.reduce((sum, e) => sum + e.bytes, 0));
  }
}

function sendOutcome(error: unknown): string {
  if (error instanceof CircuitOpenError) return 'short-circuited';
  if (error instanceof SendTimeoutError) return 'timeout';
  return 'failed';
}
